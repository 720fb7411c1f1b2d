// Reading an oasst JSONL file into message trees, in both layouts OpenAssistant publishes: one
// tree per line (`*.trees.jsonl`: `{message_tree_id, tree_state, prompt: {..., replies: [...]}}`)
// and one message per line (`*.messages.jsonl`: each with `parent_id` and `message_tree_id`, in
// any order). Files are taken as OpenAssistant's exporter writes them (see export.ts); a message
// line without `message_tree_id` belongs to the tree of its root ancestor, and a tree line without
// a prompt holds nothing to read. Every problem is reported as `file:line: what is wrong`, all of
// them, in line order. The server import and the training pipeline both read files through here.
// Browser-safe: zod only, no I/O.
import type { z } from 'zod';
import { zodIssues } from '$lib/shared/zod-issues';
import {
	oasstEmptyTreeLineSchema,
	oasstMessageLineSchema,
	oasstTreeLineSchema,
	type OasstMessageLineInput,
	type OasstNodeInput
} from './export';

/** One message as read, without its replies. */
export type OasstMessageFields = Omit<OasstNodeInput, 'replies'>;

/** A message with its replies nested, siblings in the file's order. */
export interface OasstReadNode extends OasstMessageFields {
	replies: OasstReadNode[];
}

export interface OasstFileTree {
	message_tree_id: string;
	/** As the file gives it (null when absent); callers decide what an unknown state means. */
	tree_state: string | null;
	origin: string | null;
	tags: string[];
	prompt: OasstReadNode;
	/** `file:line` of the tree line, or of the tree's first message line. */
	where: string;
	/** `file:line` of every message of the tree. */
	whereOf: ReadonlyMap<string, string>;
}

export interface OasstFile {
	/** In the order the file first mentions them. */
	trees: OasstFileTree[];
	/** Trees listed without a prompt: nothing to read. */
	emptyTrees: string[];
	/** `file:line: what is wrong`, in line order; the trees are not to be used when any. */
	problems: string[];
}

interface Problem {
	line: number;
	text: string;
}

interface MessageLine {
	message: OasstMessageLineInput;
	line: number;
	where: string;
}

