// Import of oasst1/oasst2 JSONL (tree lines or message lines, plain or gzip) into the server:
// the way to seed a fresh server with OpenAssistant data, the pipeline's seed conversations, or
// an export of another Hearth server. Every line is validated first and every problem reported
// as `file:line: what is wrong`; nothing is written unless the whole file is good, and then it
// is written in one transaction.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { z } from 'zod';
import {
	isTreeState,
	oasstMessageLineSchema,
	oasstTreeLineSchema,
	type OasstNodeInput
} from '../../src/lib/protocol/export';
import { issuesFromZod } from '../../src/lib/protocol/errors';
import { entityIdSchema, langSchema, type TreeState } from '../../src/lib/protocol/trees';
import { inWriteTransaction } from '../trees/transaction';
import type { Service } from '../trees/write-session';

export class ImportError extends Error {
	constructor(readonly problems: string[]) {
		const shown = problems.slice(0, 20);
		const more =
			problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : '';
		super(`the import file has ${problems.length} problem(s):\n${shown.join('\n')}${more}`);
		this.name = 'ImportError';
	}
}

/** A message with where it was read from (for error messages). */
interface SourcedNode {
	node: Omit<OasstNodeInput, 'replies'>;
	where: string;
}

interface ImportedTree {
	id: string;
	state: TreeState;
	origin: string | null;
	tags: string[];
	where: string;
	/** Parents before children. */
	messages: SourcedNode[];
}

export interface ImportOptions {
	/** The state every imported tree gets; default: the file's `tree_state`, else `backlog_ranking`. */
	state?: TreeState;
}

export interface ImportSummary {
	trees: number;
	messages: number;
	users: number;
}

const IMPORTED_UNKNOWN_USER = 'imported-unknown';
const ROWS_PER_INSERT = 200;

export function readImportFile(path: string): string {
	const bytes = readFileSync(path);
	const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
	return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}

function describe(error: z.ZodError): string {
	const [issue] = issuesFromZod(error, 'line');
	return `${issue.path}: ${issue.message}`;
}

/** Parses every line into trees; throws ImportError listing each problem with `file:line`. */
export function parseOasst(
	text: string,
	fileName: string,
	options: ImportOptions = {}
): ImportedTree[] {
	const problems: string[] = [];
	const trees = new Map<string, ImportedTree>();
	const flat = new Map<string, { line: SourcedNode; treeState: string | null | undefined }[]>();
	text.split('\n').forEach((raw, index) => {
		if (raw.trim() === '') return;
		const where = `${fileName}:${index + 1}`;
		let json: unknown;
		try {
			json = JSON.parse(raw);
		} catch (error) {
			problems.push(`${where}: not valid JSON (${(error as Error).message})`);
			return;
		}
		if (json !== null && typeof json === 'object' && 'prompt' in json) {
			const parsed = oasstTreeLineSchema.safeParse(json);
			if (!parsed.success) return void problems.push(`${where}: ${describe(parsed.error)}`);
			const line = parsed.data;
			if (trees.has(line.message_tree_id)) {
				return void problems.push(`${where}: tree ${line.message_tree_id} appears twice`);
			}
			const messages: SourcedNode[] = [];
			const visit = (node: OasstNodeInput) => {
				const { replies, ...message } = node;
				messages.push({ node: message, where });
				(replies ?? []).forEach(visit);
			};
			visit(line.prompt);
			trees.set(line.message_tree_id, {
				id: line.message_tree_id,
				state: stateOf(line.tree_state, options, where, problems),
				origin: line.origin ?? null,
				tags: line.tags ?? [],
				where,
				messages
			});
		} else {
			const parsed = oasstMessageLineSchema.safeParse(json);
			if (!parsed.success) return void problems.push(`${where}: ${describe(parsed.error)}`);
			const { message_tree_id, tree_state, ...node } = parsed.data;
			flat.set(message_tree_id, [
				...(flat.get(message_tree_id) ?? []),
				{ line: { node, where }, treeState: tree_state }
			]);
		}
	});
	for (const [treeId, lines] of flat) {
		const where = lines[0].line.where;
		if (trees.has(treeId)) {
			problems.push(`${where}: tree ${treeId} is given both as a tree line and as message lines`);
			continue;
		}
		trees.set(treeId, {
			id: treeId,
			state: stateOf(lines[0].treeState, options, where, problems),
			origin: null,
			tags: [],
			where,
			messages: parentsFirst(lines.map((l) => l.line))
		});
	}
	const seen = new Map<string, string>();
	for (const tree of trees.values()) problems.push(...structureProblems(tree, seen));
	if (problems.length > 0) throw new ImportError(inLineOrder(problems, fileName));
	return [...trees.values()];
}

