/**
 * A reply being written: its text so far and the means to stop it. One per conversation, so two
 * chats can have replies in flight without sharing a buffer or a Stop button by accident.
 */
export class ReplyStream {
	/** Waiting for another conversation's reply, loading the model, or receiving tokens. */
	phase = $state<'waiting' | 'loading' | 'streaming'>('waiting');
	/** While loading: what the engine says it is doing ("Compiling the model for WebGPU"). */
	status = $state('');
	text = $state('');
	tokens = $state(0);
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
}
