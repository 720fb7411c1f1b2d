// Output files of the pipeline stages are written to a temporary name and renamed into place,
// so a stage that dies halfway never leaves a truncated file that the next stage would trust.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A file's bytes; a missing or unreadable file is an error that names it and why (ENOENT, …). */
export function readFileNamed(path: string): Buffer {
	try {
		return readFileSync(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? String(error);
		throw new Error(`${path}: cannot read (${code})`, { cause: error });
	}
}

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
