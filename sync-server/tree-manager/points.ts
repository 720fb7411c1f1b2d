// Points from the configured table: writing earns at once and again when the message is
// accepted; labels and rankings earn on submission; authors of replies the consensus ranks
// first, second and third get a bonus.
import type { LabelForm } from '../../src/lib/protocol/labels';
import type { TextTaskType } from '../../src/lib/protocol/tasks';
import type { TreeManagerConfig } from './config';
import { messageById, type TreeMessage, type TreeSnapshot } from './snapshot';
import type { TreeChange } from './state-machine';

export type PointEvent =
	| { kind: 'wrote'; type: TextTaskType }
	| { kind: 'accepted'; type: TextTaskType }
	| { kind: 'labelled'; form: LabelForm }
	| { kind: 'ranked' }
	| { kind: 'reply_ranked'; rank: number };

export function pointsFor(event: PointEvent, config: TreeManagerConfig): number {
	const p = config.points;
	switch (event.kind) {
		case 'wrote':
			return {
				initial_prompt: p.initialPrompt,
				prompter_reply: p.prompterReply,
				assistant_reply: p.assistantReply
			}[event.type];
		case 'accepted':
			return {
				initial_prompt: p.initialPromptAccepted,
				prompter_reply: p.prompterReplyAccepted,
				assistant_reply: p.assistantReplyAccepted
			}[event.type];
		case 'labelled':
			return event.form === 'full' ? p.labelFull : p.labelSimple;
		case 'ranked':
			return p.ranking;
		case 'reply_ranked':
			return p.replyRankedBonus[event.rank] ?? 0;
	}
}

export interface Award {
	userId: string;
	points: number;
	event: PointEvent;
	/** The message the points are for (the accepted or ranked one). */
	messageId: string;
}

export function textTaskTypeOf(message: TreeMessage): TextTaskType {
	return message.parentId === null ? 'initial_prompt' : `${message.role}_reply`;
}

/** A reply a model wrote (a donated chat's): accepting or ranking it is no one's work. */
function modelWritten(message: TreeMessage): boolean {
	return message.synthetic === true && message.role === 'assistant';
}

/** Points that a settlement's changes earn the authors of the messages concerned. */
export function awardsForChanges(
	tree: TreeSnapshot,
	changes: readonly TreeChange[],
	config: TreeManagerConfig
): Award[] {
	const awards: Award[] = [];
	const award = (message: TreeMessage, event: PointEvent) => {
		const points = pointsFor(event, config);
		if (points > 0 && !modelWritten(message))
			awards.push({ userId: message.authorId, points, event, messageId: message.id });
	};
	for (const change of changes) {
		if (change.kind === 'review' && change.result) {
			const message = messageById(tree, change.messageId)!;
			award(message, { kind: 'accepted', type: textTaskTypeOf(message) });
		} else if (change.kind === 'scored') {
			for (const { messageId, rank } of change.sets.flatMap((s) => s.ranks)) {
				if (rank !== null) award(messageById(tree, messageId)!, { kind: 'reply_ranked', rank });
			}
		}
	}
	return awards;
}

/** Sums points without the drift of adding tenths in binary floating point. */
export function sumPoints(values: Iterable<number>): number {
	let total = 0;
	for (const v of values) total += v;
	return Math.round(total * 1000) / 1000;
}
