// What a snapshot of community trees holds, counted for the data manifest and, through it, the
// published version's manifest: how many trees of each source (a tree's `origin` up to its first
// `/`, `community` for trees people wrote on the server) and how many of their messages people
// wrote versus a model or a generator (`synthetic`).
import type { OasstMessage, OasstTree } from '../datasets/oasst-tree';

export interface SnapshotCounts {
	trees: Record<string, number>;
	messages: Record<string, { human: number; synthetic: number }>;
}

export const COMMUNITY_SOURCE = 'community';

export function sourceOf(tree: OasstTree): string {
	return tree.origin ? tree.origin.split('/')[0] : COMMUNITY_SOURCE;
}

export function countSnapshot(trees: OasstTree[]): SnapshotCounts {
	const counts: SnapshotCounts = { trees: {}, messages: {} };
	for (const tree of trees) {
		const source = sourceOf(tree);
		counts.trees[source] = (counts.trees[source] ?? 0) + 1;
		const messages = (counts.messages[source] ??= { human: 0, synthetic: 0 });
		const visit = (message: OasstMessage) => {
			messages[message.synthetic ? 'synthetic' : 'human']++;
			for (const reply of message.replies ?? []) visit(reply);
		};
		visit(tree.prompt);
	}
	return counts;
}
