// A digest of everything a pipeline run depends on (the pipeline's sources, configs, tokenizer and
// the npm lock file). A full successful run records it in training/out/<config>/; the pipeline
// test suite reuses that run while the digest still matches instead of training again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const INPUTS_STAMP = 'inputs.sha256';

const SKIPPED = new Set(['out', '__pycache__', 'node_modules']);

function files(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true })
		.filter((entry) => !SKIPPED.has(entry.name) && !entry.name.endsWith('.pyc'))
		.flatMap((entry) => {
			const path = join(dir, entry.name);
			return entry.isDirectory() ? files(path) : entry.isFile() ? [path] : [];
		});
}

/** Hex sha-256 over the inputs of a run of `configName`, read relative to the repository root. */
export function inputsDigest(configName: string, root = '.'): string {
	const hash = createHash('sha256').update(`config ${configName}\n`);
	const paths = [...files(join(root, 'training')), join(root, 'package-lock.json')].sort();
	for (const path of paths) {
		hash.update(`${path}\0`);
		hash.update(readFileSync(path));
		hash.update('\0');
	}
	return hash.digest('hex');
}
