// Seed stage: writes the project's own training conversations for a config: seed_trees starting
// with a question of a direct skill, then tool_seed_trees starting with one of a tool skill,
// whose tool results are checked against the tools themselves.
//   npx tsx training/seed/cli.ts --config training/configs/<c>.json [--out <trees.jsonl>]
import { readFlags, runCli } from '../cli-args';
import { loadConfig, outDir } from '../configs/config';
import { writeJsonLinesAtomic } from '../files';
import type { OasstMessage } from '../datasets/oasst-tree';
import { generateTrees } from './generate';
import { checkToolResults } from './tool-results';
import { generateToolTrees } from './tool-trees';

runCli(async () => {
	const flags = readFlags(
		{ config: { type: 'string', required: true }, out: { type: 'string' } },
		'npx tsx training/seed/cli.ts --config training/configs/<name>.json [--out <trees.jsonl>]'
	);
	const config = loadConfig(flags.config);
	const toolTrees = generateToolTrees(config.tool_seed_trees, config.seed);
	const calls = await checkToolResults(toolTrees);
	const trees = [...generateTrees(config.seed_trees, config.seed), ...toolTrees];
	const path = flags.out ?? outDir(config, 'seed', 'trees.jsonl');
	writeJsonLinesAtomic(path, trees);

	const perSkill = new Map<string, number>();
	for (const tree of trees) perSkill.set(tree.origin, (perSkill.get(tree.origin) ?? 0) + 1);
	const questions = (node: OasstMessage): number =>
		(node.role === 'prompter' ? 1 : 0) +
		Math.max(0, ...(node.replies ?? []).map((reply) => questions(reply)));
	const byTurns = new Map<number, number>();
	for (const tree of trees) {
		const n = questions(tree.prompt);
		byTurns.set(n, (byTurns.get(n) ?? 0) + 1);
	}
	const turns = [...byTurns]
		.sort(([a], [b]) => a - b)
		.map(([n, count]) => `${count} with ${n} question${n === 1 ? '' : 's'}`)
		.join(', ');
	console.log(`wrote ${trees.length} trees (${turns}) to ${path}`);
	if (toolTrees.length) {
		console.log(
			`  ${toolTrees.length} of them start with a tool question; their ${calls} tool calls return what the tools return`
		);
	}
	for (const [origin, n] of [...perSkill].sort()) console.log(`  ${origin.padEnd(32)} ${n}`);
});
