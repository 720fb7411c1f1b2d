// The text rules (length, not blank, no repeat of the same text by the same user within the
// window) applied to everything a contributor writes or edits.
import { checkText } from '../tree-manager/submissions';
import { ensure, type MutationContext } from '../sync/mutation-context';

/** `editing` is the message being edited: its own current text is no repeat. */
export async function ensureTextAllowed(
	ctx: MutationContext,
	text: string,
	editing: string | null = null
): Promise<void> {
	const { session, caller } = ctx;
	const config = session.treeConfig;
	let query = session.trx
		.selectFrom('messages')
		.select(['text', 'created_at as at'])
		.where('author_id', '=', caller.userId)
		.where('created_at', '>=', session.now - config.text.duplicateWindowMs);
	if (editing !== null) query = query.where('id', '!=', editing);
	ensure(checkText(text, await query.execute(), session.now, config));
}
