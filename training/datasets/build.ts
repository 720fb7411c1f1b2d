// From validated trees to the rows of every data file (see training/README.md for each line's
// shape). Pure apart from the tokenizer: the CLI does the reading and writing.
import type { ChatFormat } from '../../src/lib/shared/chat-format';
import { bestThread, rankedLists, toChat, toUserChat } from './conversations';
import { checkableSkill, type OasstTree } from './oasst-tree';
import { validationTrees } from './split';

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
	 * the model answers its own seed prompts. */
	eval_seen: EvalRow[];
	trees: { train: number; val: number; not_ready: number };
	/** Examples left out because they would not fit the model's context. */
	too_long: { sft: number; rm: number; eval: number };
}

export interface BuildOptions {
	seed: number;
	valFraction: number;
	/** Longest sequence the model takes (its max_position_embeddings). */
	maxLength: number;
	/** Room an evaluation prompt leaves for the reply. */
	maxNewTokens: number;
}

/** Enough questions per skill to tell a skill learnt from one not, few enough to grade in seconds. */
export const SEEN_PER_SKILL = 10;

export function buildDatasets(
	trees: OasstTree[],
	format: ChatFormat,
	options: BuildOptions
): Datasets {
	const out: Datasets = {
		sft: { train: [], val: [] },
		rm: { train: [], val: [] },
		dpo: { train: [], val: [] },
		eval: [],
		eval_seen: [],
		trees: { train: 0, val: 0, not_ready: 0 },
		too_long: { sft: 0, rm: 0, eval: 0 }
	};
	const ready = trees.filter((t) => t.tree_state == null || t.tree_state === 'ready_for_export');
	out.trees.not_ready = trees.length - ready.length;
	const ids = ready.map((t) => t.message_tree_id);
	const held = validationTrees(ids, options.seed, options.valFraction);
	for (const tree of ready) {
		const part = held.has(tree.message_tree_id) ? 'val' : 'train';
		out.trees[part]++;
		try {
			addTree(out, tree, part, format, options);
		} catch (error) {
			throw new Error(`tree ${tree.message_tree_id}: ${(error as Error).message}`, {
				cause: error
			});
		}
	}
	return out;
}

function addTree(
	out: Datasets,
	tree: OasstTree,
	part: 'train' | 'val',
	format: ChatFormat,
	options: BuildOptions
): void {
	const tree_id = tree.message_tree_id;
	const thread = bestThread(tree);
	if (thread.length > 0) {
		const example = format.trainingExample(toChat(thread));
		if (example.input_ids.length <= options.maxLength) out.sft[part].push({ tree_id, ...example });
		else out.too_long.sft++;
	}

	for (const list of rankedLists(tree)) {
		const history = toChat(list.history);
		const prefix_ids = format.promptIds(history);
		const replies = list.replies.map((reply) => format.replyIds(history, reply.text));
		if (prefix_ids.length + Math.max(...replies.map((r) => r.length)) > options.maxLength) {
			out.too_long.rm++;
			continue;
		}
		out.rm[part].push({ tree_id, prefix_ids, replies });
		replies.forEach((chosen_ids, i) => {
			for (const rejected_ids of replies.slice(i + 1)) {
				out.dpo[part].push({ tree_id, prompt_ids: prefix_ids, chosen_ids, rejected_ids });
			}
		});
	}

	const skill = checkableSkill(tree);
	if (skill === null || thread.length === 0) return;
	const rows = part === 'val' ? out.eval : out.eval_seen;
	if (part === 'train' && rows.filter((row) => row.skill === skill).length >= SEEN_PER_SKILL)
		return;
	const question = thread.slice(0, -1);
	const answer = thread[thread.length - 1].text;
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
	rows.push({
		tree_id,
		skill,
		messages: toUserChat(question),
		prompt_ids,
		answer
	});
}
