import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../training/configs/config';
import {
	checkableSkill,
	oasstTreeSchema,
	type OasstMessage
} from '../../../training/datasets/oasst-tree';
import { generateTrees } from '../../../training/seed/generate';
import { skills } from '../../../training/seed/skills/index';
import { words } from '../../../training/seed/words';

const trees = generateTrees(1300, 7);

/** Every prompter message with its assistant replies ordered by rank, and the turn before it. */
function turns(): { prompt: string; previous: string | null; replies: OasstMessage[] }[] {
	const out: { prompt: string; previous: string | null; replies: OasstMessage[] }[] = [];
	const walk = (node: OasstMessage, previous: string | null) => {
		if (node.role === 'prompter') {
			const replies = [...(node.replies ?? [])].sort((a, b) => a.rank! - b.rank!);
			out.push({ prompt: node.text, previous, replies });
		}
		for (const reply of node.replies ?? []) walk(reply, node.text);
	};
	for (const tree of trees) walk(tree.prompt, null);
	return out;
}

// Independent solvers: each reads a question (and the reply it follows up on) in whatever
// wording, quotes and capitalisation it comes, and computes the one correct reply, without using
// the generator's code (only its word list, which is data).
const reverse = (s: string) => [...s].reverse().join('');
const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const monthNames =
	'January February March April May June July August September October November December'.split(
		' '
	);
const knownCapitals: Record<string, string> = {
	France: 'Paris',
	Japan: 'Tokyo',
	Kenya: 'Nairobi',
	Peru: 'Lima',
	Canada: 'Ottawa',
	Australia: 'Canberra'
};
const countries = [
	...Object.keys(knownCapitals),
	...'Spain Italy Germany Portugal Greece Poland Austria Norway Sweden Finland Ireland Egypt China India Thailand Mexico Chile Argentina'.split(
		' '
	)
];
const unitFactors: Record<string, number> = {
	'meters centimeters': 100,
	'kilometers meters': 1000,
	'kilograms grams': 1000,
	'liters milliliters': 1000,
	'hours minutes': 60,
	'minutes seconds': 60,
	'days hours': 24,
	'weeks days': 7,
	'years months': 12,
	'feet inches': 12,
	'yards feet': 3
};
const units = new Set(Object.keys(unitFactors).flatMap((pair) => pair.split(' ')));
/** The name of `names` the text mentions in any capitalisation, as the house writes it. */
const named = (text: string, names: string[]) =>
	names.find((n) => new RegExp(`\\b${n}\\b`, 'i').test(text)) ?? null;
/** The list word the text names, as it is written there (quoted or not, in any case). */
const namedWord = (text: string) =>
	[...text.matchAll(/[A-Za-z]+/g)].map((m) => m[0]).find((w) => words.includes(w.toLowerCase()));

type Solved = { skill: string; answer: string | null };

