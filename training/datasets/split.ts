// Train/validation split by tree, never by message: no message of a validation tree is trained on.
// Trees are ordered by a seeded hash of their id and the first `fraction` of them are held out,
// so the split depends only on the seed and the set of ids, never on file order.
import { createHash } from 'node:crypto';

export function validationTrees(treeIds: string[], seed: number, fraction: number): Set<string> {
	const count = Math.min(treeIds.length, Math.max(1, Math.round(treeIds.length * fraction)));
	return new Set(seededOrder(treeIds, seed).slice(0, count));
}

/** The ids in an order that depends only on the seed and the ids themselves. */
export function seededOrder(treeIds: string[], seed: number): string[] {
	const key = (id: string) => createHash('sha256').update(`${seed}:${id}`).digest('hex');
	return treeIds
		.map((id) => ({ id, key: key(id) }))
		.sort((a, b) => (a.key < b.key ? -1 : 1))
		.map(({ id }) => id);
}
