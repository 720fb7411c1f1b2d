// Reads an oasst trees JSONL file. Any problem stops the stage with `file:line` and what is wrong,
// because a silently skipped line would quietly change what the model learns.
import { readFileSync } from 'node:fs';
import { oasstTreeSchema, type OasstMessage, type OasstTree } from './oasst-tree';

export function readTrees(path: string): OasstTree[] {
	const trees: OasstTree[] = [];
	const seen = new Map<string, number>();
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? String(error);
		throw new Error(`${path}: cannot read (${code})`, { cause: error });
	}
	text.split('\n').forEach((line, index) => {
		if (line.trim() === '') return;
		const where = `${path}:${index + 1}`;
		let json: unknown;
		try {
			json = JSON.parse(line);
		} catch (error) {
			throw new Error(`${where}: not valid JSON (${(error as Error).message})`, { cause: error });
		}
		const parsed = oasstTreeSchema.safeParse(json);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			throw new Error(`${where}: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
		}
		const tree = parsed.data;
		const problem = structureProblem(tree.prompt, null);
		if (problem) throw new Error(`${where}: ${problem}`);
		const earlier = seen.get(tree.message_tree_id);
		if (earlier !== undefined) {
			throw new Error(`${where}: tree ${tree.message_tree_id} already appeared on line ${earlier}`);
		}
		seen.set(tree.message_tree_id, index + 1);
		trees.push(tree);
	});
	return trees;
}

/** A tree starts with a prompter message, roles alternate, and every parent_id names the parent. */
function structureProblem(message: OasstMessage, parent: OasstMessage | null): string | null {
	const expectedRole =
		parent === null ? 'prompter' : parent.role === 'prompter' ? 'assistant' : 'prompter';
	if (message.role !== expectedRole) {
		return `message ${message.message_id}: role is ${message.role}, expected ${expectedRole}`;
	}
	const expectedParent = parent?.message_id ?? null;
	if (message.parent_id !== expectedParent) {
		return `message ${message.message_id}: parent_id is ${message.parent_id}, expected ${expectedParent}`;
	}
	for (const reply of message.replies ?? []) {
		const problem = structureProblem(reply, message);
		if (problem) return problem;
	}
	return null;
}
