// One command for the whole pipeline: each stage runs as its own process, exactly as it would by
// hand (see training/README.md), in order, stopping at the first failure with that stage's error.
//   npm run pipeline -- --config ci|demo [--stages seed,datasets,...] [--registry dir] [--reuse]
//       [--from-server <url> | --from-file <oasst.jsonl>] [--from <model>@<version|latest> | <dir>]
// --reuse skips the stages that write training/out/<config> when its recorded inputs digest
// (written after a complete run) still matches the sources and configs.
// --from-server runs the loop against a Hearth server: an export stage first takes its trees
// (with the trainer token in HEARTH_TRAINER_TOKEN), they train beside the seed trees, and the
// version is published back to that server unless --registry names a folder. --from-file takes
// the trees from an oasst file instead. --from fine-tunes a published version's checkpoint (read
// from that server, else from the registry folder) or a Hugging Face model directory instead of
// training from scratch. After publishing to a server, the new reward model orders the sibling
// sets waiting there for rankings (ranking-sets, uncertainty, send-priorities).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readFlags, runCli } from './cli-args';
import { finalObjective, loadConfig, outDir, type PipelineConfig } from './configs/config';
import { writeFileAtomic } from './files';
import { INPUTS_STAMP, inputsDigest } from './inputs-digest';
import { acquireRunLock } from './run-lock';
import { resolvePython } from '../scripts/setup.mjs';
import { PARENT_MANIFEST, PARENT_MODEL_DIR, PARENT_REPORT } from './parent/fetch-parent';
import { PRIORITIES_FILE } from './prioritise/send-priorities';
import { SETS_FILE } from './prioritise/sets';

const TSX = 'node_modules/.bin/tsx';
const USAGE =
	'npm run pipeline -- --config ci|demo|<path.json> [--stages seed,datasets,...] [--registry dir] [--reuse] [--from-server <url> | --from-file <oasst.jsonl>] [--from <model>@<version|latest> | <dir>]';

/** Where the community trees come from, and where the version goes. */
interface Loop {
	/** The export stage's arguments: `--server <url>` or `--file <path>`. */
	exportFrom: string[] | null;
	/** The publish stage's target: `--server <url>` or `--registry <dir>`. */
	publishTo: string[];
	/** The parent stage's arguments (`--from <ref>` and where to read it), for a published parent. */
	parentFrom: string[] | null;
	/** A checkpoint directory sft starts from instead of a fresh model. */
	init: string | null;
	/** Publish even when the gate finds the version worse than its parent. */
	force: boolean;
	/** The server (--from-server) whose sibling sets waiting for rankings the new reward model orders. */
	rankingServer: string | null;
}

interface Stage {
	name: string;
	/** The program and its arguments; for a Python stage, only the interpreter's arguments. */
	command: string[];
	/** Run `command` with the trainer's Python (HEARTH_PYTHON or the first that has torch). */
	python?: true;
	/** Files a fresh run of this stage must not inherit from an earlier run. */
	stale?: string[];
	/** False only for publish, which reads training/out/<config> and writes the registry. */
	writesOutDir: boolean;
	/** Environment for this stage, under the caller's own (which wins). */
	env?: Record<string, string>;
}

/**
 * How OpenMP's idle threads wait in a training stage. Threads that spin make OpenBLAS's float32
 * matrix products about twice as slow even on an idle machine (its own threads spin too), so
 * float32 waits passively. bf16 runs on oneDNN, whose many short parallel regions pay for each
 * sleep: spinning trains the demo model 1.35× faster there (7.7 vs 5.7 steps/s, measured).
 */
function trainingWaitPolicy(config: PipelineConfig): string {
	return config.precision === 'bf16' ? 'ACTIVE' : 'PASSIVE';
}

