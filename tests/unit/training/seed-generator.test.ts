import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../training/configs/config';
import {
	checkableSkill,
	oasstTreeSchema,
	type OasstMessage
} from '../../../training/datasets/oasst-tree';
import { generateTrees } from '../../../training/seed/generate';
import { skills } from '../../../training/seed/skills/index';

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

// Independent solvers: each reads a question (and the reply it follows up on) and computes the
// one correct reply, without using the generator's code.
const words = /"([a-z]+)"/;
const reverse = (s: string) => [...s].reverse().join('');
const dayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const knownCapitals: Record<string, string> = {
	France: 'Paris',
	Japan: 'Tokyo',
	Kenya: 'Nairobi',
	Peru: 'Lima',
	Canada: 'Ottawa',
	Australia: 'Canberra'
};
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

function solve(prompt: string, previous: string | null): string | null {
	let m: RegExpMatchArray | null;
	const arithmetic = (a: number, op: string, b: number) => {
		const value = op === '+' ? a + b : op === '-' ? a - b : a * b;
		return `${a} ${op} ${b} = ${value}.`;
	};
	if ((m = prompt.match(/^What is (\d+) ([+*-]) (\d+)\?$/))) return arithmetic(+m[1], m[2], +m[3]);
	if ((m = prompt.match(/^(?:Add (\d+) and (\d+)\.|What is the sum of (\d+) and (\d+)\?)$/)))
		return arithmetic(+(m[1] ?? m[3]), '+', +(m[2] ?? m[4]));
	if ((m = prompt.match(/^(?:Subtract (\d+) from (\d+)\.)$/))) return arithmetic(+m[2], '-', +m[1]);
	if ((m = prompt.match(/^What is (\d+) minus (\d+)\?$/))) return arithmetic(+m[1], '-', +m[2]);
	if ((m = prompt.match(/^(?:Multiply (\d+) by (\d+)\.|What is (\d+) times (\d+)\?)$/)))
		return arithmetic(+(m[1] ?? m[3]), '*', +(m[2] ?? m[4]));
	if (prompt === 'Is the result even or odd?') {
		const result = +previous!.match(/= (\d+)\.$/)![1];
		return `${result} is ${result % 2 ? 'odd' : 'even'}.`;
	}
	if ((m = prompt.match(/^Is (\d+) (?:even or odd|an even or an odd number)\?$/)))
		return `${m[1]} is ${+m[1] % 2 ? 'odd' : 'even'}.`;
	if ((m = prompt.match(/^Which is (larger|smaller), (\d+) or (\d+)\?$/))) {
		const [a, b] = [+m[2], +m[3]];
		const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
		return m[1] === 'larger' ? `${hi} is larger than ${lo}.` : `${lo} is smaller than ${hi}.`;
	}
	if ((m = prompt.match(/^What number comes (after|before) (\d+)\?$/)))
		return `The number ${m[1]} ${m[2]} is ${+m[2] + (m[1] === 'after' ? 1 : -1)}.`;
	if (
		(m = prompt.match(/^(?:How many (\w+) are in (\d+) (\w+)\?|Convert (\d+) (\w+) to (\w+)\.)$/))
	) {
		const [to, amount, from] = m[1] ? [m[1], +m[2], m[3]] : [m[6], +m[4], m[5]];
		return `${amount} ${from} = ${amount * unitFactors[`${from} ${to}`]} ${to}.`;
	}
	if ((m = prompt.match(/^(?:Repeat after me: (.+)\.|Please say "(.+)"\.)$/)))
		return `${m[1] ?? m[2]}.`;
	const word = (prompt.match(words) ?? previous?.match(words))?.[1];
	if (/letters/.test(prompt)) return `The word "${word}" has ${word!.length} letters.`;
	if (/backwards/.test(prompt)) return `"${word}" backwards is "${reverse(word!)}".`;
	if ((m = prompt.match(/^What day of the week is (\d+) days? (after|before) (\w+)\?$/))) {
		const shift = (m[2] === 'after' ? 1 : -1) * +m[1];
		const day = dayNames[(((dayNames.indexOf(m[3]) + shift) % 7) + 7) % 7];
		return `${m[1]} ${m[1] === '1' ? 'day' : 'days'} ${m[2]} ${m[3]} is ${day}.`;
	}
	if ((m = prompt.match(/^How many days are there from (\w+) (\d+) to \w+ (\d+)\?$/))) {
		const n = +m[3] - +m[2];
		return `From ${m[1]} ${m[2]} to ${m[1]} ${m[3]} is ${n} ${n === 1 ? 'day' : 'days'}.`;
	}
	if ((m = prompt.match(/(?:capital of|capital city of|what about) ([A-Z]\w+)[?.]$/))) {
		return knownCapitals[m[1]] ? `The capital of ${m[1]} is ${knownCapitals[m[1]]}.` : null;
	}
	return null; // small talk and capitals outside the known few: checked for consistency below
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

	it('gives every prompter turn 2–3 assistant replies ranked 0..n-1, and some trees a second turn', () => {
		for (const turn of turns()) {
			expect(turn.replies.length).toBeGreaterThanOrEqual(2);
			expect(turn.replies.length).toBeLessThanOrEqual(3);
			expect(turn.replies.map((r) => r.rank)).toEqual([...turn.replies.keys()]);
			expect(turn.replies.every((r) => r.role === 'assistant')).toBe(true);
		}
		const multiTurn = trees.filter((t) => t.prompt.replies!.some((r) => r.replies?.length));
		expect(multiTurn.length / trees.length).toBeGreaterThan(0.15);
		// Only the best reply is continued, so the best-ranked path is the conversation.
		for (const tree of multiTurn) {
			const continued = tree.prompt.replies!.filter((r) => r.replies?.length);
			expect(continued.map((r) => r.rank)).toEqual([0]);
		}
	});

	it('ranks the correct reply first and never ranks a correct one lower', () => {
		let solved = 0;
		for (const { prompt, previous, replies } of turns()) {
			const expected = solve(prompt, previous);
			if (expected === null) continue;
			solved++;
			expect(replies[0].text, prompt).toBe(expected);
			for (const worse of replies.slice(1)) expect(worse.text, prompt).not.toBe(expected);
		}
		expect(solved).toBeGreaterThan(trees.length * 0.8);
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
