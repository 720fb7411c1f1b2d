// Conversations that start with a question of a tool skill (skills/tool-skills.ts). Later
// questions are of any skill, tool skills included, so a model sees tool calls after unrelated
// exchanges and ordinary questions after tool calls. They are drawn from a random stream of their
// own, so the direct skills' trees stay exactly what they were before tool skills existed (the
// shipped demo model was trained on those).
import { generateFrom, type SeedTree } from './generate';
import { Random } from './random';
import { skills } from './skills/index';
import { toolSkills } from './skills/tool-skills';

/** Mixed into the config's seed for the tool trees' stream. */
const TOOL_TREES_STREAM = 0x7001;

export function generateToolTrees(count: number, seed: number): SeedTree[] {
	return generateFrom(new Random(seed ^ TOOL_TREES_STREAM), count, toolSkills, [
		...skills,
		...toolSkills
	]);
}
