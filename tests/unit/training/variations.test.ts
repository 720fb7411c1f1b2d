import { describe, expect, it } from 'vitest';
import { buildDatasets, SEEN_PER_SKILL } from '../../../training/datasets/build';
import { loadChatFormat } from '../../../training/datasets/load-chat-format';
import { casing, quoteStyle, variationKinds } from '../../../training/datasets/variations';
import { generateTrees } from '../../../training/seed/generate';
import { skills } from '../../../training/seed/skills/index';

const user = (content: string) => ({ role: 'user', content });
const assistant = (content: string) => ({ role: 'assistant', content });
const kinds = (question: string, answer: string, before: string[] = []) =>
	variationKinds(
		[...before.flatMap((q, i) => [user(q), assistant(`reply ${i}.`)]), user(question)],
		answer
	);

describe('variation kinds of a graded question', () => {
	const letters = 'The word "garden" has 6 letters.';

	it('calls a first question in house form plain', () => {
		expect(kinds('What is 23 + 58?', '23 + 58 = 81.')).toEqual(['plain']);
		expect(kinds('How many letters are in "garden"?', letters)).toEqual(['plain', 'quotes.double']);
		expect(kinds('What is the capital of France?', 'The capital of France is Paris.')).toEqual([
			'plain'
		]);
		// In house form these start without a capital: nothing to tell them by.
		expect(kinds('5 hours is how many minutes?', '5 hours = 300 minutes.')).toEqual(['plain']);
		expect(kinds('23 + 58 = ?', '23 + 58 = 81.')).toEqual(['plain']);
	});

	it('tells the quotes around the word the answer quotes', () => {
		expect(kinds("How many letters are in 'garden'?", letters)).toEqual([
			'quotes',
			'quotes.single'
		]);
		expect(kinds('How many letters are in “garden”?', letters)).toEqual([
			'quotes',
			'quotes.typographic'
		]);
		expect(kinds('How many letters are in ‘garden’?', letters)).toContain('quotes.typographic');
		expect(kinds('How many letters are in garden?', letters)).toEqual(['quotes', 'quotes.none']);
		// An apostrophe is no quote; a follow-up that does not name the word has no quotes at all.
		expect(kinds("What's Spain's capital?", 'The capital of Spain is Madrid.')).toEqual(['plain']);
		expect(kinds('How many letters does it have?', letters, ['Spell "garden" backwards.'])).toEqual(
			['later-turn', 'turn.2']
		);
		expect(quoteStyle(`Say 'apple 12 pear' and "x"`)).toBe('single');
		expect(quoteStyle('nothing quoted')).toBeNull();
	});

	it('tells lower case, Sentence case and ALL CAPS', () => {
		const capital = 'The capital of France is Paris.';
		expect(kinds('what is 23 + 58?', '23 + 58 = 81.')).toEqual(['capitalisation', 'case.lower']);
		expect(kinds('what is the capital of france?', capital)).toEqual([
			'capitalisation',
			'case.lower'
		]);
		expect(kinds('What is the capital of france?', capital)).toEqual([
			'capitalisation',
			'case.sentence'
		]);
		expect(kinds('WHAT IS THE CAPITAL OF FRANCE?', capital)).toEqual([
			'capitalisation',
			'case.upper'
		]);
		expect(kinds('HOW MANY LETTERS ARE IN "GARDEN"?', 'The word "GARDEN" has 6 letters.')).toEqual([
			'capitalisation',
			'case.upper',
			'quotes.double'
		]);
		// Sentence case of a question without names is the house form itself.
		expect(casing('Is 5 even or odd?', '5 is odd.')).toBeNull();
		// The capital that starts the answer's sentence is no name the question lowered.
		expect(casing('What is the next number after 5?', 'The number after 5 is 6.')).toBeNull();
		expect(casing('5 hours is how many minutes?', '5 hours = 300 minutes.')).toBeNull();
		expect(casing('days from april 3 to april 9?', 'From April 3 to April 9 is 6 days.')).toBe(
			'lower'
		);
	});

	it('tells a later turn and a missing final punctuation', () => {
		expect(kinds('What is 23 + 58?', '23 + 58 = 81.', ['Hello!'])).toEqual([
			'later-turn',
			'turn.2'
		]);
		expect(kinds('What is 23 + 58?', '23 + 58 = 81.', ['Hello!', 'Is 4 even or odd?'])).toEqual([
			'later-turn',
			'turn.3'
		]);
		expect(kinds('what is 23 + 58', '23 + 58 = 81.')).toEqual([
			'capitalisation',
			'case.lower',
			'punctuation.none'
		]);
		expect(kinds("Please say 'apple 12 pear'", 'apple 12 pear.')).toEqual([
			'punctuation.none',
			'quotes',
			'quotes.single'
		]);
	});
});

describe('the eval set of the seed conversations', () => {
	const format = loadChatFormat('training/demo-tokenizer');
	const trees = generateTrees(1400, 7);
	const data = buildDatasets(trees, format, {
		seed: 1,
		valFraction: 0.3,
		maxLength: 384,
		maxNewTokens: 48
	});

	it('holds every variation kind in its held-out questions, of every skill', () => {
		const count = new Map<string, number>();
		for (const row of data.eval) {
			expect(row.variations).toEqual(variationKinds(row.messages, row.answer));
			for (const kind of row.variations) count.set(kind, (count.get(kind) ?? 0) + 1);
		}
		const expected = [
			'plain',
			'later-turn',
			'turn.2',
			'turn.3',
			'quotes',
			'quotes.double',
			'quotes.single',
			'quotes.typographic',
			'quotes.none',
			'capitalisation',
			'case.lower',
			'case.sentence',
			'case.upper',
			'punctuation.none'
		];
		expect([...count.keys()].sort()).toEqual([...expected].sort());
		for (const kind of expected) expect(count.get(kind), kind).toBeGreaterThanOrEqual(4);
		for (const kind of ['later-turn', 'capitalisation', 'quotes', 'plain'])
			expect(count.get(kind)! / data.eval.length, kind).toBeGreaterThan(0.1);
		// Later turns of every skill are held out: a question after other skills' exchanges.
		const later = new Set(
			data.eval.filter((r) => r.variations.includes('later-turn')).map((r) => r.skill)
		);
		expect([...later].sort()).toEqual(skills.map((s) => s.name).sort());
	});

	it('starts every skill of the seen questions with a plain single question, its example', () => {
		const first = new Map<string, (typeof data.eval_seen)[number]>();
		const perSkill = new Map<string, number>();
		for (const row of data.eval_seen) {
			if (!first.has(row.skill)) first.set(row.skill, row);
			perSkill.set(row.skill, (perSkill.get(row.skill) ?? 0) + 1);
		}
		expect(first.size).toBe(skills.length);
		for (const row of first.values()) {
			expect(row.messages).toHaveLength(1);
			expect(row.variations, row.messages[0].content).toContain('plain');
		}
		for (const n of perSkill.values()) expect(n).toBe(SEEN_PER_SKILL);
		// Each skill's rows stay together, in the order their skills first appear.
		const order = data.eval_seen.map((r) => r.skill);
		expect(order.filter((s, i) => i === 0 || order[i - 1] !== s)).toHaveLength(skills.length);
	});
});
