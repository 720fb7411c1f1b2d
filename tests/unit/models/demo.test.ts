import { describe, expect, it } from 'vitest';
import {
	demoIntroduction,
	isDemoModel,
	listInWords,
	skillWords,
	starterPrompts
} from '$lib/models/demo';
import { modelRecords } from '$lib/engine/model-records';

const record = (id: string) => modelRecords.find((r) => r.id === id)!;
const skill = (name: string, exact_match: number | null) => ({
	name,
	example: `a ${name} question`,
	exact_match
});

describe('the demo model', () => {
	it('is both builds the server publishes as hearth-demo, and no other model', () => {
		expect(isDemoModel(record('hearth-demo'))).toBe(true);
		expect(isDemoModel(record('hearth-demo-fp32'))).toBe(true);
		expect(isDemoModel(record('qwen2.5-0.5b-instruct-onnx-q4'))).toBe(false);
		expect(isDemoModel(record('smollm2-360m-instruct-q4f16_1'))).toBe(false);
		expect(isDemoModel(null)).toBe(false);
	});

	it('introduces itself plainly as a tiny demonstration model', () => {
		expect(demoIntroduction(record('hearth-demo'))).toBe(
			'Hearth demo (q4) is a tiny demonstration model (2.4 million parameters), trained in minutes on a few kinds of questions with checkable answers. It answers those; anything else gets a confident, made-up reply.'
		);
		expect(demoIntroduction({ ...record('hearth-demo'), parameters: 624_128 })).toContain(
			'(624 thousand parameters)'
		);
	});

	it('offers the skills it answers best first, without small talk', () => {
		const skills = [
			skill('addition', 0.9),
			skill('small-talk', 1),
			skill('weekday', null),
			skill('capitals', 1),
			skill('backwards', 0.9)
		];
		expect(starterPrompts(skills).map((s) => s.name)).toEqual([
			'capitals',
			'addition',
			'backwards',
			'weekday'
		]);
		expect(starterPrompts(skills, 2).map((s) => s.name)).toEqual(['capitals', 'addition']);
	});

	it('names its skills in words', () => {
		expect(skillWords('letter-count')).toBe('counting letters');
		expect(skillWords('addition')).toBe('addition');
		expect(skillWords('new-skill')).toBe('new skill');
		expect(listInWords(['addition', 'weekdays', 'capital cities'])).toBe(
			'addition, weekdays and capital cities'
		);
		expect(listInWords(['addition'])).toBe('addition');
		expect(listInWords([])).toBe('');
	});
});
