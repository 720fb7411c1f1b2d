// Output files of the pipeline stages are written to a temporary name and renamed into place,
// so a stage that dies halfway never leaves a truncated file that the next stage would trust.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomic(path: string, content: string | Uint8Array): void {
	mkdirSync(dirname(path), { recursive: true });
	const temporary = `${path}.tmp-${process.pid}`;
	writeFileSync(temporary, content);
	renameSync(temporary, path);
}

export function writeJsonLinesAtomic(path: string, rows: Iterable<unknown>): void {
	const lines: string[] = [];
	for (const row of rows) lines.push(JSON.stringify(row));
	writeFileAtomic(path, lines.length ? lines.join('\n') + '\n' : '');
}
