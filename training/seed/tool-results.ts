// The seed's tool results must be what the tools return, or a model learns to trust results no
// tool gives. Every recorded call is checked against the declaration of the tool it names (the
// arguments the model is taught to write must be ones the browser accepts), and a tool that runs
// here (the calculator, the date tools) is run on them, its result compared with the recorded one.
// Document searches are not re-run: their notes live only in the skill that wrote them, which
// ran the real DocumentIndex itself.
import { toolDeclarations } from '../../src/lib/shared/tools/declarations';
import { pureTools } from '../../src/lib/shared/tools/pure-tools';
import type { OasstMessage, OasstTree } from '../datasets/oasst-tree';

/** Checks every tool call of `trees`, throwing at the first that is off; returns how many it checked. */
export async function checkToolResults(trees: readonly OasstTree[]): Promise<number> {
	const signal = new AbortController().signal;
	let checked = 0;
	const visit = async (message: OasstMessage) => {
		for (const call of (message.tool_steps ?? []).flatMap((step) => step.calls)) {
			const where = `message ${message.message_id}: ${call.name}`;
			const tool = toolDeclarations.find((t) => t.name === call.name);
			if (!tool) throw new Error(`${where}: no such tool`);
			const args = tool.arguments.safeParse(call.arguments);
			if (!args.success) throw new Error(`${where}: ${args.error.issues[0].message}`);
			const runnable = pureTools.find((t) => t.name === call.name);
			if (runnable) {
				const { text } = await runnable.run(args.data, { signal });
				if (text !== call.result) {
					throw new Error(`${where}: recorded result "${call.result}", the tool returns "${text}"`);
				}
			}
			checked++;
		}
		for (const reply of message.replies ?? []) await visit(reply);
	};
	for (const tree of trees) await visit(tree.prompt);
	return checked;
}
