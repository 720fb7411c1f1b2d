// Active learning for rankings: the sibling sets that wait for people's rankings, tokenized as the
// reward model reads them (each reply after its conversation), so the trainer can say how unsure
// its reward model is of each set's order and the server can hand out the most uncertain first.
import type { ChatFormat } from '../../src/lib/shared/chat-format';
import { siblingSets, toChat } from '../datasets/conversations';
import type { OasstTree } from '../datasets/oasst-tree';

export const SETS_FILE = 'sets.jsonl';

export interface SetLine {
	/** The parent message: the server's name for the sibling set. */
	parent_id: string;
	prefix_ids: number[];
	replies: number[][];
}

/**
 * The sets of `trees` not ranked yet. A set whose longest reply does not fit the model's context
 * is left out and counted: scoring a truncated reply would say nothing about the real one.
 */
export function rankingSets(
	trees: readonly OasstTree[],
	format: ChatFormat,
	maxLength: number
): { sets: SetLine[]; tooLong: number } {
	const sets: SetLine[] = [];
	let tooLong = 0;
	for (const tree of trees) {
		for (const list of siblingSets(tree)) {
			if (list.replies.every((reply) => reply.rank != null)) continue;
			const history = toChat(list.history);
			const prefix_ids = format.promptIds(history);
			const replies = list.replies.map((reply) => format.replyIds(history, reply.text));
			if (prefix_ids.length + Math.max(...replies.map((r) => r.length)) > maxLength) tooLong++;
			else sets.push({ parent_id: list.history.at(-1)!.message_id, prefix_ids, replies });
		}
	}
	return { sets, tooLong };
}