function describe(error: z.ZodError): string {
	const [issue] = zodIssues(error, 'line');
	return `${issue.path}: ${issue.message}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function readOasstText(text: string, fileName: string): OasstFile {
	const problems: Problem[] = [];
	const report = (line: number, problem: string) =>
		problems.push({ line, text: `${fileName}:${line}: ${problem}` });
	const trees: (OasstFileTree & { line: number })[] = [];
	const emptyTrees: string[] = [];
	const treeLineOf = new Map<string, number>();
	const messageLines: MessageLine[] = [];
	/** Where each message id was first seen: a second one is an error in any layout. */
	const messageWhere = new Map<string, string>();
	const firstSighting = (id: string, where: string, line: number): boolean => {
		const earlier = messageWhere.get(id);
		if (earlier !== undefined) {
			report(line, `message ${id}: the same message_id appears at ${earlier}`);
			return false;
		}
		messageWhere.set(id, where);
		return true;
	};
	const claimTree = (id: string, line: number): boolean => {
		const earlier = treeLineOf.get(id);
		if (earlier !== undefined) {
			report(line, `tree ${id} already appeared on line ${earlier}`);
			return false;
		}
		treeLineOf.set(id, line);
		return true;
	};

	text.split('\n').forEach((raw, index) => {
		if (raw.trim() === '') return;
		const line = index + 1;
		const where = `${fileName}:${line}`;
		let json: unknown;
		try {
			json = JSON.parse(raw);
		} catch (error) {
			return report(line, `not valid JSON (${(error as Error).message})`);
		}
		// A message line has a message's fields; a tree line has `prompt` (unless it has none).
		const isMessage =
			isObject(json) &&
			!('prompt' in json) &&
			['message_id', 'text', 'role'].some((k) => k in json);
		if (isMessage) {
			const parsed = oasstMessageLineSchema.safeParse(json);
			if (!parsed.success) return report(line, describe(parsed.error));
			if (firstSighting(parsed.data.message_id, where, line)) {
				messageLines.push({ message: parsed.data, line, where });
			}
			return;
		}
		const empty = oasstEmptyTreeLineSchema.safeParse(json);
		if (empty.success) {
			if (claimTree(empty.data.message_tree_id, line)) emptyTrees.push(empty.data.message_tree_id);
			return;
		}
		const parsed = oasstTreeLineSchema.safeParse(json);
		if (!parsed.success) return report(line, describe(parsed.error));
		const { message_tree_id, tree_state, prompt, origin, tags } = parsed.data;
		if (!claimTree(message_tree_id, line)) return;
		const whereOf = new Map<string, string>();
		const nest = (node: OasstNodeInput, parent: OasstReadNode | null): OasstReadNode | null => {
			if (!firstSighting(node.message_id, where, line)) return null;
			whereOf.set(node.message_id, where);
			const { replies, ...fields } = node;
			// Nesting says who the parent is; a reply may leave `parent_id` out, but not contradict it.
			const read: OasstReadNode = {
				...fields,
				parent_id: parent ? (fields.parent_id ?? parent.message_id) : fields.parent_id,
				replies: []
			};
			const problem = linkProblem(read, parent);
			if (problem) report(line, problem);
			for (const reply of replies ?? []) {
				const child = nest(reply, read);
				if (child) read.replies.push(child);
			}
			return read;
		};
		const root = nest(prompt, null);
		if (!root) return;
		trees.push({
			message_tree_id,
			tree_state: tree_state ?? null,
			origin: origin ?? null,
			tags: tags ?? [],
			prompt: root,
			where,
			whereOf,
			line
		});
	});

	trees.push(...treesOfMessageLines(messageLines, treeLineOf, report));
	trees.sort((a, b) => a.line - b.line);
	return {
		trees: trees.map(({ line: _line, ...tree }) => tree),
		emptyTrees,
		problems: problems
			.map((p, i) => ({ ...p, i }))
			.sort((a, b) => a.line - b.line || a.i - b.i)
			.map((p) => p.text)
	};
}

/** The initial prompt is a prompter message without parent; replies alternate roles. */
function linkProblem(node: OasstReadNode, parent: OasstReadNode | null): string | null {
	const label = `message ${node.message_id}`;
	if (node.tool_steps && node.role !== 'assistant') {
		return `${label}: has tool_steps, but only an assistant reply calls tools`;
	}
	if (parent === null) {
		if (node.parent_id !== null) {
			return `${label}: the initial prompt must have no parent_id (has ${node.parent_id})`;
		}
		if (node.role !== 'prompter') {
			return `${label}: role is ${node.role}, expected prompter (the initial prompt)`;
		}
		return null;
	}
	if (node.parent_id !== parent.message_id) {
		return `${label}: parent_id is ${node.parent_id}, but it is a reply to ${parent.message_id}`;
	}
	const expected = parent.role === 'prompter' ? 'assistant' : 'prompter';
	if (node.role !== expected) {
		return `${label}: role is ${node.role}, expected ${expected} (a reply to a ${parent.role} message)`;
	}
	return null;
}

/** Groups message lines by tree and nests each tree from its initial prompt. */
function treesOfMessageLines(
	lines: MessageLine[],
	treeLineOf: Map<string, number>,
	report: (line: number, problem: string) => void
): (OasstFileTree & { line: number })[] {
	const byId = new Map(lines.map((l) => [l.message.message_id, l]));
	// A line without message_tree_id belongs to its root ancestor's tree.
	const treeIdOf = (start: MessageLine): string | null => {
		const visited = new Set<string>();
		for (let at: MessageLine | undefined = start; at;) {
			if (at.message.message_tree_id) return at.message.message_tree_id;
			if (at.message.parent_id === null) return at.message.message_id;
			if (visited.has(at.message.message_id)) return null;
			visited.add(at.message.message_id);
			at = byId.get(at.message.parent_id);
		}
		return null;
	};
	const groups = new Map<string, MessageLine[]>();
	for (const l of lines) {
		const treeId = treeIdOf(l);
		if (treeId === null) {
			report(
				l.line,
				`message ${l.message.message_id}: has no message_tree_id, and parent_id ${l.message.parent_id} does not lead to an initial prompt in this file`
			);
			continue;
		}
		groups.set(treeId, [...(groups.get(treeId) ?? []), l]);
	}

	const trees: (OasstFileTree & { line: number })[] = [];
	for (const [treeId, group] of groups) {
		const first = group[0];
		const treeLine = treeLineOf.get(treeId);
		if (treeLine !== undefined) {
			report(
				first.line,
				`tree ${treeId} is given both as a tree line (line ${treeLine}) and as message lines`
			);
			continue;
		}
		const roots = group.filter((l) => l.message.parent_id === null);
		if (roots.length === 0) {
			report(first.line, `tree ${treeId} has no initial prompt (a message without parent_id)`);
			continue;
		}
		for (const extra of roots.slice(1)) {
			report(
				extra.line,
				`message ${extra.message.message_id}: a second initial prompt of tree ${treeId} (the first is ${roots[0].message.message_id} at ${roots[0].where})`
			);
		}
		const childrenOf = new Map<string, MessageLine[]>();
		for (const l of group) {
			if (l.message.parent_id === null) continue;
			childrenOf.set(l.message.parent_id, [...(childrenOf.get(l.message.parent_id) ?? []), l]);
		}
		const whereOf = new Map<string, string>();
		const nest = (l: MessageLine, parent: OasstReadNode | null): OasstReadNode => {
			const { message_tree_id: _tree, tree_state: _state, ...fields } = l.message;
			const read: OasstReadNode = { ...fields, replies: [] };
			whereOf.set(read.message_id, l.where);
			const problem = linkProblem(read, parent);
			if (problem) report(l.line, problem);
			read.replies = (childrenOf.get(read.message_id) ?? []).map((child) => nest(child, read));
			return read;
		};
		const prompt = nest(roots[0], null);
		const inGroup = new Set(group.map((l) => l.message.message_id));
		for (const { message, line } of group) {
			if (whereOf.has(message.message_id) || message.parent_id === null) continue;
			const label = `message ${message.message_id}: parent_id ${message.parent_id}`;
			report(
				line,
				inGroup.has(message.parent_id)
					? `${label} does not lead to the initial prompt of tree ${treeId}`
					: `${label} is not a message of tree ${treeId}`
			);
		}
		trees.push({
			message_tree_id: treeId,
			tree_state: group.find((l) => l.message.tree_state)?.message.tree_state ?? null,
			origin: null,
			tags: [],
			prompt,
			where: first.where,
			whereOf,
			line: first.line
		});
	}
	return trees;
}