/** Problems sorted by their line number (each starts with `file:line:`), for reading top down. */
function inLineOrder(problems: string[], fileName: string): string[] {
	const lineOf = (problem: string) =>
		Number(/^:(\d+):/.exec(problem.slice(fileName.length))?.[1] ?? 0);
	return problems
		.map((problem, i) => ({ problem, i, line: lineOf(problem) }))
		.sort((a, b) => a.line - b.line || a.i - b.i)
		.map((p) => p.problem);
}

function stateOf(
	value: string | null | undefined,
	options: ImportOptions,
	where: string,
	problems: string[]
): TreeState {
	if (options.state) return options.state;
	if (value === null || value === undefined) return 'backlog_ranking';
	if (!isTreeState(value)) {
		problems.push(`${where}: tree_state "${value}" is not a tree state`);
		return 'backlog_ranking';
	}
	return value;
}

/** Message lines come in any order; a tree is written parents first. */
function parentsFirst(nodes: SourcedNode[]): SourcedNode[] {
	const ordered: SourcedNode[] = [];
	const placed = new Set<string>();
	let pending = nodes;
	while (pending.length > 0) {
		const ready = pending.filter((n) => n.node.parent_id === null || placed.has(n.node.parent_id));
		if (ready.length === 0) return [...ordered, ...pending]; // reported by structureProblems
		for (const n of ready) {
			ordered.push(n);
			placed.add(n.node.message_id);
		}
		pending = pending.filter((n) => !placed.has(n.node.message_id));
	}
	return ordered;
}

/** One root whose id is the tree's, known parents, alternating roles, usable ids and languages. */
function structureProblems(tree: ImportedTree, seen: Map<string, string>): string[] {
	const problems: string[] = [];
	const byId = new Map<string, SourcedNode>();
	const roots = tree.messages.filter((m) => m.node.parent_id === null);
	if (roots.length !== 1 || roots[0].node.message_id !== tree.id) {
		problems.push(
			`${tree.where}: tree ${tree.id} must have exactly one message without parent_id, with the tree's id ` +
				`(found ${roots.map((r) => r.node.message_id).join(', ') || 'none'})`
		);
	}
	for (const { node, where } of tree.messages) {
		const label = `${where}: message ${node.message_id}`;
		if (!entityIdSchema.safeParse(node.message_id).success) {
			problems.push(`${label}: message_id must be 1–64 letters, digits, "_" or "-"`);
		}
		if (node.user_id && !entityIdSchema.safeParse(node.user_id).success) {
			problems.push(`${label}: user_id must be 1–64 letters, digits, "_" or "-"`);
		}
		const lang = node.lang ?? roots[0]?.node.lang;
		if (!lang || !langSchema.safeParse(lang).success) {
			problems.push(
				`${label}: lang must be a language tag such as "en" (got ${JSON.stringify(lang)})`
			);
		}
		const earlier = seen.get(node.message_id);
		if (earlier) problems.push(`${label}: the same message_id appears at ${earlier}`);
		seen.set(node.message_id, where);
		if (node.parent_id !== null) {
			const parent = byId.get(node.parent_id);
			if (!parent) {
				problems.push(
					`${label}: parent_id ${node.parent_id} is not an earlier message of tree ${tree.id}`
				);
			} else {
				const expected = parent.node.role === 'prompter' ? 'assistant' : 'prompter';
				if (node.role !== expected) {
					problems.push(
						`${label}: role is ${node.role}, but a reply to a ${parent.node.role} must be ${expected}`
					);
				}
			}
		} else if (node.role !== 'prompter') {
			problems.push(`${label}: the initial prompt must have role prompter`);
		}
		byId.set(node.message_id, { node, where });
	}
	return problems;
}

function chunks<T>(rows: T[]): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
		out.push(rows.slice(i, i + ROWS_PER_INSERT));
	return out;
}

const wonLotteryStates: ReadonlySet<TreeState> = new Set([
	'growing',
	'ranking',
	'ready_for_scoring',
	'ready_for_export',
	'scoring_failed'
]);

