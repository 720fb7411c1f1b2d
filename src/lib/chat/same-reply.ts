// A regenerated reply that repeats an earlier one word for word. At temperature 0 decoding is
// greedy, so regenerating always gives the same reply: rather than leave the user clicking,
// the reply says so and where the temperature is set.
import type { StoredMessage } from '$lib/db/records/message';
import { siblingsOf } from './tree';

/** The version number (1-based) of an earlier sibling with exactly `id`'s text; null if none. */
export function earlierTwin(
	messages: readonly Pick<StoredMessage, 'id' | 'parentId' | 'createdAt' | 'content'>[],
	id: string
): number | null {
	const { siblings, index } = siblingsOf(messages, id);
	const content = siblings[index].content;
	if (!content) return null;
	const twin = siblings.slice(0, index).findIndex((sibling) => sibling.content === content);
	return twin < 0 ? null : twin + 1;
}

/** What a reply says when it repeats version `version`; `temperature` is the conversation's own. */
export function sameReplyNote(version: number, temperature: number | undefined): string {
	const same = `Same reply as version ${version}.`;
	return temperature === 0
		? `${same} At temperature 0 the model gives the same reply every time; for a different one, raise the temperature in this conversation's settings.`
		: same;
}
