import { describe, expect, it } from 'vitest';
import { earlierTwin, sameReplyNote } from '$lib/chat/same-reply';

const reply = (id: string, content: string, createdAt: number) => ({
	id,
	parentId: 'q',
	createdAt,
	content
});
const messages = [
	{ id: 'q', parentId: null, createdAt: 0, content: 'What is 2 plus 3?' },
	reply('a', '2 + 3 = 5.', 1),
	reply('b', 'Five.', 2),
	reply('c', '2 + 3 = 5.', 3),
	reply('d', '', 4)
];

describe('earlierTwin', () => {
	it('finds the earlier version a regenerated reply repeats', () => {
		expect(earlierTwin(messages, 'c')).toBe(1);
	});

	it('is null for a reply unlike every earlier one, for the first version, and for an empty one', () => {
		expect(earlierTwin(messages, 'b')).toBeNull();
		expect(earlierTwin(messages, 'a')).toBeNull();
		expect(earlierTwin(messages, 'd')).toBeNull();
	});
});

describe('sameReplyNote', () => {
	it('at temperature 0, says why and where to change it', () => {
		expect(sameReplyNote(1, 0)).toBe(
			"Same reply as version 1. At temperature 0 the model gives the same reply every time; for a different one, raise the temperature in this conversation's settings."
		);
	});

	it('at another temperature, only says that it repeats', () => {
		expect(sameReplyNote(2, 0.7)).toBe('Same reply as version 2.');
		expect(sameReplyNote(2, undefined)).toBe('Same reply as version 2.');
	});
});
