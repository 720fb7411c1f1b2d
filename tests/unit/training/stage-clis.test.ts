import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tsx = (...args: string[]) =>
	spawnSync('node_modules/.bin/tsx', args, {
		encoding: 'utf8',
		env: { ...process.env, NODE_NO_WARNINGS: '1' }
	});

function tempConfig(change: (config: Record<string, unknown>) => void): {
	dir: string;
	path: string;
} {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-stage-'));
	const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
	change(config);
	const path = join(dir, 'config.json');
	writeFileSync(path, JSON.stringify(config));
	return { dir, path };
}

describe('seed and datasets command lines', { timeout: 60_000 }, () => {
	it('write trees, then token files with a manifest that counts and digests them', () => {
		const { dir, path } = tempConfig((c) =>
			Object.assign(c, { seed_trees: 40, tool_seed_trees: 20 })
		);
		const trees = join(dir, 'trees.jsonl');
		const seed = tsx('training/seed/cli.ts', '--config', path, '--out', trees);
		expect(seed.stderr).toBe('');
		expect(seed.stdout).toContain('wrote 60 trees');
		expect(seed.stdout).toMatch(
			/20 of them start with a tool question; their \d+ tool calls return what the tools return/
		);

		const out = join(dir, 'data');
		const datasets = tsx(
			'training/datasets/cli.ts',
			'--config',
			path,
			'--trees',
			trees,
			'--out',
			out
		);
		expect(datasets.status, datasets.stderr).toBe(0);
		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		const files = readdirSync(out)
			.filter((f) => f.endsWith('.jsonl'))
			.sort();
		expect(files).toEqual(Object.keys(manifest.counts).sort());
		expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
		const digest = createHash('sha256');
		for (const file of files) {
			const text = readFileSync(join(out, file), 'utf8');
			expect(text.split('\n').filter(Boolean)).toHaveLength(manifest.counts[file]);
			digest.update(`${file}\0${createHash('sha256').update(text).digest('hex')}\n`);
		}
		expect(manifest.data_digest).toBe(digest.digest('hex'));
		expect(manifest).toMatchObject({
			vocab_size: 259,
			eos_token_id: 258,
			tokenizer_dir: 'training/demo-tokenizer'
		});
		expect(manifest.trees).toEqual({ train: 54, val: 6, not_ready: 0 });
		// Every tool tree and about half the others are rendered with the tool list.
		expect(manifest.tools.unrenderable).toBe(0);
		expect(manifest.tools.listed).toBeGreaterThan(20 + 40 * 0.3);
		expect(manifest.tools.listed).toBeLessThan(20 + 40 * 0.7);
	});

	it('stop on a bad config with the file and the key', () => {
		const { path } = tempConfig((c) => ((c.sft as Record<string, unknown>).lr = 'fast'));
		const run = tsx('training/seed/cli.ts', '--config', path);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`error: ${path}: invalid config`);
		expect(run.stderr).toContain('sft.lr: Invalid input: expected number, received string');
	});

	it('stop on a malformed trees line with file:line', () => {
		const { dir, path } = tempConfig(() => {});
		const trees = join(dir, 'trees.jsonl');
		writeFileSync(trees, '{"message_tree_id": 3}\n');
		const run = tsx(
			'training/datasets/cli.ts',
			'--config',
			path,
			'--trees',
			trees,
			'--out',
			join(dir, 'data')
		);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			`error: ${trees}:1: line.message_tree_id: Invalid input: expected string, received number`
		);
		expect(readdirSync(dir)).not.toContain('data');
	});

	it('explain their usage when a flag is unknown or missing', () => {
		const unknown = tsx('training/seed/cli.ts', '--confg', 'x.json');
		expect(unknown.status).toBe(1);
		expect(unknown.stderr).toContain("Unknown option '--confg'");
		expect(unknown.stderr).toContain('usage: npx tsx training/seed/cli.ts --config');
		expect(tsx('training/datasets/cli.ts').stderr).toContain('missing --config');
	});
});

