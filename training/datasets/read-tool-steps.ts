// The protocol's oasst reader (src/lib/protocol/oasst-file.ts) keeps the fields OpenAssistant
// defines and drops the others, `tool_steps` among them; the datasets need it back. This reads
// every message's `tool_steps` from the same text, in either layout, checks it, and puts it back
// on the read trees. Files without the field (OpenAssistant's, the server's exports) are not
// parsed twice and their trees come back as the reader gave them.
import { zodIssues } from '../../src/lib/shared/zod-issues';
import { toolStepsSchema, type OasstMessage, type OasstTree, type ToolStep } from './oasst-tree';

const FIELD = 'tool_steps';

/** Every message's tool steps by message id, and `file:line: …` for each one that is wrong. */
export function readToolSteps(
	text: string,
	fileName: string
): { steps: Map<string, ToolStep[]>; problems: string[] } {
	const steps = new Map<string, ToolStep[]>();
	const problems: string[] = [];
	if (!text.includes(`"${FIELD}"`)) return { steps, problems };
	text.split('\n').forEach((raw, index) => {
		let json: unknown;
		try {
			json = JSON.parse(raw);
		} catch {
			return; // blank, or already reported by the oasst reader
		}
		const visit = (node: unknown, path: string) => {
			if (typeof node !== 'object' || node === null) return;
			const { message_id, role, replies } = node as Record<string, unknown>;
			const value = (node as Record<string, unknown>)[FIELD];
			if (value != null) {
				const where = `${fileName}:${index + 1}: ${path}.${FIELD}`;
				const parsed = toolStepsSchema.safeParse(value);
				if (!parsed.success) {
					const [issue] = zodIssues(parsed.error, where);
					problems.push(`${issue.path}: ${issue.message}`);
				} else if (role !== 'assistant') {
					problems.push(`${where}: only an assistant message calls tools`);
				} else if (typeof message_id === 'string') steps.set(message_id, parsed.data);
			}
			if (Array.isArray(replies))
				replies.forEach((reply, i) => visit(reply, `${path}.replies[${i}]`));
		};
		const line = json as Record<string, unknown> | null;
		if (line && typeof line === 'object' && 'prompt' in line) visit(line.prompt, 'line.prompt');
		else visit(line, 'line');
	});
	return { steps, problems };
}

/** `tree` with each message's tool steps from `steps`. */
export function withToolSteps(tree: OasstTree, steps: Map<string, ToolStep[]>): OasstTree {
	if (steps.size === 0) return tree;
	const attach = (message: OasstMessage): OasstMessage => {
		const own = steps.get(message.message_id);
		return {
			...message,
			...(own ? { [FIELD]: own } : {}),
			replies: message.replies?.map(attach)
		};
	};
	return { ...tree, prompt: attach(tree.prompt) };
}