function solve(prompt: string, previous: string | null): Solved {
	const p = prompt.toLowerCase();
	const numbers = (p.match(/\d+/g) ?? []).map(Number);
	const day = named(p, dayNames);
	const month = named(p, monthNames);
	const country = named(p, countries);
	// Follow-ups: they name nothing and refer to the reply before.
	if (/even or odd|odd or even/.test(p) && numbers.length === 0) {
		const result = +previous!.match(/= (\d+)\.$/)![1];
		return { skill: 'follow-up', answer: `${result} is ${result % 2 ? 'odd' : 'even'}.` };
	}
	if (/\beven\b|\bodd\b/.test(p)) {
		return { skill: 'even-odd', answer: `${numbers[0]} is ${numbers[0] % 2 ? 'odd' : 'even'}.` };
	}
	if (/repeat|say|echo/.test(p) && /[a-z]+ \d+ [a-z]+/.test(p)) {
		return { skill: 'repeat', answer: `${prompt.match(/[A-Za-z]+ \d+ [A-Za-z]+/)![0]}.` };
	}
	if (day) {
		const n = numbers[0];
		const after = /after|\bin \d/.test(p);
		const shift = (after ? 1 : -1) * n;
		const target = dayNames[(((dayNames.indexOf(day) + shift) % 7) + 7) % 7];
		const span = `${n} ${n === 1 ? 'day' : 'days'} ${after ? 'after' : 'before'} ${day}`;
		return { skill: 'weekday', answer: `${span} is ${target}.` };
	}
	if (month) {
		const [first, last] = numbers;
		const n = last - first;
		return {
			skill: 'days-between',
			answer: `${last} - ${first} = ${n} ${n === 1 ? 'day' : 'days'}.`
		};
	}
	if (country) {
		const capital = knownCapitals[country];
		return {
			skill: 'capitals',
			answer: capital ? `The capital of ${country} is ${capital}.` : null
		};
	}
	const unitWords = [...p.matchAll(/[a-z]+/g)].map((m) => m[0]).filter((w) => units.has(w));
	if (unitWords.length === 2 && numbers.length === 1) {
		const from = p.match(/\d+ ([a-z]+)/)![1];
		const to = unitWords.find((u) => u !== from)!;
		return {
			skill: 'unit-conversion',
			answer: `${numbers[0]} ${from} = ${numbers[0] * unitFactors[`${from} ${to}`]} ${to}.`
		};
	}
	if (/\b(after|before|follows|precedes|one more|one less|count up|count down)\b/.test(p)) {
		const after = /\bafter\b|follows|more|count up/.test(p);
		const n = numbers[0];
		return {
			skill: 'next-number',
			answer: `The number ${after ? 'after' : 'before'} ${n} is ${after ? n + 1 : n - 1}.`
		};
	}
	if (/larger|bigger|greater|smaller|less|lower/.test(p)) {
		const [lo, hi] = [Math.min(...numbers), Math.max(...numbers)];
		return {
			skill: 'comparison',
			answer: /larger|bigger|greater/.test(p)
				? `${hi} is larger than ${lo}.`
				: `${lo} is smaller than ${hi}.`
		};
	}
	const word = namedWord(prompt);
	if (/letters|long|backwards|reverse/.test(p) && !word) {
		// "How many letters does it have?", "Now spell it backwards.": the word of the reply before.
		const before = previous!.match(/"([A-Za-z]+)"/)![1];
		return {
			skill: 'follow-up',
			answer: /letters|long/.test(p)
				? `The word "${before}" has ${before.length} letters.`
				: `"${before}" backwards is "${reverse(before)}".`
		};
	}
	if (/letters|long/.test(p)) {
		return { skill: 'letter-count', answer: `The word "${word}" has ${word!.length} letters.` };
	}
	if (/backwards|reverse/.test(p)) {
		return { skill: 'backwards', answer: `"${word}" backwards is "${reverse(word!)}".` };
	}
	if (numbers.length === 2) {
		const [a, b] = numbers;
		if (/\*| x |times|multipl|product/.test(p))
			return { skill: 'multiplication', answer: `${a} * ${b} = ${a * b}.` };
		if (/-|minus|subtract|take away|difference/.test(p)) {
			// "Subtract 12 from 40", "Take 12 away from 40": the larger operand comes first.
			const [x, y] = /from/.test(p) ? [b, a] : [a, b];
			return { skill: 'subtraction', answer: `${x} - ${y} = ${x - y}.` };
		}
		if (/\+|plus|sum|add/.test(p)) return { skill: 'addition', answer: `${a} + ${b} = ${a + b}.` };
	}
	return { skill: 'small-talk', answer: null }; // checked for consistency below
}

