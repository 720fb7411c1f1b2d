// The demo model ships with the repository, in registry form under shipped-models/,
// so a newcomer chats with it the moment the server listens instead of waiting for a training
// run. `npm start` and `npm run dev` copy each shipped model into the registry the server serves
// when that registry does not have the model yet, and add newer shipped versions to a registry
// that holds only shipped ones (a clone pulled after a new demo version shipped). A model the
// operator published a version of is theirs and is left alone. Re-create the shipped files with
// `npm run pipeline:ship-demo`.
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

/**
 * @typedef {{ model: string, versions: number[], outcome: 'added' | 'updated' | 'left' }} Installed
 * A shipped model the registry lacked in whole or in part, and the shipped `versions` it lacked:
 * `added` (it had no such model), `updated` (the versions were added), or `left` (the registry
 * holds a version of its own, so the shipped ones were not added).
 */

/**
 * Copies into the registry every shipped model it lacks, and the newer shipped versions of one
 * whose every version is the shipped one.
 * @returns {Installed[]}
 */
export function installShippedModels(
	registry = process.env.HEARTH_REGISTRY_DIR || join(root, 'registry')
) {
	/** @type {Installed[]} */
	const installed = [];
	for (const model of readdirSync(SHIPPED_REGISTRY, { withFileTypes: true })) {
		if (!model.isDirectory() || model.name === 'blobs') continue;
		const indexPath = join(model.name, 'index.json');
		/** @type {number[]} */
		const shipped = readJson(join(SHIPPED_REGISTRY, indexPath)).versions;
		const held = existsSync(join(registry, indexPath)) ? heldVersions(registry, indexPath) : [];
		// An index this cannot read is the operator's to mend (the server reports it), not ours.
		if (held === null) continue;
		const missing = shipped.filter((version) => !held.includes(version));
		// Up to date, as on every start but the first: no manifest is read.
		if (missing.length === 0) continue;
		if (!held.every((version) => isShippedVersion(model.name, version, registry))) {
			installed.push({ model: model.name, versions: missing, outcome: 'left' });
			continue;
		}
		const manifests = missing.map((version) => join(model.name, 'versions', `${version}.json`));
		// Blobs first, then manifests, then the index, as the pipeline publishes: a version becomes
		// visible only when everything it names is in place, even if this copy is interrupted.
		for (const manifest of manifests) {
			// The trainer checkpoint too: browsers never fetch it, but the next version starts from it.
			const { files, checkpoint = [] } = readJson(join(SHIPPED_REGISTRY, manifest));
			for (const { sha256 } of [...files, ...checkpoint])
				copyIfMissing(join('blobs', 'sha256', sha256), registry);
		}
		for (const manifest of manifests) copyIfMissing(manifest, registry);
		copyInPlace(indexPath, registry);
		const outcome = held.length === 0 ? 'added' : 'updated';
		installed.push({ model: model.name, versions: missing, outcome });
	}
	return installed;
}

/**
 * What `npm start` and `npm run dev` say of each shipped model `installShippedModels` touched or
 * left: an operator whose registry stays on its own versions learns that a newer one shipped.
 * @param {Installed[]} installed
 * @returns {string[]}
 */
export function installReport(installed) {
	return installed.map(({ model, versions, outcome }) => {
		const numbers = `version${versions.length > 1 ? 's' : ''} ${versions.join(', ')}`;
		if (outcome === 'added') return `${model} added to the registry`;
		if (outcome === 'updated') return `${model} ${numbers} added to the registry`;
		return (
			`${model}: shipped ${numbers} not added, because the registry holds a version of ` +
			`${model} that is not a shipped one (published here, or damaged). To serve the ` +
			`shipped versions instead, remove the registry's ${model} folder (its own versions go with it).`
		);
	});
}

/**
 * Whether the registry's `version` of `model` is the shipped one: the same files, blob for blob.
 * Only the files count: a shipped manifest may since have gained its trainer checkpoint.
 * @param {string} model
 * @param {number} version
 * @param {string} registry
 */
function isShippedVersion(model, version, registry) {
	const path = join(model, 'versions', `${version}.json`);
	/** @param {string} folder */
	const filesOf = (folder) =>
		JSON.stringify(
			readJson(join(folder, path)).files.map(
				(/** @type {{ path: string, sha256: string }} */ file) => [file.path, file.sha256]
			)
		);
	try {
		return filesOf(registry) === filesOf(SHIPPED_REGISTRY);
	} catch {
		// Missing or unreadable on either side: not a shipped version.
		return false;
	}
}

/**
 * The version numbers a registry index lists; null when it is not an index.
 * @param {string} registry
 * @param {string} indexPath
 * @returns {number[] | null}
 */
function heldVersions(registry, indexPath) {
	try {
		const { versions } = readJson(join(registry, indexPath));
		return Array.isArray(versions) && versions.every(Number.isInteger) ? versions : null;
	} catch {
		return null;
	}
}

/** @param {string} path */
function readJson(path) {
	return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * @param {string} path
 * @param {string} registry
 */
function copyIfMissing(path, registry) {
	if (!existsSync(join(registry, path))) copyInPlace(path, registry);
}

/**
 * Copies shipped-models/<path> to <registry>/<path> through a temporary name, as publish does,
 * so a reader sees the old file or the new one, never half of one.
 * @param {string} path
 * @param {string} registry
 */
function copyInPlace(path, registry) {
	const target = join(registry, path);
	mkdirSync(dirname(target), { recursive: true });
	const temporary = join(dirname(target), `.tmp-${process.pid}-${basename(target)}`);
	copyFileSync(join(SHIPPED_REGISTRY, path), temporary);
	renameSync(temporary, target);
}
