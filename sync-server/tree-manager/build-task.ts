// Turning a chosen offer into the task sent to the app: everything needed to do it offline —
// the conversation so far, the replies to rank (shuffled), the labels of the form.
import type { LabelForm } from '../../src/lib/protocol/labels';
import {
	isLabelTaskType,
	labelTargetOfTaskType,
	labelTaskLabels,
	type ConversationMessage,
	type Task,
	type TaskRequestType
} from '../../src/lib/protocol/tasks';
import type { TreeManagerConfig } from './config';
import { isAccepted } from './growth';
import type { TaskOffer } from './offers';
import { shuffled } from './random';
import type { Random } from '../../src/lib/shared/random';
import { childrenOf, pathTo, type TreeMessage, type TreeSnapshot } from './snapshot';

function conversationTo(tree: TreeSnapshot, id: string): ConversationMessage[] {
	return pathTo(tree, id).map(toConversationMessage);
}

function toConversationMessage(m: TreeMessage): ConversationMessage {
	return {
		id: m.id,
		role: m.role,
		text: m.text,
		lang: m.lang,
		...(m.toolSteps && { toolSteps: m.toolSteps })
	};
}

/**
 * Full or simple label form. A label task asked for by name is always full; one drawn for a
 * `random` request is full with the configured probability for its target (OA asked prompter
 * replies mostly in the simple form, to spend reviewers' time where it matters).
 */
export function chooseLabelForm(
	offer: TaskOffer,
	request: TaskRequestType,
	random: Random,
	config: TreeManagerConfig
): LabelForm {
	if (request !== 'random' || !isLabelTaskType(offer.type)) return 'full';
	const target = labelTargetOfTaskType[offer.type];
	return random() < config.fullLabelProbability[target] ? 'full' : 'simple';
}

export interface BuildOptions {
	taskId: string;
	/** For label tasks; see `chooseLabelForm`. */
	labelForm: LabelForm;
	/** Shuffles the replies of a rank task. */
	random: Random;
	/** A prompt idea shown with an initial-prompt task, if the operator has any. */
	hint?: string | null;
}

/** `tree` is the offer's tree (null for an initial-prompt offer). */
export function buildTask(
	offer: TaskOffer,
	tree: TreeSnapshot | null,
	options: BuildOptions
): Task {
	const base = { id: options.taskId, lang: offer.lang };
	if (offer.type === 'initial_prompt') {
		return { ...base, type: 'initial_prompt', hint: options.hint ?? null };
	}
	if (!tree || tree.id !== offer.treeId) {
		throw new Error(`buildTask: offer for tree ${offer.treeId} needs that tree's snapshot`);
	}
	const conversation = conversationTo(tree, offer.targetId);
	const inTree = { ...base, treeId: tree.id, conversation };
	switch (offer.type) {
		case 'prompter_reply':
		case 'assistant_reply':
			return { ...inTree, type: offer.type, parentId: offer.targetId };
		case 'sample_assistant_replies':
			return { ...inTree, type: offer.type, parentId: offer.targetId, k: offer.samples ?? 1 };
		case 'rank_prompter_replies':
		case 'rank_assistant_replies': {
			const replies = childrenOf(tree, offer.targetId).filter(isAccepted);
			return {
				...inTree,
				type: offer.type,
				parentId: offer.targetId,
				replies: shuffled(replies, options.random).map(toConversationMessage)
			};
		}
		case 'label_initial_prompt':
		case 'label_prompter_reply':
		case 'label_assistant_reply':
			return {
				...inTree,
				type: offer.type,
				messageId: offer.targetId,
				form: options.labelForm,
				...labelTaskLabels(offer.type, options.labelForm)
			};
	}
}
