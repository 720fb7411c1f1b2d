// The tool skills' seed conversations: the best reply calls the tool the question needs with the
// arguments it names, the recorded result is the tool's own, and the final answer states it.
// Checked by solvers that read each question on their own, without the generator's code.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../training/configs/config';
import {
	checkableSkill,
	oasstTreeSchema,
	type OasstMessage
} from '../../../training/datasets/oasst-tree';
import { generateTrees } from '../../../training/seed/generate';
import { skills } from '../../../training/seed/skills/index';
import { toolSkills } from '../../../training/seed/skills/tool-skills';
import { checkToolResults } from '../../../training/seed/tool-results';
import { generateToolTrees } from '../../../training/seed/tool-trees';

const trees = generateToolTrees(600, 7);
const toolSkillNames = toolSkills.map((s) => s.name);

interface Turn {
	prompt: string;
	/** Best first. */
	replies: OasstMessage[];
}

function turnsOf(message: OasstMessage, out: Turn[] = []): Turn[] {
	if (message.role === 'prompter') {
		out.push({
			prompt: message.text,
			replies: [...(message.replies ?? [])].sort((a, b) => a.rank! - b.rank!)
		});
	}
	for (const reply of message.replies ?? []) turnsOf(reply, out);
	return out;
}
const turns = trees.flatMap((tree) => turnsOf(tree.prompt));
const toolTurns = turns.filter((turn) => turn.replies[0].tool_steps);

const months =
	'january february march april may june july august september october november december'.split(
		' '
	);
const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The full dates a question names ("March 14, 2025"), in the order it names them. */
function datesIn(prompt: string): Date[] {
	return [...prompt.toLowerCase().matchAll(/([a-z]+) (\d{1,2}), (\d{4})/g)].map(
		([, month, day, year]) => new Date(Date.UTC(+year, months.indexOf(month), +day))
	);
}
const iso = (date: Date) => date.toISOString().slice(0, 10);

interface Expected {
	skill: string;
	call: { name: string; arguments: Record<string, unknown> };
	result?: string;
	answer?: string;
}

