// One pipeline run at a time per config: two runs writing training/out/<config>/ together would
// mix their files. The lock is a file holding the owner's pid; a lock whose owner has died is
// taken over, so a killed run never blocks the next one.
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function ownerAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Waits until `path` is ours; returns the function that releases it. */
export async function acquireRunLock(
	path: string,
	onWait: (ownerPid: number) => void
): Promise<() => void> {
	mkdirSync(dirname(path), { recursive: true });
	let announced = false;
	for (;;) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			return () => rmSync(path, { force: true });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const owner = Number(readFileSync(path, 'utf8').trim());
		if (!Number.isInteger(owner) || owner <= 0 || !ownerAlive(owner)) {
			rmSync(path, { force: true });
			continue;
		}
		if (!announced) onWait(owner);
		announced = true;
		await sleep(2000);
	}
}