/** Writes parsed trees; refuses (writing nothing) if any message id is already on the server. */
export async function importTrees(
	service: Service,
	trees: ImportedTree[],
	source: string
): Promise<ImportSummary> {
	const now = service.config.clock();
	const goalSize = service.config.treeManager.growth.goalTreeSize;
	return inWriteTransaction(service.database, async (trx) => {
		const ids = trees.flatMap((t) => t.messages.map((m) => m.node.message_id));
		const clashes: string[] = [];
		for (const chunk of chunks(ids)) {
			const rows = await trx.selectFrom('messages').select('id').where('id', 'in', chunk).execute();
			clashes.push(...rows.map((r) => r.id));
		}
		if (clashes.length > 0) {
			throw new ImportError(
				clashes.map((id) => `${source}: message ${id} is already on this server`)
			);
		}

		const userIds = [
			...new Set(
				trees.flatMap((t) => t.messages.map((m) => m.node.user_id ?? IMPORTED_UNKNOWN_USER))
			)
		];
		const existing = new Set<string>();
		for (const chunk of chunks(userIds)) {
			const rows = await trx.selectFrom('users').select('id').where('id', 'in', chunk).execute();
			for (const r of rows) existing.add(r.id);
		}
		const newUsers = userIds.filter((id) => !existing.has(id));
		for (const chunk of chunks(newUsers)) {
			await trx
				.insertInto('users')
				.values(
					chunk.map((id) => ({ id, display_name: `imported-${id.slice(0, 8)}`, created_at: now }))
				)
				.execute();
		}

		for (const tree of trees) {
			const root = tree.messages[0].node;
			const createdAt = (node: Omit<OasstNodeInput, 'replies'>) =>
				node.created_date ? Date.parse(node.created_date) : now;
			await trx
				.insertInto('trees')
				.values({
					id: tree.id,
					lang: root.lang!,
					state: tree.state,
					goal_size: goalSize,
					won_lottery_at: wonLotteryStates.has(tree.state) ? createdAt(root) : null,
					origin: tree.origin,
					created_at: createdAt(root),
					updated_at: now
				})
				.execute();
			if (tree.tags.length > 0) {
				await trx
					.insertInto('tree_tags')
					.values([...new Set(tree.tags)].map((tag) => ({ tree_id: tree.id, tag })))
					.execute();
			}
			await trx
				.insertInto('tree_events')
				.values({
					id: `${tree.id}-import`,
					tree_id: tree.id,
					from_state: null,
					to_state: tree.state,
					reason: `imported from ${source}`,
					actor_id: null,
					created_at: now
				})
				.execute();
			const rows = tree.messages.map(({ node }) => {
				const { red_flag = 0, _skip_reply = 0, ...otherEmojis } = node.emojis ?? {};
				const labels = node.labels ?? {};
				return {
					id: node.message_id,
					tree_id: tree.id,
					parent_id: node.parent_id,
					role: node.role,
					author_id: node.user_id ?? IMPORTED_UNKNOWN_USER,
					text: node.text,
					lang: node.lang ?? root.lang!,
					created_at: createdAt(node),
					review_result:
						node.review_result === null || node.review_result === undefined
							? null
							: node.review_result
								? 1
								: 0,
					deleted: node.deleted ? 1 : 0,
					red_flags: red_flag,
					reply_skips: _skip_reply,
					rank: node.rank ?? null,
					synthetic: node.synthetic ? 1 : 0,
					model_name: node.model_name ?? null,
					emojis: Object.keys(otherEmojis).length > 0 ? JSON.stringify(otherEmojis) : null,
					imported_labels: Object.keys(labels).length > 0 ? JSON.stringify(labels) : null,
					imported_review_count: node.review_count ?? 0
				};
			});
			for (const chunk of chunks(rows)) await trx.insertInto('messages').values(chunk).execute();
		}
		return {
			trees: trees.length,
			messages: ids.length,
			users: newUsers.length
		};
	});
}

/** Reads, validates and imports a file (`.jsonl` or `.jsonl.gz`, trees or messages). */
export async function importOasstFile(
	service: Service,
	path: string,
	options: ImportOptions = {}
): Promise<ImportSummary> {
	const trees = parseOasst(readImportFile(path), path, options);
	return importTrees(service, trees, path);
}