/** What a tool question asks for, read from its wording alone. */
function solve(prompt: string): Expected {
	const numbers = (prompt.match(/\d+/g) ?? []).map(Number);
	const dates = datesIn(prompt);
	if (dates.length === 2) {
		const days = (dates[1].getTime() - dates[0].getTime()) / 86_400_000;
		return {
			skill: 'calendar',
			call: { name: 'days_between', arguments: { from: iso(dates[0]), to: iso(dates[1]) } },
			result: `${days} days`,
			answer: `${days} days.`
		};
	}
	if (dates.length === 1) {
		const [date] = dates;
		const written = `${months[date.getUTCMonth()].replace(/^./, (c) => c.toUpperCase())} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
		const day = weekdays[date.getUTCDay()];
		return {
			skill: 'calendar',
			call: { name: 'weekday', arguments: { date: iso(date) } },
			result: day,
			answer: `${written} is a ${day}.`
		};
	}
	if (numbers.length === 2 && numbers.every((n) => n >= 100)) {
		const [a, b] = numbers;
		return {
			skill: 'calculator',
			call: { name: 'calculator', arguments: { expression: `${a} * ${b}` } },
			result: String(a * b),
			answer: `${a} * ${b} = ${a * b}.`
		};
	}
	return { skill: 'note-lookup', call: { name: 'search_documents', arguments: {} } };
}

describe('tool skills in the seed', () => {
	it('are deterministic for a seed, and their ids never meet the direct trees’', () => {
		expect(JSON.stringify(generateToolTrees(40, 7))).toBe(JSON.stringify(trees.slice(0, 40)));
		expect(JSON.stringify(generateToolTrees(40, 8))).not.toBe(JSON.stringify(trees.slice(0, 40)));
		const ids = (json: string) => json.match(/"message_id":"[^"]+"/g)!;
		const direct = new Set(ids(JSON.stringify(generateTrees(600, 7))));
		const own = ids(JSON.stringify(trees));
		expect(new Set(own).size).toBe(own.length);
		expect(own.filter((id) => direct.has(id))).toEqual([]);
	});

	it('write oasst tree lines whose tool-using replies keep their tool_steps', () => {
		for (const tree of trees)
			expect(oasstTreeSchema.parse(JSON.parse(JSON.stringify(tree)))).toEqual(tree);
		expect(toolTurns.length).toBeGreaterThan(trees.length * 0.9);
		for (const turn of toolTurns) expect(turn.replies[0].role).toBe('assistant');
	});

	it('start every tree with a tool question, and go on with questions of any skill', () => {
		const firsts = new Map<string, number>();
		for (const tree of trees) {
			const skill = solve(tree.prompt.text).skill;
			firsts.set(skill, (firsts.get(skill) ?? 0) + 1);
		}
		expect([...firsts.keys()].sort()).toEqual([...toolSkillNames].sort());
		const graded = new Set(trees.map((tree) => checkableSkill(tree)));
		for (const skill of [...skills.map((s) => s.name), ...toolSkillNames])
			expect(graded.has(skill), skill).toBe(true);
		// Tool questions later in a conversation too, after other exchanges.
		const later = trees.filter((tree) =>
			turnsOf(tree.prompt)
				.slice(1)
				.some((t) => t.replies[0].tool_steps)
		);
		expect(later.length).toBeGreaterThan(20);
	});

	it('call the tool the question needs, with its arguments, and answer with the tool’s result', () => {
		const seen = new Map<string, number>();
		for (const { prompt, replies } of toolTurns) {
			const expected = solve(prompt);
			const [step] = replies[0].tool_steps!;
			expect(replies[0].tool_steps).toHaveLength(1);
			expect(step.text).toBe('');
			expect(step.calls).toHaveLength(1);
			const [call] = step.calls;
			expect(call.name, prompt).toBe(expected.call.name);
			seen.set(call.name, (seen.get(call.name) ?? 0) + 1);
			if (expected.skill === 'note-lookup') {
				// A short query of the question's own words; the answer states the cited passage.
				const query = call.arguments as { query: string };
				for (const word of query.query.toLowerCase().split(' '))
					expect(prompt.toLowerCase(), query.query).toContain(word);
				const cited = /\[(\d)\]\.$/.exec(replies[0].text);
				expect(cited, replies[0].text).not.toBeNull();
				const passage = call.result.split('\n')[+cited![1] - 1];
				expect(passage.replace(/^\[\d\] [^:]+: /, '')).toBe(
					replies[0].text.replace(/ \[\d\]\.$/, '.')
				);
				continue;
			}
			expect(call.arguments, prompt).toEqual(expected.call.arguments);
			expect(call.result, prompt).toBe(expected.result);
			expect(replies[0].text, prompt).toBe(expected.answer);
		}
		for (const name of ['calculator', 'days_between', 'weekday', 'search_documents'])
			expect(seen.get(name) ?? 0, name).toBeGreaterThan(40);
	});

	it('rank below it a wrong answer after the same call, and a guess that skips the tool', () => {
		let wrong = 0;
		let guesses = 0;
		for (const { replies } of toolTurns) {
			expect(replies.length).toBeGreaterThanOrEqual(2);
			for (const worse of replies.slice(1)) {
				expect(worse.text).not.toBe(replies[0].text);
				if (worse.tool_steps) {
					expect(worse.tool_steps).toEqual(replies[0].tool_steps);
					wrong++;
				} else {
					expect(worse.text).not.toContain('[');
					guesses++;
				}
			}
		}
		expect(wrong).toBeGreaterThan(toolTurns.length * 0.5);
		expect(guesses).toBeGreaterThan(toolTurns.length * 0.5);
	});

	it('search notes where the fact is not always alone: other notes of its kind come back too', () => {
		const results = toolTurns
			.map((turn) => turn.replies[0].tool_steps![0].calls[0])
			.filter((call) => call.name === 'search_documents')
			.map((call) => call.result.split('\n').length);
		expect(results.filter((n) => n === 1).length).toBeGreaterThan(results.length * 0.2);
		expect(results.filter((n) => n > 1).length).toBeGreaterThan(results.length * 0.2);
	});

	it('record only results the tools return, which the seed stage checks', async () => {
		expect(await checkToolResults(trees)).toBeGreaterThan(toolTurns.length * 1.5);
		const tampered = JSON.parse(
			JSON.stringify(trees.find((t) => solve(t.prompt.text).skill === 'calculator'))
		);
		tampered.prompt.replies.find((r: OasstMessage) => r.rank === 0).tool_steps[0].calls[0].result =
			'1';
		await expect(checkToolResults([tampered])).rejects.toThrow(
			/calculator: recorded result "1", the tool returns "\d+"/
		);
		const badDate = JSON.parse(
			JSON.stringify(trees.find((t) => solve(t.prompt.text).call.name === 'weekday'))
		);
		badDate.prompt.replies.find(
			(r: OasstMessage) => r.rank === 0
		).tool_steps[0].calls[0].arguments = { date: 'May 1' };
		await expect(checkToolResults([badDate])).rejects.toThrow(
			/weekday: a date is written YYYY-MM-DD/
		);
	});

	it('keep every best final answer within both configs’ generation budgets', () => {
		const budget = Math.min(
			...['ci', 'demo'].map((c) => loadConfig(`training/configs/${c}.json`).eval.max_new_tokens)
		);
		for (const { replies } of toolTurns)
			expect(new TextEncoder().encode(replies[0].text).length + 1).toBeLessThanOrEqual(budget);
	});
});