function pipelineStages(configPath: string, config: PipelineConfig, loop: Loop): Stage[] {
	const data = outDir(config, 'data');
	const snapshot = outDir(config, 'export');
	const checkpoints = outDir(config, 'checkpoints');
	const report = outDir(config, 'eval', 'report.json');
	const model = outDir(config, 'model');
	const train = (stage: string, init?: string, extra: string[] = []): Stage => ({
		name: stage,
		command: [
			...['-m', 'training.trainer.train', '--config', configPath, '--stage', stage],
			...['--data', data, '--out', `${checkpoints}/${stage}`],
			...(init ? ['--init', init] : []),
			...extra
		],
		python: true,
		writesOutDir: true,
		env: { OMP_WAIT_POLICY: trainingWaitPolicy(config) }
	});
	// The policy objectives in order, each starting from the policy before it (the first from
	// sft); the last one's checkpoint is the version that is built and published.
	const policyStages = config.policy.map((objective, i) =>
		train(
			objective,
			`${checkpoints}/${i === 0 ? 'sft' : config.policy[i - 1]}`,
			objective === 'rloo' ? ['--reward', `${checkpoints}/rm`] : []
		)
	);
	const policy = `${checkpoints}/${finalObjective(config)}`;
	const parentDir = outDir(config, 'parent');
	const init = loop.parentFrom ? parentDir : loop.init;
	const parentStage: Stage[] = loop.parentFrom
		? [
				{
					name: 'parent',
					command: [TSX, 'training/parent/cli.ts', '--config', configPath, ...loop.parentFrom],
					writesOutDir: true
				}
			]
		: [];
	const parentReport = `${parentDir}/${PARENT_REPORT}`;
	// The parent is evaluated on this run's held-out sets, so the two compare like for like.
	const gateStages: Stage[] = loop.parentFrom
		? [
				{
					name: 'evaluate-parent',
					command: [
						...[
							TSX,
							'training/build/evaluate-onnx.ts',
							'--model',
							`${parentDir}/${PARENT_MODEL_DIR}`
						],
						...['--data', data, '--report', parentReport]
					],
					stale: [parentReport],
					writesOutDir: true
				},
				{
					name: 'gate',
					command: [
						...[TSX, 'training/gate/cli.ts', '--config', configPath, '--report', report],
						...['--parent', parentDir, ...(loop.force ? ['--force'] : [])]
					],
					writesOutDir: true
				}
			]
		: [];
	// Active learning: the new reward model says which sets people should rank first.
	const prioritise = outDir(config, 'prioritise');
	const activeLearning: Stage[] = loop.rankingServer
		? [
				{
					name: 'ranking-sets',
					command: [
						...[TSX, 'training/prioritise/sets-cli.ts', '--config', configPath],
						...['--server', loop.rankingServer]
					],
					writesOutDir: true
				},
				{
					name: 'uncertainty',
					command: [
						...['-m', 'training.trainer.uncertainty', '--checkpoint', `${checkpoints}/rm`],
						...['--sets', `${prioritise}/${SETS_FILE}`, '--out', `${prioritise}/${PRIORITIES_FILE}`]
					],
					python: true,
					writesOutDir: true
				},
				{
					name: 'send-priorities',
					command: [
						...[TSX, 'training/prioritise/send-cli.ts', '--config', configPath],
						...['--server', loop.rankingServer]
					],
					writesOutDir: false
				}
			]
		: [];
	const exportStage: Stage[] = loop.exportFrom
		? [
				{
					name: 'export',
					command: [TSX, 'training/export/cli.ts', '--config', configPath, ...loop.exportFrom],
					writesOutDir: true
				}
			]
		: [];
	return [
		...exportStage,
		...parentStage,
		{
			name: 'seed',
			command: [TSX, 'training/seed/cli.ts', '--config', configPath],
			writesOutDir: true
		},
		{
			name: 'datasets',
			command: [
				...[TSX, 'training/datasets/cli.ts', '--config', configPath],
				...(loop.exportFrom ? ['--community', snapshot] : []),
				...(loop.init ? ['--base', loop.init] : [])
			],
			writesOutDir: true
		},
		train('sft', init ?? undefined),
		train('rm', `${checkpoints}/sft`),
		...policyStages,
		{
			name: 'evaluate',
			command: [
				...['-m', 'training.trainer.evaluate', '--config', configPath, '--data', data],
				...['--checkpoints', checkpoints, '--out', report],
				// The new policy against the published parent's, judged by this run's reward model.
				...(loop.parentFrom ? ['--parent', parentDir] : [])
			],
			python: true,
			// evaluate merges into an existing report; a new run's report starts empty.
			stale: [report],
			writesOutDir: true
		},
		{
			name: 'build',
			command: [
				...[TSX, 'training/build/cli.ts', '--checkpoint', policy],
				// A Hugging Face base's own tokenizer, as the datasets stage used (its --base).
				...['--tokenizer', loop.init ?? config.tokenizer, '--out', model]
			],
			writesOutDir: true
		},
		{
			name: 'evaluate-onnx',
			command: [
				...[TSX, 'training/build/evaluate-onnx.ts', '--model', model, '--data', data],
				...['--report', report]
			],
			writesOutDir: true
		},
		...gateStages,
		{
			name: 'publish',
			command: [
				...[TSX, 'training/publish/cli.ts', '--model', model, '--name', config.model_name],
				...['--checkpoint', policy],
				...(loop.parentFrom ? ['--parent-manifest', `${parentDir}/${PARENT_MANIFEST}`] : []),
				...[...loop.publishTo, '--report', report, '--data', `${data}/manifest.json`]
			],
			writesOutDir: false
		},
		...activeLearning
	];
}

/** Runs a stage with its output shown live; resolves with its exit code and last stderr line. */
function runStage(
	stage: Stage,
	[command, ...args]: string[]
): Promise<{ code: number; lastError: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			stdio: ['ignore', 'inherit', 'pipe'],
			env: {
				// Unbuffered Python so progress bars appear as they happen, not when the stage ends.
				PYTHONUNBUFFERED: '1',
				// OpenMP threads that spin while waiting make PyTorch up to 10x slower when the two
				// cores are shared with anything else (measured); sleeping costs little when idle.
				OMP_WAIT_POLICY: 'PASSIVE',
				...stage.env,
				...process.env
			}
		});
		let tail = '';
		child.stderr.on('data', (chunk: Buffer) => {
			process.stderr.write(chunk);
			tail = (tail + chunk.toString()).slice(-4000);
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			const lines = tail.split(/[\r\n]+/).filter((line) => line.trim() !== '');
			const lastError = lines.length
				? lines[lines.length - 1]
				: signal
					? `killed by ${signal}`
					: '';
			resolve({ code: code ?? 1, lastError });
		});
	});
}

