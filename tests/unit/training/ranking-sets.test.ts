// Active learning's input: the sibling sets a server's ranking trees hold, tokenized as the reward
// model reads them, leaving out what people cannot rank (deleted or turned-down replies, lone
// replies) and what is ranked already.
import { describe, expect, it } from 'vitest';
import type { OasstMessage, OasstTree } from '../../../training/datasets/oasst-tree';
import { loadChatFormat } from '../../../training/datasets/load-chat-format';
import { rankingSets } from '../../../training/prioritise/sets';

const format = loadChatFormat('training/demo-tokenizer');

function msg(
	id: string,
	role: 'prompter' | 'assistant',
	text: string,
	replies: OasstMessage[] = [],
	extra: Partial<OasstMessage> = {}
): OasstMessage {
	return { message_id: id, parent_id: null, text, role, replies, ...extra };
}
const tree = (prompt: OasstMessage): OasstTree => ({
	message_tree_id: prompt.message_id,
	tree_state: 'ranking',
	prompt
});

describe('rankingSets', () => {
	const waiting = tree(
		msg('q', 'prompter', 'What is 2 + 2?', [
			msg('a1', 'assistant', '2 + 2 = 4.', [
				msg('f', 'prompter', 'And 3 + 3?', [
					msg('b1', 'assistant', '3 + 3 = 6.'),
					msg('b2', 'assistant', 'Six.'),
					msg('b3', 'assistant', 'Gone.', [], { deleted: true })
				])
			]),
			msg('a2', 'assistant', 'Four.'),
			msg('a3', 'assistant', 'Turned down.', [], { review_result: false })
		])
	);

	it('takes every prompter message with two or more live replies, tokenized after its history', () => {
		const { sets, tooLong } = rankingSets([waiting], format, 256);
		expect(tooLong).toBe(0);
		expect(sets.map((s) => s.parent_id)).toEqual(['q', 'f']);
		const history = [{ role: 'prompter', content: 'What is 2 + 2?' }];
		expect(sets[0]).toEqual({
			parent_id: 'q',
			prefix_ids: format.promptIds(history),
			replies: [format.replyIds(history, '2 + 2 = 4.'), format.replyIds(history, 'Four.')]
		});
		expect(sets[1].replies).toHaveLength(2);
	});

	it('leaves out sets people ranked already and a lone reply', () => {
		const ranked = tree(
			msg('r', 'prompter', 'Hi', [
				msg('r1', 'assistant', 'Hello!', [], { rank: 0 }),
				msg('r2', 'assistant', 'Hey.', [], { rank: 1 })
			])
		);
		const lone = tree(msg('l', 'prompter', 'Hi', [msg('l1', 'assistant', 'Hello!')]));
		expect(rankingSets([ranked, lone], format, 256).sets).toEqual([]);
	});

	it('counts the sets too long for the context instead of scoring them cut short', () => {
		const { sets, tooLong } = rankingSets([waiting], format, 20);
		expect(sets.map((s) => s.parent_id)).toEqual([]);
		expect(tooLong).toBe(2);
	});
});
