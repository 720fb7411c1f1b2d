// The text rules (length, not blank, no repeat of the same text by the same user within the
// window) applied to everything a contributor writes or edits. The user's recent texts are read
// once per push and kept current as the push writes.
import { checkText } from '../tree-manager/submissions';
import type { WriteSession } from '../trees/write-session';
import { ensure, type MutationContext } from './mutation-context';

interface RecentText {
	id: string;
	text: string;
	at: number;
}

const key = (userId: string) => `recent-texts:${userId}`;

function recentTexts(session: WriteSession, userId: string): Promise<readonly RecentText[]> {
	return session.recall(key(userId), () =>
		session.trx
			.selectFrom('messages')
			.select(['id', 'text', 'created_at as at'])
			.where('author_id', '=', userId)
			.where('created_at', '>=', session.now - session.treeConfig.text.duplicateWindowMs)
			.execute()
	);
}

/** `editing` is the message being edited: its own current text is no repeat. */
export async function ensureTextAllowed(
	ctx: MutationContext,
	text: string,
	editing: string | null = null
): Promise<void> {
	const { session, caller } = ctx;
	const recent = (await recentTexts(session, caller.userId)).filter((r) => r.id !== editing);
	ensure(checkText(text, recent, session.now, session.treeConfig));
}

/** Records a text the push just wrote (a new message, or an edit of `id`). */
export async function rememberText(ctx: MutationContext, id: string, text: string): Promise<void> {
	const { session, caller } = ctx;
	const recent = await recentTexts(session, caller.userId);
	const at = recent.find((r) => r.id === id)?.at ?? session.now;
	session.remember(key(caller.userId), [...recent.filter((r) => r.id !== id), { id, text, at }]);
}
