// Gate stage: compares the new version's report with its parent's, both evaluated on this run's
// held-out sets (evaluate-onnx on each model), checks the new policy's win rate over the parent's
// and its reward model's accuracy against the config's floors, records the comparison in the
// report (so the published manifest keeps it) and refuses, with the figures that failed, a
// version worse than its parent beyond the config's `gate` tolerances, unless --force.
//   npx tsx training/gate/cli.ts --config <c> --report <report.json> --parent <parent dir> [--force]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonObject } from '../../src/lib/shared/json-object';
import { readFlags, runCli } from '../cli-args';
import { loadConfig } from '../configs/config';
import { readFileNamed, writeFileAtomic } from '../files';
import { PARENT_FILE, PARENT_MANIFEST, PARENT_REPORT } from '../parent/fetch-parent';
import { failureText, gateChecks, gateProblems, gateTable } from './compare';

const USAGE =
	'npx tsx training/gate/cli.ts --config <config.json> --report <report.json> --parent <parent dir> [--force]';

function readObject(path: string): Record<string, unknown> {
	return parseJsonObject(readFileNamed(path).toString('utf8'), path);
}

runCli(() => {
	const flags = readFlags(
		{
			config: { type: 'string', required: true },
			report: { type: 'string', required: true },
			parent: { type: 'string', required: true },
			force: { type: 'boolean' }
		},
		USAGE
	);
	const config = loadConfig(flags.config);
	const report = readObject(flags.report);
	const parentReport = readObject(join(flags.parent, PARENT_REPORT));
	const parent = readObject(join(flags.parent, PARENT_FILE));
	const problems = gateProblems(report, parent);
	if (problems.length) {
		throw new Error(
			`${flags.report} cannot be judged against ${parent.model} version ${parent.version}: ${problems.join('; ')}`
		);
	}
	// The parent's own published figures; a parent directory written before it kept them has none.
	const manifestPath = join(flags.parent, PARENT_MANIFEST);
	const evaluation = existsSync(manifestPath) ? readObject(manifestPath).evaluation : undefined;
	const published =
		evaluation && typeof evaluation === 'object' ? (evaluation as Record<string, unknown>) : {};
	const checks = gateChecks(report, parentReport, config.gate, published);
	if (!checks.some((check) => check.figure.startsWith('onnx.'))) {
		throw new Error(
			`${flags.report} and the parent's report share no figure to compare; run evaluate-onnx on both`
		);
	}
	const failed = checks.filter((check) => !check.passed);
	const gate = {
		parent,
		tolerances: config.gate,
		passed: failed.length === 0,
		forced: flags.force,
		checks
	};
	writeFileAtomic(flags.report, JSON.stringify({ ...report, gate }, null, 2) + '\n');
	const name = `${parent.model} version ${parent.version}`;
	console.log(`gate: the new version against its parent, ${name}\n${gateTable(checks)}`);
	if (failed.length === 0) {
		console.log('gate: passed');
	} else if (flags.force) {
		console.log(
			`gate: ${failed.length} figure(s) worse than the parent allows; published anyway (--force)`
		);
	} else {
		throw new Error(
			`the new version is worse than its parent ${name}: ${failed.map(failureText).join('; ')}. Nothing was published; --force publishes it anyway`
		);
	}
});
