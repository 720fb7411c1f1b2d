// The tools a contributor may run while writing an assistant reply: those that answer from the
// arguments alone, on the device. Not search_documents (the contributor's private documents would
// end up in a public dataset) and not the encyclopedia (the network; its answers change). Loaded
// lazily through `loadReplyTools`: the calculator brings mathjs.
import type { knownToolNames, ReplyToolStep } from '$lib/protocol/tools';
import { pureTools } from '$lib/shared/tools/pure-tools';
import { toolSpec } from '$lib/shared/tools/tool';
import { runToolCall } from '$lib/tools/run-tool-call';
import type { PendingToolCall } from './task-draft';
import { argumentsFrom, toolForm } from './tool-form';

type KnownToolName = (typeof knownToolNames)[number];

export type ToolOutcome =
	{ ok: true; call: ReplyToolStep['calls'][number] } | { ok: false; problem: string };

const byName = new Map(pureTools.map((tool) => [tool.name, tool]));

export const replyToolForms = pureTools.map((tool) => toolForm(toolSpec(tool)));

/** Runs `call` with the real tool: its result, or why there is none (in the tool's own words). */
export async function runReplyTool(call: PendingToolCall): Promise<ToolOutcome> {
	const form = replyToolForms.find((f) => f.name === call.name);
	if (!form) return { ok: false, problem: `There is no tool named "${call.name}" to run here.` };
	const args = argumentsFrom(form, call.values);
	const record = await runToolCall({ ok: true, name: call.name, arguments: args }, byName, {
		// Nothing stops a contributor's run but its own time limit, and no tool here needs the network.
		signal: new AbortController().signal,
		allow: async () => false
	});
	if (record.status !== 'ok') return { ok: false, problem: record.result };
	// Each of these tools is one of the protocol's known tools (a unit test holds them to it).
	const name = form.name as KnownToolName;
	return { ok: true, call: { name, arguments: args, result: record.result } };
}
