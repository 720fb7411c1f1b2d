// The demo model ships with the repository, in registry form under shipped-models/,
// so a newcomer chats with it the moment the server listens instead of waiting for a training
// run. `npm start` and `npm run dev` copy each shipped model into the registry the server serves
// when that registry does not have the model yet; a model the operator published there is theirs
// and is left alone. Re-create the shipped files with `npm run pipeline:ship-demo`.
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const SHIPPED_REGISTRY = join(root, 'shipped-models');

/** Copies every shipped model the registry lacks into it; returns the names it copied. */
export function installShippedModels(
	registry = process.env.HEARTH_REGISTRY_DIR || join(root, 'registry')
) {
	const installed = [];
	for (const model of readdirSync(SHIPPED_REGISTRY, { withFileTypes: true })) {
		if (!model.isDirectory() || model.name === 'blobs') continue;
		if (existsSync(join(registry, model.name, 'index.json'))) continue;
		const versionsDir = join(model.name, 'versions');
		const manifests = readdirSync(join(SHIPPED_REGISTRY, versionsDir)).map((f) =>
			join(versionsDir, f)
		);
		// Blobs first, then manifests, then the index, as the pipeline publishes: the model becomes
		// visible only when everything it names is in place, even if this copy is interrupted.
		for (const manifest of manifests) {
			// The trainer checkpoint too: browsers never fetch it, but the next version starts from it.
			const { files, checkpoint = [] } = JSON.parse(
				readFileSync(join(SHIPPED_REGISTRY, manifest), 'utf8')
			);
			for (const { sha256 } of [...files, ...checkpoint])
				copyIfMissing(join('blobs', 'sha256', sha256), registry);
		}
		for (const manifest of manifests) copyIfMissing(manifest, registry);
		copyIfMissing(join(model.name, 'index.json'), registry);
		installed.push(model.name);
	}
	return installed;
}

/**
 * Copies shipped-models/<path> to <registry>/<path> through a temporary name, as publish does.
 * @param {string} path
 * @param {string} registry
 */
function copyIfMissing(path, registry) {
	const target = join(registry, path);
	if (existsSync(target)) return;
	mkdirSync(dirname(target), { recursive: true });
	const temporary = join(dirname(target), `.tmp-${process.pid}-${basename(target)}`);
	copyFileSync(join(SHIPPED_REGISTRY, path), temporary);
	renameSync(temporary, target);
}