/** A question's wording with its particulars taken out: what tells one phrasing from another. */
function wording(prompt: string): string {
	return prompt
		.toLowerCase()
		.replace(/["'“”‘’]/g, '')
		.replace(/\d+/g, '#')
		.replace(/[a-z]+/g, (w) =>
			words.includes(w) ||
			units.has(w) ||
			[...dayNames, ...monthNames, ...countries].some((n) => n.toLowerCase() === w)
				? 'X'
				: w
		)
		.replace(/[.?!]$/, '');
}

/** Each conversation's questions, best-ranked path, with the skill the solver reads in each. */
function conversations(): {
	origin: string;
	questions: { prompt: string; solved: Solved | null }[];
}[] {
	return trees.map((tree) => {
		const questions: { prompt: string; solved: Solved | null }[] = [];
		let previous: string | null = null;
		for (let node: OasstMessage | undefined = tree.prompt; node;) {
			const best: OasstMessage = [...(node.replies ?? [])].sort((a, b) => a.rank! - b.rank!)[0];
			questions.push({ prompt: node.text, solved: solve(node.text, previous) });
			previous = best.text;
			node = best.replies?.[0];
		}
		return { origin: checkableSkill(tree)!, questions };
	});
}

describe('seed generator', () => {
	it('is deterministic for a seed and differs between seeds', () => {
		expect(JSON.stringify(generateTrees(50, 7))).toBe(JSON.stringify(trees.slice(0, 50)));
		expect(JSON.stringify(generateTrees(50, 8))).not.toBe(JSON.stringify(trees.slice(0, 50)));
	});

	it('writes valid oasst tree lines with ids that tie the messages together', () => {
		for (const tree of trees) {
			expect(oasstTreeSchema.parse(JSON.parse(JSON.stringify(tree)))).toEqual(tree);
			expect(tree.message_tree_id).toBe(tree.prompt.message_id);
			expect(tree.tree_state).toBe('ready_for_export');
			const check = (node: OasstMessage, parent: OasstMessage | null) => {
				expect(node.parent_id).toBe(parent?.message_id ?? null);
				expect(node.synthetic).toBe(true);
				for (const reply of node.replies ?? []) check(reply, node);
			};
			check(tree.prompt, null);
		}
		const ids = trees.flatMap((t) => JSON.stringify(t).match(/"message_id":"[^"]+"/g)!);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('covers every skill, each as the graded question of many trees', () => {
		expect(skills.length).toBeGreaterThanOrEqual(10);
		const graded = new Map<string, number>();
		for (const tree of trees)
			graded.set(checkableSkill(tree)!, (graded.get(checkableSkill(tree)!) ?? 0) + 1);
		expect([...graded.keys()].sort()).toEqual(skills.map((s) => s.name).sort());
		for (const count of graded.values())
			expect(count).toBeGreaterThan(trees.length / skills.length / 2);
	});

	it('gives every prompter turn 2–3 assistant replies ranked 0..n-1, and some trees more turns', () => {
		for (const turn of turns()) {
			expect(turn.replies.length).toBeGreaterThanOrEqual(2);
			expect(turn.replies.length).toBeLessThanOrEqual(3);
			expect(turn.replies.map((r) => r.rank)).toEqual([...turn.replies.keys()]);
			expect(turn.replies.every((r) => r.role === 'assistant')).toBe(true);
		}
		const multiTurn = trees.filter((t) => t.prompt.replies!.some((r) => r.replies?.length));
		expect(multiTurn.length / trees.length).toBeGreaterThan(0.35);
		// Only the best reply is continued, so the best-ranked path is the conversation.
		for (const tree of multiTurn) {
			const continued = tree.prompt.replies!.filter((r) => r.replies?.length);
			expect(continued.map((r) => r.rank)).toEqual([0]);
		}
	});

	it('ranks the correct reply first and never ranks a correct one lower', () => {
		let solved = 0;
		for (const { prompt, previous, replies } of turns()) {
			const expected = solve(prompt, previous)?.answer ?? null;
			if (expected === null) continue;
			solved++;
			expect(replies[0].text, prompt).toBe(expected);
			for (const worse of replies.slice(1)) expect(worse.text, prompt).not.toBe(expected);
		}
		expect(solved).toBeGreaterThan(turns().length * 0.8);
	});

	it('gives a question asked twice the same best reply, and a different one to different questions', () => {
		const best = new Map<string, Set<string>>();
		for (const { prompt, previous, replies } of turns()) {
			const key = `${previous ?? ''}\n${prompt}`;
			if (!best.has(key)) best.set(key, new Set());
			best.get(key)!.add(replies[0].text);
			for (const worse of replies.slice(1)) expect(worse.text).not.toBe(replies[0].text);
		}
		for (const answers of best.values()) expect(answers.size).toBe(1);
	});

	it('makes the demo config at least 2,000 trees', () => {
		expect(loadConfig('training/configs/demo.json').seed_trees).toBeGreaterThanOrEqual(2000);
	});

	it('keeps every best reply short enough to be generated within both configs’ budgets', () => {
		const budget = Math.min(
			...['ci', 'demo'].map((c) => loadConfig(`training/configs/${c}.json`).eval.max_new_tokens)
		);
		for (const { replies } of turns()) {
			// One token per byte, plus <|im_end|>.
			expect(new TextEncoder().encode(replies[0].text).length + 1).toBeLessThanOrEqual(budget);
		}
	});
});

describe('seed variation', () => {
	const all = conversations();
	const questions = all.flatMap((c) => c.questions);
	const share = (count: number) => count / questions.length;

	it('asks the graded question as the 2nd and 3rd turn, after unrelated exchanges of other skills', () => {
		const byTurns = new Map<number, typeof all>();
		for (const c of all)
			byTurns.set(c.questions.length, [...(byTurns.get(c.questions.length) ?? []), c]);
		expect([...byTurns.keys()].sort()).toEqual([1, 2, 3]);
		for (const n of [2, 3]) {
			const later = byTurns.get(n)!;
			expect(later.length / all.length).toBeGreaterThan(0.1);
			// The graded question is a question of its own, not a follow-up, after a question of
			// another skill...
			const unrelated = later.filter(({ questions: qs }) => {
				const [graded, before] = [qs[qs.length - 1].solved, qs[qs.length - 2].solved];
				return graded && graded.skill !== 'follow-up' && graded.skill !== before?.skill;
			});
			expect(unrelated.length / later.length, `${n} turns`).toBeGreaterThan(0.4);
			// ...of every skill, the graded one after a small-talk exchange or a sum alike.
			expect(new Set(unrelated.map((c) => c.origin)).size).toBe(skills.length);
		}
		// The skills' own follow-ups stay: "Is the result even or odd?", "Now spell it backwards.".
		const followUps = questions.filter((q) => q.solved?.skill === 'follow-up');
		expect(share(followUps.length)).toBeGreaterThan(0.03);
		expect(new Set(followUps.map((q) => wording(q.prompt))).size).toBeGreaterThanOrEqual(10);
	});

	it('words every skill many ways', () => {
		const wordings = new Map<string, Set<string>>();
		for (const c of all) {
			const [first] = c.questions;
			const skill = first.solved?.skill ?? 'small-talk';
			wordings.set(skill, (wordings.get(skill) ?? new Set()).add(wording(first.prompt)));
		}
		expect([...wordings.keys()].sort()).toEqual(skills.map((s) => s.name).sort());
		for (const [skill, set] of wordings) expect(set.size, skill).toBeGreaterThanOrEqual(7);
		expect(wordings.get('small-talk')!.size).toBeGreaterThanOrEqual(30);
	});

	it('quotes a named word in double, single and typographic quotes, or not at all', () => {
		const styles = new Map<string, number>();
		for (const q of questions) {
			const skill = q.solved?.skill;
			if (skill !== 'letter-count' && skill !== 'backwards' && skill !== 'repeat') continue;
			const style = /"[^"]+"/.test(q.prompt)
				? 'double'
				: /(^|\s)'[^']+'/.test(q.prompt)
					? 'single'
					: /“[^”]+”|‘[^’]+’/.test(q.prompt)
						? 'typographic'
						: 'none';
			styles.set(style, (styles.get(style) ?? 0) + 1);
		}
		const total = [...styles.values()].reduce((a, b) => a + b, 0);
		for (const style of ['double', 'single', 'typographic', 'none'])
			expect((styles.get(style) ?? 0) / total, style).toBeGreaterThan(0.08);
		// Whatever the quotes, the reply quotes the word the house way (checked by the solvers
		// above); 'garden' and "garden" get the same reply.
		const reply = (prompt: string) => solve(prompt, null)!.answer;
		expect(reply("Spell 'garden' backwards.")).toBe(reply('Spell "garden" backwards.'));
	});

	it('writes questions in lower case, Sentence case and now and then ALL CAPS', () => {
		const letters = (q: string) => q.replace(/[^A-Za-z]/g, '');
		const lower = questions.filter(
			(q) => /^[a-z]/.test(q.prompt) && letters(q.prompt) === letters(q.prompt).toLowerCase()
		);
		const upper = questions.filter(
			(q) => letters(q.prompt).length > 3 && letters(q.prompt) === letters(q.prompt).toUpperCase()
		);
		// Sentence case lowers the names a house question capitalises: "what about france?".
		const names = [...dayNames, ...monthNames, ...countries];
		const sentence = questions.filter(
			(q) =>
				/^[A-Z]/.test(q.prompt) &&
				letters(q.prompt).slice(1) === letters(q.prompt).slice(1).toLowerCase() &&
				names.some((n) => q.prompt.includes(n.toLowerCase()))
		);
		const house = questions.filter((q) => names.some((n) => q.prompt.includes(n)));
		expect(share(lower.length)).toBeGreaterThan(0.08);
		expect(share(upper.length)).toBeGreaterThan(0.04);
		expect(share(upper.length)).toBeLessThan(0.15);
		expect(sentence.length).toBeGreaterThan(house.length * 0.08);
		// Replies keep their house form: names capitalised, the operands copied.
		for (const q of [...lower, ...upper, ...sentence]) {
			if (q.solved?.answer && q.solved.skill !== 'repeat')
				expect(q.solved.answer).toMatch(/^[A-Z0-9"]/);
		}
		// A word to copy is copied as it was written, a name is written as the house writes it.
		const shouted = upper.find((q) => q.solved?.skill === 'backwards')!;
		expect(shouted.solved!.answer).toMatch(/^"[A-Z]+" backwards is "[A-Z]+"\.$/);
		const capitals = upper.find((q) => q.solved?.skill === 'capitals' && q.solved.answer)!;
		expect(capitals.solved!.answer).toMatch(/^The capital of [A-Z][a-z]+ is [A-Z][a-z]+\.$/);
	});

	it('sometimes leaves off the final punctuation', () => {
		const bare = questions.filter((q) => !/[.?!]['"”’]?$/.test(q.prompt));
		expect(share(bare.length)).toBeGreaterThan(0.08);
		expect(share(bare.length)).toBeLessThan(0.3);
	});

	it('keeps the house answers: operands restated in the order the question names them', () => {
		const sums = questions.filter((q) => q.solved?.skill === 'addition');
		for (const q of sums) {
			const [a, b] = q.prompt.match(/\d+/g)!;
			expect(q.solved!.answer).toBe(`${a} + ${b} = ${+a + +b}.`);
		}
		expect(sums.length).toBeGreaterThan(100);
	});
});