describe('export command line', { timeout: 60_000 }, () => {
	// Shaped as OpenAssistant's exporter writes trees: null fields left out, one tree without state.
	const FIXTURE = 'tests/fixtures/oasst/trees.jsonl';

	it('snapshots an oasst file with its hash and counts, and datasets mix it with the seed', () => {
		const { dir, path } = tempConfig((c) =>
			Object.assign(c, { seed_trees: 40, tool_seed_trees: 0 })
		);
		const snapshot = join(dir, 'export');
		const run = tsx(
			'training/export/cli.ts',
			'--config',
			path,
			'--file',
			FIXTURE,
			'--out',
			snapshot
		);
		expect(run.status, run.stderr).toBe(0);
		expect(run.stdout).toContain('trees     community 3');
		const text = readFileSync(FIXTURE);
		expect(readFileSync(join(snapshot, 'oasst.jsonl'))).toEqual(text);
		const manifest = JSON.parse(readFileSync(join(snapshot, 'manifest.json'), 'utf8'));
		expect(manifest).toMatchObject({
			source: FIXTURE,
			sha256: createHash('sha256').update(text).digest('hex'),
			bytes: text.length,
			trees: { community: 3 },
			messages: { community: { human: 15, synthetic: 0 } }
		});

		const trees = join(dir, 'trees.jsonl');
		expect(tsx('training/seed/cli.ts', '--config', path, '--out', trees).status).toBe(0);
		const out = join(dir, 'data');
		const datasets = tsx(
			'training/datasets/cli.ts',
			...['--config', path, '--trees', trees, '--community', snapshot, '--out', out]
		);
		expect(datasets.status, datasets.stderr).toBe(0);
		const data = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		expect(data.snapshot.sha256).toBe(manifest.sha256);
		// OpenAssistant's long answers outweigh two replayed seed trees already: no repeats.
		expect(data.sources.community).toEqual({ train: 2, val: 1, not_ready: 0, sft_repeats: 1 });
		// Two community trees are half the training trees at the default seed share of 0.5.
		expect(data.sources.seed).toMatchObject({ train: 2, val: 4, replay_unused: 34 });
		expect(data.counts['eval.community.jsonl']).toBe(1);
	});

	it('refuses a file the datasets could not read, naming file:line, and writes no manifest', () => {
		const { dir, path } = tempConfig(() => {});
		const bad = join(dir, 'bad.jsonl');
		writeFileSync(bad, readFileSync(FIXTURE, 'utf8') + '{"message_tree_id": 3}\n');
		const snapshot = join(dir, 'export');
		const run = tsx('training/export/cli.ts', '--config', path, '--file', bad, '--out', snapshot);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(`error: ${bad}:4: line.message_tree_id:`);
		expect(readdirSync(snapshot)).toEqual([]);
	});

	it('lets the datasets stage refuse a snapshot changed after its export', () => {
		const { dir, path } = tempConfig(() => {});
		const snapshot = join(dir, 'export');
		tsx('training/export/cli.ts', '--config', path, '--file', FIXTURE, '--out', snapshot);
		const file = join(snapshot, 'oasst.jsonl');
		writeFileSync(file, readFileSync(file, 'utf8').replace('monad', 'gonad'));
		const run = tsx(
			'training/datasets/cli.ts',
			...['--config', path, '--trees', FIXTURE, '--community', snapshot, '--out', join(dir, 'd')]
		);
		expect(run.status).toBe(1);
		expect(run.stderr).toMatch(
			/oasst\.jsonl: sha-256 [0-9a-f]{64} is not the [0-9a-f]{64} its manifest names/
		);
	});

	it('asks for a trainer token before talking to a server', () => {
		const { path } = tempConfig(() => {});
		const run = spawnSync(
			'node_modules/.bin/tsx',
			['training/export/cli.ts', '--config', path, '--server', 'http://127.0.0.1:9'],
			{ encoding: 'utf8', env: { ...process.env, HEARTH_TRAINER_TOKEN: '' } }
		);
		expect(run.status).toBe(1);
		expect(run.stderr).toContain('--server needs a trainer token in HEARTH_TRAINER_TOKEN');
	});
});

describe('pipeline command line', { timeout: 60_000 }, () => {
	it('refuses an unknown stage and lists the real ones', () => {
		const run = tsx('training/pipeline.ts', '--config', 'ci', '--stages', 'seed,train');
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			'unknown stage train; stages are seed, datasets, sft, rm, dpo, evaluate, build, evaluate-onnx, publish'
		);
	});

	it('puts an export stage first when it learns from a server or a file, a parent stage when it starts from a version, and active learning last against a server', () => {
		const run = tsx(
			...['training/pipeline.ts', '--config', 'ci', '--from-file', 'x.jsonl', '--stages', 'x']
		);
		expect(run.stderr).toContain('stages are export, seed, datasets, sft');
		const child = tsx(
			...['training/pipeline.ts', '--config', 'ci', '--from', 'hearth-ci@latest', '--stages', 'x']
		);
		expect(child.stderr).toContain('stages are parent, seed, datasets, sft');
		// Against a server, the new reward model then orders the sets waiting there for rankings.
		const server = tsx(
			...['training/pipeline.ts', '--config', 'ci', '--from-server', 'http://h', '--stages', 'x']
		);
		expect(server.stderr).toContain(
			'stages are export, seed, datasets, sft, rm, dpo, evaluate, build, evaluate-onnx, publish, ranking-sets, uncertainty, send-priorities'
		);
		const both = tsx(
			...['training/pipeline.ts', '--config', 'ci', '--from-file', 'x', '--from-server', 'http://h']
		);
		expect(both.stderr).toContain('give --from-server or --from-file, not both');
	});

	it('stops at the first failing stage with its error', () => {
		// A config name with no seed output: datasets fails at once, and sft must never start.
		const { path } = tempConfig((c) => (c.name = 'unit-never-seeded'));
		const run = tsx('training/pipeline.ts', '--config', path, '--stages', 'datasets,sft');
		expect(run.status).toBe(1);
		expect(run.stdout).toContain('[1/2] datasets');
		expect(run.stdout).not.toContain('[2/2] sft');
		expect(run.stderr).toContain('error: stage datasets failed after');
		expect(run.stderr).toContain(
			'training/out/unit-never-seeded/seed/trees.jsonl: cannot read (ENOENT)'
		);
	});
});
