// From validated trees to the rows of every data file (see training/README.md for each line's
// shape). Pure apart from the tokenizer: the CLI does the reading and writing.
// Community trees (an export's snapshot) train beside a replay of the seed trees, so the skills
// the model already has are not forgotten; each source keeps its own held-out trees, so the
// seed skills stay measured exactly as before and the community part is measured on its own.
// Trees that use tools, and half the others, are rendered with the tool list (tool-rendering.ts);
// held-out questions are asked without it, and those answered with tools also with it
// (tool-eval.ts).
import type { ToolSpec } from '../../src/lib/protocol/tools';
import type { ChatFormat } from '../../src/lib/shared/chat-format';
import { bestThread, keptPreferences, rankedLists, toChat, toUserChat } from './conversations';
import { checkableSkill, type OasstTree } from './oasst-tree';
import { seededOrder, validationTrees } from './split';
import { toolStages, type ToolStage } from './tool-eval';
import { preferencePair, replyIds, templateExtra } from './tool-rendering';
import { PLAIN, variationKinds } from './variations';

export interface SftRow {
	tree_id: string;
	input_ids: number[];
	loss_mask: (0 | 1)[];
}
export interface RmRow {
	tree_id: string;
	prefix_ids: number[];
	replies: number[][];
}
export interface DpoRow {
	tree_id: string;
	prompt_ids: number[];
	chosen_ids: number[];
	rejected_ids: number[];
}
export interface EvalRow {
	tree_id: string;
	skill: string;
	messages: { role: string; content: string }[];
	prompt_ids: number[];
	answer: string;
	/** How the question departs from the plain form (variations.ts): `later-turn`, `quotes.single`, … */
	variations: string[];
}

/** A question whose best reply used tools: asked without them as an EvalRow, and with them in stages. */
export interface ToolEvalRow extends EvalRow {
	tool_stages: ToolStage[];
}

interface TreeCounts {
	train: number;
	val: number;
	not_ready: number;
}

interface Split<T> {
	train: T[];
	val: T[];
}

export interface Datasets {
	sft: Split<SftRow>;
	rm: Split<RmRow>;
	dpo: Split<DpoRow>;
	/** Held-out checkable questions: what the model can do on questions it never saw. */
	eval: EvalRow[];
	/** Checkable questions of the training trees, up to SEEN_PER_SKILL of each skill: whether
	 * the model answers its own seed prompts. Each skill's first row is a plain single question
	 * when the training trees hold one: the one a published model shows as the skill's example. */
	eval_seen: EvalRow[];
	/** The best threads of the held-out community trees, their last reply the answer. */
	eval_community: EvalRow[];
	/** Held-out questions whose best reply used tools (seed or community). */
	eval_tools: ToolEvalRow[];
	trees: TreeCounts;
	/** The same counts per source; `replay_unused` counts seed training trees the mixture left out,
	 * `sft_repeats` how many times each community SFT row is in sft.train (repeatCommunityRows). */
	sources: {
		seed: TreeCounts & { replay_unused: number };
		community: TreeCounts & { sft_repeats: number };
	};
	/** Examples left out because they would not fit the model's context. */
	too_long: { sft: number; rm: number; eval: number };
	/** Trees rendered with the tool list, and tool-using trees left out because the run has no
	 * tool list or the model's template renders no tools. */
	tools: { listed: number; unrenderable: number };
}

export interface BuildOptions {
	seed: number;
	valFraction: number;
	/** Longest sequence the model takes (its max_position_embeddings). */
	maxLength: number;
	/** Room an evaluation prompt leaves for the reply. */
	maxNewTokens: number;
	/** How community trees mix with the seed trees; DEFAULT_MIXTURE when not given. */
	mixture?: Mixture;
	/** The tool list the browser sends with every message when tools are on, in its order; none:
	 * no tree is rendered with tools and those that use tools are left out. */
	tools?: ToolSpec[];
}

export interface Mixture {
	/**
	 * The share of training trees that are seed trees, replayed beside the community ones; the
	 * community's SFT rows are then repeated until they make about the rest of SFT's target
	 * tokens (repeatCommunityRows).
	 */
	seed_share: number;
	/** The share of community trees held out. */
	community_val_fraction: number;
}

export const DEFAULT_MIXTURE: Mixture = { seed_share: 0.5, community_val_fraction: 0.1 };

/** Enough questions per skill to tell a skill learnt from one not, few enough to grade in seconds. */
export const SEEN_PER_SKILL = 10;

