import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inputsDigest } from '../../../training/inputs-digest';
import { acquireRunLock } from '../../../training/run-lock';

const temp = () => mkdtempSync(join(tmpdir(), 'hearth-run-'));

describe('inputs digest', () => {
	it('changes with any pipeline source or the lock file, not with run outputs', () => {
		const root = temp();
		mkdirSync(join(root, 'training', 'out', 'ci'), { recursive: true });
		writeFileSync(join(root, 'training', 'stage.ts'), 'one');
		writeFileSync(join(root, 'package-lock.json'), '{}');
		const before = inputsDigest('ci', root);
		writeFileSync(join(root, 'training', 'out', 'ci', 'report.json'), '{}');
		expect(inputsDigest('ci', root)).toBe(before);
		expect(inputsDigest('demo', root)).not.toBe(before);
		writeFileSync(join(root, 'training', 'stage.ts'), 'two');
		const edited = inputsDigest('ci', root);
		expect(edited).not.toBe(before);
		writeFileSync(join(root, 'package-lock.json'), '{"v":2}');
		expect(inputsDigest('ci', root)).not.toBe(edited);
	});
});

describe('run lock', () => {
	it('takes over a lock whose owner is gone, and releases it', async () => {
		const path = join(temp(), 'pipeline.lock');
		writeFileSync(path, '999999999');
		const release = await acquireRunLock(path, () => expect.fail('must not wait for a dead owner'));
		expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
		release();
		expect(existsSync(path)).toBe(false);
	});

	it('waits while the owner lives', async () => {
		const path = join(temp(), 'pipeline.lock');
		const owner = spawn('sleep', ['30']);
		writeFileSync(path, String(owner.pid));
		let waitedFor = 0;
		const acquired = acquireRunLock(path, (pid) => {
			waitedFor = pid;
			setTimeout(() => owner.kill(), 100);
		});
		await acquired;
		expect(waitedFor).toBe(owner.pid);
		expect(readFileSync(path, 'utf8')).toBe(String(process.pid));
	});
});
