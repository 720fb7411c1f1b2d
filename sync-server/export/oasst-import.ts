// Import of oasst1/oasst2 JSONL (tree lines or message lines, plain or gzip) into the server:
// the way to seed a fresh server with OpenAssistant data, the pipeline's seed conversations, or
// an export of another Hearth server. Files are read as OpenAssistant's exporter writes them
// (src/lib/protocol/oasst-file.ts). Every line is validated first and every problem reported as
// `file:line: what is wrong`; nothing is written unless the whole file is good, and then it is
// written in one transaction.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isTreeState, oasstDateMs } from '../../src/lib/protocol/export';
import {
	readOasstText,
	type OasstFileTree,
	type OasstMessageFields,
	type OasstReadNode
} from '../../src/lib/protocol/oasst-file';
import { TEXT_BODY_CEILING } from '../../src/lib/protocol/tasks';
import { entityIdSchema, langSchema, type TreeState } from '../../src/lib/protocol/trees';
import { inWriteTransaction } from '../db/transaction';
import { treeRow } from '../trees/tree-writes';
import type { Service } from '../service/service';

/**
 * The longest text an import takes, in UTF-16 code units (JavaScript string length): the same
 * ceiling as a text a contributor submits, so an imported message fits everywhere a written one
 * does. OpenAssistant's longest messages are a few thousand characters.
 */
export const MAX_IMPORTED_TEXT_LENGTH = TEXT_BODY_CEILING;

export class ImportError extends Error {
	constructor(readonly problems: string[]) {
		const shown = problems.slice(0, 20);
		const more =
			problems.length > shown.length ? `\n… and ${problems.length - shown.length} more` : '';
		super(`the import file has ${problems.length} problem(s):\n${shown.join('\n')}${more}`);
		this.name = 'ImportError';
	}
}

/**
 * The database failed while the import was writing (the transaction rolled back, so nothing was
 * imported): one readable line for the operator, the database's error as `cause`.
 */
export class ImportFailedError extends Error {
	constructor(source: string, cause: unknown) {
		const error = cause as { message?: string; code?: string } | null;
		const message = (error?.message ?? String(cause)).split('\n')[0];
		const code = error?.code && !message.includes(error.code) ? ` (${error.code})` : '';
		super(`import of ${source} failed and imported nothing: ${message}${code}`, { cause });
		this.name = 'ImportFailedError';
	}
}

/** A message with where it was read from (for error messages). */
interface SourcedNode {
	node: OasstMessageFields;
	where: string;
	/** Position in the file (depth first, siblings in file order). */
	order: number;
}

interface ImportedTree {
	id: string;
	state: TreeState;
	origin: string | null;
	tags: string[];
	where: string;
	/** Parents before children, siblings in the file's order. */
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
	/** Trees the file lists without a prompt (nothing to import). */
	emptyTrees: number;
}

export interface ParsedImport {
	trees: ImportedTree[];
	emptyTrees: number;
}

const IMPORTED_UNKNOWN_USER = 'imported-unknown';
const ROWS_PER_INSERT = 200;