export function buildDatasets(
	trees: OasstTree[],
	format: ChatFormat,
	options: BuildOptions,
	community: OasstTree[] = []
): Datasets {
	const counts = () => ({ train: 0, val: 0, not_ready: 0 });
	const out: Datasets = {
		sft: { train: [], val: [] },
		rm: { train: [], val: [] },
		dpo: { train: [], val: [] },
		eval: [],
		eval_seen: [],
		eval_community: [],
		eval_tools: [],
		trees: counts(),
		sources: {
			seed: { ...counts(), replay_unused: 0 },
			community: { ...counts(), sft_repeats: 1 }
		},
		too_long: { sft: 0, rm: 0, eval: 0 },
		tools: { listed: 0, unrenderable: 0 }
	};
	const seen = new SeenQuestions();
	const mixture = options.mixture ?? DEFAULT_MIXTURE;
	const seed = splitReady(trees, options.seed, options.valFraction);
	const crowd = splitReady(community, options.seed, mixture.community_val_fraction);
	if (community.length > 0) {
		// Seed trees to replay, in proportion to the community trees trained on.
		const share = mixture.seed_share;
		const wanted = Math.round((crowd.train.size * share) / (1 - share));
		const replayed = new Set(seededOrder([...seed.train], options.seed).slice(0, wanted));
		out.sources.seed.replay_unused = seed.train.size - replayed.size;
		seed.train = replayed;
	}
	const parts = [
		{ source: out.sources.seed, split: seed, heldOut: out.eval },
		{ source: out.sources.community, split: crowd, heldOut: out.eval_community }
	];
	for (const { source, split, heldOut } of parts) {
		source.not_ready = split.notReady;
		out.trees.not_ready += split.notReady;
		// File order, so that the same trees always give the same rows in the same order.
		for (const tree of split.ready) {
			const id = tree.message_tree_id;
			const part = split.val.has(id) ? 'val' : split.train.has(id) ? 'train' : null;
			if (part === null) continue;
			source[part]++;
			out.trees[part]++;
			try {
				addTree(out, seen, tree, part, heldOut, format, options);
			} catch (error) {
				throw new Error(`tree ${id}: ${(error as Error).message}`, { cause: error });
			}
		}
	}
	out.eval_seen = seen.rows();
	if (crowd.train.size > 0)
		out.sources.community.sft_repeats = repeatCommunityRows(
			out.sft.train,
			crowd.train,
			mixture.seed_share
		);
	return out;
}

/**
 * Repeats the community's SFT rows so that they make about 1 − `seedShare` of SFT's target tokens
 * (the nearest whole number of copies, at least one), and returns how many times each is there. SFT averages its loss over tokens, and the
 * replayed seed conversations (tool calls and their results run to hundreds of tokens) would
 * otherwise take nearly all of every batch's gradient from a crowd's one-line answers. Repeating
 * keeps the replay's many distinct trees: a replay cut down to a token share instead was a few
 * hundred trees, which a fine-tune memorised (held-out perplexity rose past the gate's bound).
 */
function repeatCommunityRows(rows: SftRow[], community: Set<string>, seedShare: number): number {
	const targetTokens = (row: SftRow) => row.loss_mask.reduce<number>((n, mask) => n + mask, 0);
	const crowdRows = rows.filter((row) => community.has(row.tree_id));
	const crowdTokens = crowdRows.reduce((n, row) => n + targetTokens(row), 0);
	const seedTokens = rows.reduce((n, row) => n + targetTokens(row), 0) - crowdTokens;
	if (crowdTokens === 0 || seedShare <= 0) return 1;
	const repeats = Math.max(
		1,
		Math.round((seedTokens * (1 - seedShare)) / (crowdTokens * seedShare))
	);
	for (let i = 1; i < repeats; i++) rows.push(...crowdRows);
	return repeats;
}

/** The ready trees, with the ids of those held out and those to train on. */
function splitReady(trees: OasstTree[], seed: number, valFraction: number) {
	const ready = trees.filter((t) => t.tree_state == null || t.tree_state === 'ready_for_export');
	const ids = ready.map((t) => t.message_tree_id);
	const val = ids.length ? validationTrees(ids, seed, valFraction) : new Set<string>();
	const train = new Set(ids.filter((id) => !val.has(id)));
	return { ready, val, train, notReady: trees.length - ready.length };
}

