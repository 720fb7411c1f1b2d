// The demo model: a tiny model our pipeline trains in minutes on the seed skills. It answers
// those questions and little else, so chat says so plainly and offers questions it was trained
// on (its manifest's skill list, see training/publish/skills.ts) instead of "Ask anything".
// Kept free of zod and the registry client: the chat page's first load imports this.
import type { ModelRecord } from '$lib/protocol/model-record';
import type { ModelSkill } from '$lib/protocol/registry';

/** The registry name the pipeline publishes the demo model under. */
export const DEMO_MODEL = 'hearth-demo';

export function isDemoModel(record: ModelRecord | null | undefined): boolean {
	return record?.runtime === 'onnx' && record.source === `registry:${DEMO_MODEL}`;
}

/** The seed skills in words; a skill not listed reads as its name with spaces. */
const SKILL_WORDS: Record<string, string> = {
	'small-talk': 'small talk',
	'unit-conversion': 'unit conversion',
	comparison: 'comparing numbers',
	'letter-count': 'counting letters',
	backwards: 'spelling backwards',
	weekday: 'weekdays',
	'days-between': 'days between dates',
	capitals: 'capital cities',
	'even-odd': 'even or odd',
	'next-number': 'the next number',
	repeat: 'repeating a phrase'
};

export function skillWords(name: string): string {
	return SKILL_WORDS[name] ?? name.replace(/[-_]+/g, ' ');
}

/** "a, b and c" */
export function listInWords(items: readonly string[]): string {
	return items.length < 2
		? (items[0] ?? '')
		: `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Up to `count` starter prompts: the skills the model answers best first (by the evaluation's
 * exact match; unmeasured last), small talk left out (it answers a greeting, which shows nothing).
 */
export function starterPrompts(skills: readonly ModelSkill[], count = 6): ModelSkill[] {
	return skills
		.filter((skill) => skill.name !== 'small-talk')
		.map((skill, order) => ({ skill, order }))
		.sort((a, b) => (b.skill.exact_match ?? -1) - (a.skill.exact_match ?? -1) || a.order - b.order)
		.slice(0, count)
		.map(({ skill }) => skill);
}

/** The plain sentence chat shows above the demo model's starter prompts. */
export function demoIntroduction(record: ModelRecord): string {
	const millions = record.parameters / 1e6;
	const size =
		millions >= 1
			? `${millions.toFixed(1)} million`
			: `${Math.round(record.parameters / 1e3)} thousand`;
	return `${record.name} is a tiny demonstration model (${size} parameters), trained in minutes on a few kinds of questions with checkable answers. It answers those; anything else gets a confident, made-up reply.`;
}