export function readImportFile(path: string): string {
	let bytes: Buffer;
	try {
		bytes = readFileSync(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? String(error);
		throw new ImportError([`${path}: cannot read (${code})`]);
	}
	const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
	if (!gzipped) return bytes.toString('utf8');
	try {
		return gunzipSync(bytes).toString('utf8');
	} catch (error) {
		throw new ImportError([`${path}: not a readable gzip file (${(error as Error).message})`]);
	}
}

/** Parses every line into trees; throws ImportError listing each problem with `file:line`. */
export function parseOasst(
	text: string,
	fileName: string,
	options: ImportOptions = {}
): ParsedImport {
	const file = readOasstText(text, fileName);
	const problems = [...file.problems];
	let order = 0;
	const trees = file.trees.map((tree): ImportedTree => {
		const messages: SourcedNode[] = [];
		const visit = (node: OasstReadNode) => {
			const { replies, ...message } = node;
			messages.push({ node: message, where: tree.whereOf.get(node.message_id)!, order: order++ });
			replies.forEach(visit);
		};
		visit(tree.prompt);
		return {
			id: tree.message_tree_id,
			state: stateOf(tree.tree_state, options, tree.where, problems),
			origin: tree.origin,
			tags: tree.tags,
			where: tree.where,
			messages
		};
	});
	for (const tree of file.trees) problems.push(...importProblems(tree));
	if (problems.length > 0) throw new ImportError(inLineOrder(problems, fileName));
	return { trees, emptyTrees: file.emptyTrees.length };
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
	value: string | null,
	options: ImportOptions,
	where: string,
	problems: string[]
): TreeState {
	if (options.state) return options.state;
	if (value === null) return 'backlog_ranking';
	if (!isTreeState(value)) {
		problems.push(`${where}: tree_state "${value}" is not a tree state`);
		return 'backlog_ranking';
	}
	return value;
}

/** What the server needs beyond a well-formed tree: usable ids and languages, texts in bounds. */
function importProblems(tree: OasstFileTree): string[] {
	const problems: string[] = [];
	if (tree.prompt.message_id !== tree.message_tree_id) {
		problems.push(
			`${tree.where}: tree ${tree.message_tree_id}: message_tree_id must be the id of its initial prompt (${tree.prompt.message_id})`
		);
	}
	const check = (node: OasstReadNode) => {
		const label = `${tree.whereOf.get(node.message_id)}: message ${node.message_id}`;
		if (!entityIdSchema.safeParse(node.message_id).success) {
			problems.push(`${label}: message_id must be 1–64 letters, digits, "_" or "-"`);
		}
		if (node.user_id && !entityIdSchema.safeParse(node.user_id).success) {
			problems.push(`${label}: user_id must be 1–64 letters, digits, "_" or "-"`);
		}
		const lang = node.lang ?? tree.prompt.lang;
		if (!lang || !langSchema.safeParse(lang).success) {
			problems.push(
				`${label}: lang must be a language tag such as "en" (got ${JSON.stringify(lang)})`
			);
		}
		if (node.text.length > MAX_IMPORTED_TEXT_LENGTH) {
			problems.push(
				`${label}: text is ${node.text.length.toLocaleString('en')} characters long; an import takes at most ${MAX_IMPORTED_TEXT_LENGTH.toLocaleString('en')}`
			);
		}
		node.replies.forEach(check);
	};
	check(tree.prompt);
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
	{ trees, emptyTrees }: ParsedImport,
	source: string
): Promise<ImportSummary> {
	const now = service.config.clock();
	const total = trees.reduce((sum, t) => sum + t.messages.length, 0);
	// A message without created_date gets the import's time, a millisecond apart in file order,
	// so siblings without dates keep the file's order (the export lists them by date).
	const createdAt = ({ node, order }: SourcedNode) =>
		node.created_date ? oasstDateMs(node.created_date) : now - (total - order);
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
			await trx
				.insertInto('trees')
				.values(
					treeRow(
						{
							id: tree.id,
							lang: root.lang!,
							state: tree.state,
							goalSize,
							wonLotteryAt: wonLotteryStates.has(tree.state) ? createdAt(tree.messages[0]) : null
						},
						tree.origin,
						createdAt(tree.messages[0]),
						now
					)
				)
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
			const rows = tree.messages.map((message) => {
				const { node } = message;
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
					created_at: createdAt(message),
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
					imported_review_count: node.review_count ?? 0,
					tool_steps: node.tool_steps ? JSON.stringify(node.tool_steps) : null
				};
			});
			for (const chunk of chunks(rows)) await trx.insertInto('messages').values(chunk).execute();
		}
		return {
			trees: trees.length,
			messages: ids.length,
			users: newUsers.length,
			emptyTrees
		};
	});
}

/** Reads, validates and imports a file (`.jsonl` or `.jsonl.gz`, trees or messages). */
export async function importOasstFile(
	service: Service,
	path: string,
	options: ImportOptions = {}
): Promise<ImportSummary> {
	const parsed = parseOasst(readImportFile(path), path, options);
	try {
		return await importTrees(service, parsed, path);
	} catch (error) {
		throw error instanceof ImportError ? error : new ImportFailedError(path, error);
	}
}