/** Up to SEEN_PER_SKILL rows per skill in tree order, and each skill's first plain single question. */
class SeenQuestions {
	private readonly bySkill = new Map<string, { rows: EvalRow[]; plain: EvalRow | null }>();

	full(skill: string): boolean {
		const entry = this.bySkill.get(skill);
		return entry !== undefined && entry.rows.length >= SEEN_PER_SKILL && entry.plain !== null;
	}

	add(row: EvalRow): void {
		const entry = this.bySkill.get(row.skill) ?? { rows: [], plain: null };
		this.bySkill.set(row.skill, entry);
		if (entry.plain === null && row.messages.length === 1 && row.variations.includes(PLAIN))
			entry.plain = row;
		if (entry.rows.length < SEEN_PER_SKILL) entry.rows.push(row);
	}

	rows(): EvalRow[] {
		return [...this.bySkill.values()].flatMap(({ rows, plain }) => {
			if (plain === null) return rows;
			const others = rows.filter((row) => row !== plain);
			return [plain, ...others.slice(0, SEEN_PER_SKILL - 1)];
		});
	}
}

function addTree(
	out: Datasets,
	seen: SeenQuestions,
	tree: OasstTree,
	part: 'train' | 'val',
	/** Where its question goes when the tree is held out: the seed's or the community's set. */
	heldOut: EvalRow[],
	format: ChatFormat,
	options: BuildOptions
): void {
	const tree_id = tree.message_tree_id;
	const extra = templateExtra(tree, options.tools ?? [], format);
	if (extra === null) {
		out.tools.unrenderable++;
		return;
	}
	if (extra.tools) out.tools.listed++;
	const rounds = extra.tools !== undefined;
	const thread = bestThread(tree);
	if (thread.length > 0) {
		const example = format.trainingExample(toChat(thread, rounds), extra);
		if (example.input_ids.length <= options.maxLength) out.sft[part].push({ tree_id, ...example });
		else out.too_long.sft++;
	}

	for (const list of [...rankedLists(tree), ...keptPreferences(tree)]) {
		const history = toChat(list.history, rounds);
		const prefix_ids = format.promptIds(history, extra);
		const messages = list.replies.map((reply) => toChat([reply], rounds));
		const replies = messages.map((reply) => replyIds(format, history, reply, extra));
		if (prefix_ids.length + Math.max(...replies.map((r) => r.length)) > options.maxLength) {
			out.too_long.rm++;
			continue;
		}
		out.rm[part].push({ tree_id, prefix_ids, replies });
		for (let i = 0; i < replies.length; i++) {
			for (let j = i + 1; j < replies.length; j++) {
				// Two replies of one turn each part at once: the list's own ids are the pair's.
				const pair =
					messages[i].length === 1 && messages[j].length === 1
						? { prompt_ids: prefix_ids, chosen_ids: replies[i], rejected_ids: replies[j] }
						: preferencePair(format, history, messages[i], messages[j], extra);
				out.dpo[part].push({ tree_id, ...pair });
			}
		}
	}

	if (thread.length === 0) return;
	// A held-out community tree's question is checked against the reply its people ranked best.
	const community = part === 'val' && heldOut === out.eval_community;
	const skill = checkableSkill(tree) ?? (community ? 'community' : null);
	if (skill === null) return;
	const graded = thread[thread.length - 1];
	// Tool-using answers are graded with tools on held-out trees only (no seen figure for them).
	if (graded.tool_steps && part === 'train') return;
	if (part === 'train' && seen.full(skill)) return;
	const question = thread.slice(0, -1);
	const answer = graded.text;
	// Asked without tools: a conversation where none were offered, earlier calls left out too.
	const prompt_ids = format.promptIds(toChat(question));
	// A question is only gradable when the whole answer fits the generation budget and context.
	const answerLength = format.replyIds(toChat(question), answer).length;
	if (
		answerLength > options.maxNewTokens ||
		prompt_ids.length + options.maxNewTokens > options.maxLength
	) {
		if (part === 'val') out.too_long.eval++;
		return;
	}
	const messages = toUserChat(question);
	const row = {
		tree_id,
		skill,
		messages,
		prompt_ids,
		answer,
		variations: variationKinds(messages, answer)
	};
	if (graded.tool_steps) {
		const tool_stages = toolStages(format, question, graded, extra, options);
		if (tool_stages) out.eval_tools.push({ ...row, tool_stages });
		else out.too_long.eval++;
	} else if (part === 'val') heldOut.push(row);
	else seen.add(row);
}
