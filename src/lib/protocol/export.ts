// oasst1/oasst2 JSONL, export query (docs/architecture.md, "Export and import"). Tree lines are
// `{message_tree_id, tree_state, prompt: {...node, replies: [...]}}`; message lines are flat
// nodes with `message_tree_id` and `tree_state`. The schemas take files exactly as
// OpenAssistant's exporter writes them (oasst-data's `ExportMessageNode`/`ExportMessageTree`,
// dumped with `exclude_none`): every field whose value is null may be absent — a root message has
// no `parent_id` key, a tree may lack `tree_state` or even `prompt` — label values may be null,
// and fields Hearth does not keep (`detoxify`, `events`, a node's own `message_tree_id`) are
// ignored. The server import and the training pipeline both read through these schemas
// (oasst-file.ts). Browser-safe: zod only, no I/O.
import { z } from 'zod';
import { tagSchema } from './sync';
import { replyToolStepsSchema, type ReplyToolStep } from './tools';
import { langSchema, treeStateSchema, treeStates, type TreeState } from './trees';

/** A label's mean over the reviews that gave it; OpenAssistant writes a null mean when none gave a value. */
export const oasstLabelSchema = z.object({
	value: z.number().min(0).max(1).nullable(),
	count: z.number().int().nonnegative()
});

/**
 * ISO 8601 as Python's `datetime.isoformat()` writes it (`2023-02-05T14:23:50.983374+00:00`),
 * `Z`, or without an offset (read as UTC, see `oasstDateMs`).
 */
const oasstDateSchema = z.iso.datetime({ offset: true, local: true });

export const oasstNodeSchema = z.object({
	message_id: z.string().min(1),
	/** Absent (or null) on the initial prompt. */
	parent_id: z.string().min(1).nullable().default(null),
	user_id: z.string().min(1).nullish(),
	created_date: oasstDateSchema.nullish(),
	text: z.string(),
	role: z.enum(['prompter', 'assistant']),
	lang: z.string().nullish(),
	review_count: z.number().int().nonnegative().nullish(),
	review_result: z.boolean().nullish(),
	deleted: z.boolean().nullish(),
	rank: z.number().int().nonnegative().nullish(),
	synthetic: z.boolean().nullish(),
	model_name: z.string().nullish(),
	/** Counts per emoji, e.g. `{"+1": 2, "_skip_reply": 1, "red_flag": 1}`. */
	emojis: z.record(z.string(), z.number().int().nonnegative()).nullish(),
	/** Per label, e.g. `{"spam": {"value": 0.0, "count": 3}}`. */
	labels: z.record(z.string(), oasstLabelSchema).nullish(),
	events: z.record(z.string(), z.array(z.looseObject({ type: z.string() }))).nullish(),
	/** Hearth's own, only on an assistant reply written with tools (see `OasstNode`). */
	tool_steps: replyToolStepsSchema.nullish(),
	get replies() {
		return z.array(oasstNodeSchema).nullish();
	}
});
export type OasstNodeInput = z.infer<typeof oasstNodeSchema>;

export const oasstTreeLineSchema = z.object({
	message_tree_id: z.string().min(1),
	tree_state: z.string().nullish(),
	prompt: oasstNodeSchema,
	/** OpenAssistant's (e.g. an import source); Hearth's seeds write `hearth-seed/<skill>`. */
	origin: z.string().nullish(),
	/** Hearth's own: the tree's topic tags. */
	tags: z.array(tagSchema).nullish()
});
export type OasstTreeLineInput = z.infer<typeof oasstTreeLineSchema>;

/**
 * A tree line whose `prompt` is null, which OpenAssistant's exporter writes without `prompt`.
 * Strict, so that a broken message line (one without `message_id`) is not taken for one.
 */
export const oasstEmptyTreeLineSchema = z.strictObject({
	...oasstTreeLineSchema.shape,
	prompt: z.null().optional()
});

export const oasstMessageLineSchema = oasstNodeSchema.omit({ replies: true }).extend({
	/** Absent in some OpenAssistant message exports: the tree is then the root ancestor's. */
	message_tree_id: z.string().min(1).nullish(),
	tree_state: z.string().nullish()
});
export type OasstMessageLineInput = z.infer<typeof oasstMessageLineSchema>;

/** Epoch milliseconds of a `created_date`; one without an offset is taken as UTC. */
export function oasstDateMs(date: string): number {
	return Date.parse(/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(date) ? date : `${date}Z`);
}

/** A node as Hearth writes it: every field present. */
export interface OasstNode {
	message_id: string;
	parent_id: string | null;
	user_id: string;
	created_date: string;
	text: string;
	role: 'prompter' | 'assistant';
	lang: string;
	review_count: number;
	review_result: boolean | null;
	deleted: boolean;
	rank: number | null;
	synthetic: boolean;
	model_name: string | null;
	emojis: Record<string, number>;
	labels: Record<string, { value: number | null; count: number }>;
	/**
	 * Hearth's own, only on an assistant reply written with tools: its rounds of calls with their
	 * results, `text` staying the final answer, so readers that know no tools still read the reply.
	 */
	tool_steps?: ReplyToolStep[];
}

export interface OasstTreeNode extends OasstNode {
	replies: OasstTreeNode[];
}

export interface OasstTreeLine {
	message_tree_id: string;
	tree_state: TreeState;
	prompt: OasstTreeNode;
	origin?: string;
	tags?: string[];
}

export interface OasstMessageLine extends OasstNode {
	message_tree_id: string;
	tree_state: TreeState;
}

const booleanQuery = z
	.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
	.transform((v) => v === 'true' || v === '1');

/** `a,b,c` → `['a', 'b', 'c']`. */
const commaSeparated = z.string().transform((s) => s.split(',').map((part) => part.trim()));

export const exportFormats = ['trees', 'messages'] as const;

export const exportQuerySchema = z.object({
	format: z.enum(exportFormats).default('trees'),
	/** Languages to include, e.g. `en,de`; all when absent. */
	lang: commaSeparated.pipe(z.array(langSchema).min(1)).optional(),
	/** Tree states to include. */
	state: commaSeparated.pipe(z.array(treeStateSchema).min(1)).default(['ready_for_export']),
	/** Include deleted messages (and the subtrees below them). */
	deleted: booleanQuery.default(false),
	/** Include messages that review rejected (spam, wrong language). */
	spam: booleanQuery.default(false),
	/** Include synthetic messages (written by a model or a seed generator). */
	synthetic: booleanQuery.default(true),
	/** Replace message, user and tree ids by a keyed hash of this seed (same seed, same ids). */
	anonymize: z.string().min(1).max(200).optional(),
	/** Answer with a gzip file instead of plain JSON lines. */
	gzip: booleanQuery.default(false)
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;
export type ExportOptions = Omit<ExportQuery, 'gzip'>;

export function isTreeState(value: string): value is TreeState {
	return (treeStates as readonly string[]).includes(value);
}
