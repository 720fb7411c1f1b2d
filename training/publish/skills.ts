// What a published model was trained to do, for its manifest: one entry per skill of its
// checkable training questions (the datasets stage's eval.seen.jsonl: questions from the
// model's own training trees, with their skill), each with one such question as an example and
// the evaluation's exact-match figure for the skill. The app shows these as starter prompts, so
// a newcomer's first questions are ones the model can answer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelSkill } from '../../src/lib/protocol/registry';
import { readJsonl } from '../build/evaluation-data';

export const SEEN_QUESTIONS = 'eval.seen.jsonl';

const seenLineSchema = z.object({
	skill: z.string().min(1),
	messages: z.array(z.object({ role: z.string(), content: z.string() })).min(1)
});
export type SeenLine = z.infer<typeof seenLineSchema>;

/**
 * One entry per skill, by name: the first single-turn question of that skill as its example, and
 * the report's `exact_match.seen.<skill>` (null when the report has none). A skill whose every
 * question follows an earlier turn has no example to start a conversation with and is left out.
 */
export function skillsOf(seen: readonly SeenLine[], report: Record<string, unknown>): ModelSkill[] {
	const examples = new Map<string, string>();
	for (const line of seen) {
		const [first] = line.messages;
		if (line.messages.length !== 1 || first.role !== 'user' || examples.has(line.skill)) continue;
		examples.set(line.skill, first.content.trim());
	}
	return [...examples]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([name, example]) => {
			const figure = report[`exact_match.seen.${name}`];
			return { name, example, exact_match: typeof figure === 'number' ? figure : null };
		});
}

/**
 * The skills of the run whose data directory is `dataDir`, with its evaluation `report`; null
 * when the directory has no eval.seen.jsonl (data made before the datasets stage wrote one).
 */
export async function readSkills(
	dataDir: string,
	report: Record<string, unknown>
): Promise<ModelSkill[] | null> {
	const path = join(dataDir, SEEN_QUESTIONS);
	if (!existsSync(path)) return null;
	return skillsOf(await readJsonl(path, seenLineSchema), report);
}

/**
 * A version fine-tuned from a parent can do what the parent did even where its own replay of the
 * seed held no question of a skill: the parent's skills it does not list are kept, with this
 * version's figure where its report has one (else null: not measured on this version).
 */
export function inheritSkills(
	own: readonly ModelSkill[] | null,
	parent: readonly ModelSkill[],
	report: Record<string, unknown>
): ModelSkill[] | null {
	if (own === null && parent.length === 0) return null;
	const listed = new Set((own ?? []).map((skill) => skill.name));
	const inherited = parent
		.filter((skill) => !listed.has(skill.name))
		.map((skill) => {
			const figure = report[`exact_match.seen.${skill.name}`];
			return { ...skill, exact_match: typeof figure === 'number' ? figure : null };
		});
	return [...(own ?? []), ...inherited].sort((a, b) =>
		a.name < b.name ? -1 : a.name > b.name ? 1 : 0
	);
}
