// Everything a contributor wrote, labelled or ranked, newest first, with its current status and
// the points it earned. Pages end on a timestamp boundary (all items of the last timestamp are on
// the same page), so `before` never skips an item.
import type { Kysely } from 'kysely';
import type { LabelValues } from '../../src/lib/protocol/labels';
import type { Contribution, ContributionsResponse } from '../../src/lib/protocol/points';
import type { RankTaskType } from '../../src/lib/protocol/tasks';
import { messageStatus, type TreeState } from '../../src/lib/protocol/trees';
import type { Tables } from '../db/schema';
import { roundPoints } from './summary';

const PREVIEW_CHARS = 160;

function preview(text: string): string {
	const chars = [...text];
	return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…` : text;
}

/** A contribution before its points are added up. */
type Item = Contribution extends infer C ? (C extends unknown ? Omit<C, 'points'> : never) : never;

type Window = { before: number | null; at: number | null; limit: number };

async function fetchItems(db: Kysely<Tables>, userId: string, window: Window): Promise<Item[]> {
	let messages = db
		.selectFrom('messages')
		.innerJoin('trees', 'trees.id', 'messages.tree_id')
		.select([
			'messages.id',
			'messages.tree_id',
			'messages.parent_id',
			'messages.role',
			'messages.text',
			'messages.review_result',
			'messages.deleted',
			'messages.late',
			'messages.rank',
			'messages.created_at',
			'trees.state as tree_state'
		])
		.where('messages.author_id', '=', userId);
	let reviews = db
		.selectFrom('reviews')
		.innerJoin('messages', 'messages.id', 'reviews.message_id')
		.select([
			'reviews.message_id',
			'reviews.tree_id',
			'reviews.form',
			'reviews.labels',
			'reviews.late',
			'reviews.created_at',
			'messages.text'
		])
		.where('reviews.reviewer_id', '=', userId);
	let rankings = db
		.selectFrom('rankings')
		.innerJoin('messages', 'messages.id', 'rankings.parent_id')
		.select([
			'rankings.parent_id',
			'rankings.tree_id',
			'rankings.task_type',
			'rankings.ranking',
			'rankings.late',
			'rankings.tau',
			'rankings.created_at',
			'messages.text'
		])
		.where('rankings.user_id', '=', userId);
	if (window.at !== null) {
		messages = messages.where('messages.created_at', '=', window.at);
		reviews = reviews.where('reviews.created_at', '=', window.at);
		rankings = rankings.where('rankings.created_at', '=', window.at);
	} else if (window.before !== null) {
		messages = messages.where('messages.created_at', '<', window.before);
		reviews = reviews.where('reviews.created_at', '<', window.before);
		rankings = rankings.where('rankings.created_at', '<', window.before);
	}
	const [m, r, k] = await Promise.all([
		messages.orderBy('messages.created_at', 'desc').limit(window.limit).execute(),
		reviews.orderBy('reviews.created_at', 'desc').limit(window.limit).execute(),
		rankings.orderBy('rankings.created_at', 'desc').limit(window.limit).execute()
	]);
	return [
		...m.map((row) => ({
			kind: 'message' as const,
			at: row.created_at,
			messageId: row.id,
			treeId: row.tree_id,
			type: row.parent_id === null ? ('initial_prompt' as const) : (`${row.role}_reply` as const),
			text: row.text,
			status: messageStatus({
				reviewResult: row.review_result === null ? null : row.review_result === 1,
				deleted: row.deleted === 1
			}),
			late: row.late === 1,
			rankPlace: row.rank === null ? null : row.rank + 1,
			treeState: row.tree_state as TreeState
		})),
		...r.map((row) => ({
			kind: 'review' as const,
			at: row.created_at,
			messageId: row.message_id,
			treeId: row.tree_id,
			messagePreview: preview(row.text),
			form: row.form,
			labels: JSON.parse(row.labels) as LabelValues,
			late: row.late === 1
		})),
		...k.map((row) => ({
			kind: 'ranking' as const,
			at: row.created_at,
			parentId: row.parent_id,
			treeId: row.tree_id,
			type: row.task_type as RankTaskType,
			parentPreview: preview(row.text),
			ranking: row.ranking === null ? null : (JSON.parse(row.ranking) as string[]),
			late: row.late === 1,
			tau: row.tau
		}))
	];
}

const kindOrder = { message: 0, review: 1, ranking: 2 } as const;
const keyOf = (item: Item) => (item.kind === 'ranking' ? item.parentId : item.messageId);

function newestFirst(a: Item, b: Item): number {
	return (
		b.at - a.at ||
		kindOrder[a.kind] - kindOrder[b.kind] ||
		(keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)
	);
}

export async function contributionsOf(
	db: Kysely<Tables>,
	userId: string,
	{ limit, before }: { limit: number; before?: number }
): Promise<ContributionsResponse> {
	const fetched = (
		await fetchItems(db, userId, { before: before ?? null, at: null, limit: limit + 1 })
	).sort(newestFirst);
	let page: Item[];
	let nextBefore: number | null = null;
	if (fetched.length <= limit) {
		page = fetched;
	} else {
		// Cut before the last timestamp that may continue past the page…
		const boundary = fetched[limit - 1].at;
		page = fetched.filter((item) => item.at > boundary);
		nextBefore = boundary;
		if (page.length === 0) {
			// …unless it fills the whole page: then take every item of that timestamp.
			page = (await fetchItems(db, userId, { before: null, at: boundary, limit: 10_000 })).sort(
				newestFirst
			);
			const older = await fetchItems(db, userId, { before: boundary, at: null, limit: 1 });
			if (older.length === 0) nextBefore = null;
		} else {
			nextBefore = page.at(-1)!.at;
		}
	}

	const messageIds = [...new Set(page.map(keyOf))];
	const awards =
		messageIds.length === 0
			? []
			: await db
					.selectFrom('awards')
					.select(['kind', 'message_id', 'points'])
					.where('user_id', '=', userId)
					.where('message_id', 'in', messageIds)
					.execute();
	const pointsFor = (item: Item): number => {
		const kinds =
			item.kind === 'message'
				? ['wrote', 'accepted', 'reply_ranked']
				: item.kind === 'review'
					? ['labelled']
					: ['ranked'];
		return roundPoints(
			awards
				.filter((a) => a.message_id === keyOf(item) && kinds.includes(a.kind))
				.reduce((sum, a) => sum + a.points, 0)
		);
	};
	return {
		items: page.map((item) => ({ ...item, points: pointsFor(item) }) as Contribution),
		nextBefore
	};
}