function configPathOf(name: string): string {
	return name.endsWith('.json') ? name : `training/configs/${name}.json`;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

runCli(async () => {
	const flags = readFlags(
		{
			config: { type: 'string', required: true },
			stages: { type: 'string' },
			registry: { type: 'string' },
			reuse: { type: 'boolean' },
			'from-server': { type: 'string' },
			'from-file': { type: 'string' },
			from: { type: 'string' },
			force: { type: 'boolean' }
		},
		USAGE
	);
	const configPath = configPathOf(flags.config);
	const config = loadConfig(configPath);
	const loop = loopOf(flags);
	const all = pipelineStages(configPath, config, loop);
	const wanted = flags.stages?.split(',').map((s) => s.trim()) ?? all.map((s) => s.name);
	const unknown = wanted.filter((name) => !all.some((s) => s.name === name));
	if (unknown.length) {
		throw new Error(
			`unknown stage ${unknown.join(', ')}; stages are ${all.map((s) => s.name).join(', ')}`
		);
	}
	let selected = all.filter((s) => wanted.includes(s.name));

	const release = await acquireRunLock(outDir(config, 'pipeline.lock'), (owner) =>
		console.log(`waiting for the ${config.name} pipeline run of process ${owner} to finish…`)
	);
	process.on('exit', release);
	// Hashed before the run: a source edited while it runs must not be recorded as trained.
	const digest = inputsDigest(config.name);
	const stampPath = outDir(config, INPUTS_STAMP);
	const stamped = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : null;
	if (flags.reuse && (loop.exportFrom || loop.parentFrom || loop.init)) {
		throw new Error(
			'--reuse cannot tell whether an export or a parent is up to date; leave it out'
		);
	}
	if (flags.reuse && stamped === digest) {
		selected = selected.filter((s) => !s.writesOutDir);
		console.log(`${outDir(config)} is up to date with its inputs: reusing it`);
	} else if (selected.some((s) => s.writesOutDir)) {
		// Whatever this run leaves behind no longer matches a recorded digest until it completes.
		rmSync(stampPath, { force: true });
	}

	// Resolved once, and only when a stage needs it: seed and datasets run without PyTorch.
	const python = selected.some((s) => s.python) ? resolvePython() : '';
	const timings: Record<string, number> = {};
	const started = Date.now();
	for (const [index, stage] of selected.entries()) {
		const command = stage.python ? [python, ...stage.command] : stage.command;
		console.log(`\n━━ [${index + 1}/${selected.length}] ${stage.name} ━━ ${command.join(' ')}`);
		for (const path of stage.stale ?? []) rmSync(path, { force: true });
		const t0 = Date.now();
		const { code, lastError } = await runStage(stage, command);
		timings[stage.name] = (Date.now() - t0) / 1000;
		if (code !== 0) {
			throw new Error(
				`stage ${stage.name} failed after ${seconds(Date.now() - t0)} (exit ${code})` +
					(lastError ? `: ${lastError}` : '')
			);
		}
		console.log(`━━ ${stage.name} done in ${seconds(Date.now() - t0)}`);
	}

	const total = (Date.now() - started) / 1000;
	console.log(`\n${config.name}: ${selected.length} stage(s) in ${total.toFixed(1)} s`);
	for (const [name, s] of Object.entries(timings))
		console.log(`  ${name.padEnd(14)} ${s.toFixed(1)} s`);
	if (selected.length === all.length) {
		const summary = { config: config.name, stages: timings, total_seconds: total };
		writeFileAtomic(
			outDir(config, 'pipeline-timings.json'),
			JSON.stringify(summary, null, 2) + '\n'
		);
		// A run on exported trees or from a parent depends on more than the inputs digest covers.
		if (!loop.exportFrom && !loop.parentFrom && !loop.init)
			writeFileAtomic(stampPath, digest + '\n');
	}
});

function loopOf(flags: {
	registry?: string;
	'from-server'?: string;
	'from-file'?: string;
	from?: string;
	force: boolean;
}): Loop {
	const server = flags['from-server'];
	const file = flags['from-file'];
	if (server && file)
		throw new Error(`give --from-server or --from-file, not both\nusage: ${USAGE}`);
	// Versions are read from, and published to, the server when there is one and no --registry.
	const registry =
		server && !flags.registry ? ['--server', server] : ['--registry', flags.registry ?? 'registry'];
	const published = flags.from?.includes('@') ? flags.from : null;
	return {
		exportFrom: server ? ['--server', server] : file ? ['--file', file] : null,
		publishTo: registry,
		parentFrom: published ? ['--from', published, ...registry] : null,
		init: published ? null : (flags.from ?? null),
		force: flags.force,
		rankingServer: server ?? null
	};
}
