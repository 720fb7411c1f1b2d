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
		const { dir, path } = tempConfig((c) => (c.seed_trees = 40));
		const trees = join(dir, 'trees.jsonl');
		const seed = tsx('training/seed/cli.ts', '--config', path, '--out', trees);
		expect(seed.stderr).toBe('');
		expect(seed.stdout).toContain('wrote 40 trees');

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
		expect(manifest.trees).toEqual({ train: 36, val: 4, not_ready: 0 });
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

describe('pipeline command line', { timeout: 60_000 }, () => {
	it('refuses an unknown stage and lists the real ones', () => {
		const run = tsx('training/pipeline.ts', '--config', 'ci', '--stages', 'seed,train');
		expect(run.status).toBe(1);
		expect(run.stderr).toContain(
			'unknown stage train; stages are seed, datasets, sft, rm, dpo, evaluate, build, evaluate-onnx, publish'
		);
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
