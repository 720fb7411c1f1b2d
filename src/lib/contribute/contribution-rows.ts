// "My contributions": the server's list (with review status, ranks and points) joined with
// what this device queued and the server has not answered yet, or refused. Pure.
import type { StoredContribution } from '$lib/db/records/contribution';
import type { Contribution } from '$lib/protocol/points';
import type { TaskType } from '$lib/protocol/tasks';
import type { MessageStatus } from '$lib/protocol/trees';

export type RowTone = 'pending' | 'good' | 'bad' | 'neutral';

export interface ContributionRow {
	key: string;
	at: number;
	what: string;
	text: string;
	status: string;
	tone: RowTone;
	/** Why the server refused it, when it did. */
	reason: string | null;
	/** Null until the server has counted it. */
	points: number | null;
}

const typeNames: Readonly<Record<TaskType, string>> = {
	initial_prompt: 'Prompt',
	prompter_reply: 'User reply',
	assistant_reply: 'Assistant reply',
	rank_prompter_replies: 'Ranked user replies',
	rank_assistant_replies: 'Ranked assistant replies',
	label_initial_prompt: 'Labelled a prompt',
	label_prompter_reply: 'Labelled a user reply',
	label_assistant_reply: 'Labelled an assistant reply',
	sample_assistant_replies: 'Sampled model replies'
};

export function ordinal(n: number): string {
	const tens = n % 100;
	const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th');
	return `${n}${suffix}`;
}

function messageStatus(
	status: MessageStatus,
	rankPlace: number | null
): { status: string; tone: RowTone } {
	if (status === 'deleted') return { status: 'Deleted by moderation', tone: 'bad' };
	if (status === 'rejected') return { status: 'Rejected in review', tone: 'bad' };
	if (rankPlace !== null) return { status: `Ranked ${ordinal(rankPlace)}`, tone: 'good' };
	if (status === 'accepted') return { status: 'Accepted', tone: 'good' };
	return { status: 'In review', tone: 'neutral' };
}

function serverRow(item: Contribution): ContributionRow {
	switch (item.kind) {
		case 'message':
			return {
				key: `message:${item.messageId}`,
				at: item.at,
				what: typeNames[item.type] + (item.late ? ' (arrived late)' : ''),
				text: item.text,
				...messageStatus(item.status, item.rankPlace),
				reason: null,
				points: item.points
			};
		case 'review':
			return {
				key: `review:${item.messageId}`,
				at: item.at,
				what: item.form === 'full' ? 'Labelled a message (full form)' : 'Labelled a message',
				text: item.messagePreview,
				status: 'Counted',
				tone: 'good',
				reason: null,
				points: item.points
			};
		case 'ranking':
			return {
				key: `ranking:${item.parentId}`,
				at: item.at,
				what: typeNames[item.type],
				text: item.parentPreview,
				status:
					item.ranking === null
						? 'Marked not rankable'
						: item.tau === null
							? 'Waiting for consensus'
							: `Agreement with consensus τ = ${item.tau.toFixed(2)}`,
				tone: 'good',
				reason: null,
				points: item.points
			};
	}
}

function localKey(c: StoredContribution): string {
	switch (c.kind) {
		case 'message':
			return c.messageId ? `message:${c.messageId}` : `task:${c.taskId}`;
		case 'review':
			return `review:${c.targetId}`;
		case 'ranking':
			return `ranking:${c.targetId}`;
		case 'skip':
			return `skip:${c.taskId}`;
	}
}

function localRow(c: StoredContribution): ContributionRow {
	const what = c.kind === 'skip' ? `Skipped: ${typeNames[c.taskType]}` : typeNames[c.taskType];
	const row = { key: localKey(c), at: c.createdAt, what, text: c.summary, points: null };
	if (c.state === 'pending') {
		return { ...row, status: 'Waiting to sync', tone: 'pending', reason: null };
	}
	if (c.state === 'rejected') {
		return {
			...row,
			status: 'Refused by the server',
			tone: 'bad',
			reason: c.rejection?.message ?? null
		};
	}
	if (c.kind === 'message' && c.status) {
		const rankPlace = c.rank === null ? null : c.rank + 1;
		return { ...row, ...messageStatus(c.status, rankPlace), reason: null };
	}
	return {
		...row,
		status: c.kind === 'skip' ? 'Skipped' : 'Synced',
		tone: 'neutral',
		reason: null
	};
}

/**
 * Newest first. With the server's list (`server` not null), it speaks for everything applied,
 * so only what is still waiting or was refused comes from the device (a skip that went through
 * earns nothing and is not work to look back on). Without it (offline), everything the device
 * knows is shown, with the statuses of the last pull.
 */
export function contributionRows(
	server: readonly Contribution[] | null,
	local: readonly StoredContribution[]
): ContributionRow[] {
	const rows = (server ?? []).map(serverRow);
	const covered = new Set(rows.map((r) => r.key));
	for (const c of local) {
		if (server !== null && c.state === 'applied') continue;
		const row = localRow(c);
		if (!covered.has(row.key)) rows.push(row);
	}
	return rows.sort((a, b) => b.at - a.at);
}
