import type { ToolStep } from '$lib/protocol/tools';
import { TOOL_CALL_OPEN } from '$lib/shared/tool-calls';

/**
 * A reply being written: its text so far and the means to stop it. One per conversation, so two
 * chats can have replies in flight without sharing a buffer or a Stop button by accident.
 */
export class ReplyStream {
	/** Waiting for another conversation's reply, loading the model, receiving tokens, or running tools. */
	phase = $state<'waiting' | 'loading' | 'streaming' | 'tool'>('waiting');
	/** While loading: what the engine says it is doing ("Compiling the model for WebGPU"). */
	status = $state('');
	/** The text of the current round (the whole reply when no tools are called). */
	text = $state('');
	tokens = $state(0);
	/** The tool rounds so far. */
	steps = $state<ToolStep[]>([]);
	/** Set while the reply waits for the user to allow a network tool in this conversation. */
	permission = $state<{ resolve: (allowed: boolean) => void } | null>(null);
	readonly controller = new AbortController();

	constructor(
		readonly messageId: string,
		/** Text already in the reply (a continued reply); new tokens are appended after it. */
		readonly prefix = ''
	) {
		this.text = prefix;
	}

	get stopped(): boolean {
		return this.controller.signal.aborted;
	}

	/** The text without a tool call being written: the call shows as a step once it runs. */
	get visibleText(): string {
		const call = this.text.indexOf(TOOL_CALL_OPEN);
		return call < 0 ? this.text : this.text.slice(0, call).trimEnd();
	}

	/** Waits for the user's answer to "may a network tool run in this conversation?". */
	askPermission(): Promise<boolean> {
		if (this.stopped) return Promise.resolve(false);
		return new Promise((resolve) => (this.permission = { resolve }));
	}

	answerPermission(allowed: boolean): void {
		this.permission?.resolve(allowed);
		this.permission = null;
	}
}
