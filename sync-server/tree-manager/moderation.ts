// Auto-moderation, as OpenAssistant ran it on trees still in review or growing: enough red
// flags delete a reply and everything below it (a flagged initial prompt aborts the whole
// tree instead, leaving it intact for moderators to look at), and enough contributors
// skipping a reply to the same message halt the tree.
import type { TreeManagerConfig } from './config';
import { subtreeIds, type TreeSnapshot } from './snapshot';

export type ModerationAction =
	| { kind: 'abort'; messageId: string; reason: string }
	| { kind: 'delete'; messageIds: string[]; reason: string }
	| { kind: 'halt'; messageId: string; reason: string };

/** The first auto-moderation action due on this tree, or null. */
export function dueModeration(
	tree: TreeSnapshot,
	config: TreeManagerConfig
): ModerationAction | null {
	if (tree.state !== 'initial_prompt_review' && tree.state !== 'growing') return null;
	const { redFlags, skipsToHalt } = config.moderation;
	for (const message of tree.messages) {
		if (message.deleted) continue;
		if (message.redFlags >= redFlags) {
			const reason = `${message.redFlags} red flags on message ${message.id}`;
			if (message.parentId === null) return { kind: 'abort', messageId: message.id, reason };
			const messageIds = subtreeIds(tree, message.id).filter(
				(id) => !tree.messages.find((m) => m.id === id)!.deleted
			);
			return { kind: 'delete', messageIds, reason };
		}
		if (message.replySkips >= skipsToHalt) {
			return {
				kind: 'halt',
				messageId: message.id,
				reason: `${message.replySkips} contributors skipped replying to message ${message.id}`
			};
		}
	}
	return null;
}
