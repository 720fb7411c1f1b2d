// Applying one pushed mutation: its name picks the handler, its arguments are checked by that
// mutation's schema, and whatever refuses it (an unknown name, bad arguments, the tree rules)
// becomes a rejection with a code and a readable reason.
import { summariseIssues } from '../../src/lib/protocol/errors';
import { zodIssues } from '../../src/lib/shared/zod-issues';
import {
	isMutationName,
	mutationArgsSchemas,
	type MutationArgs,
	type MutationName
} from '../../src/lib/protocol/sync';
import { donateChat } from '../donations/donate-chat';
import { withdrawDonation } from '../donations/withdraw-donation';
import { editMessage } from '../tasks/edit-message';
import { flagMessage } from '../tasks/flag-message';
import { releaseTask } from '../tasks/release-task';
import { skipTask } from '../tasks/skip-task';
import { submitSamples } from '../tasks/submit-samples';
import { submitLabels } from '../tasks/submit-labels';
import { submitRanking } from '../tasks/submit-ranking';
import { createInitialPrompt, submitText } from '../tasks/submit-text';
import { reject, type MutationContext, type MutationResult } from '../tasks/mutation-context';

type Handlers = {
	[N in MutationName]: (ctx: MutationContext, args: MutationArgs<N>) => Promise<MutationResult>;
};

const handlers: Handlers = {
	submit_task_result: (ctx, result) => {
		switch (result.type) {
			case 'initial_prompt':
			case 'prompter_reply':
			case 'assistant_reply':
				return submitText(ctx, result);
			case 'rank_prompter_replies':
			case 'rank_assistant_replies':
				return submitRanking(ctx, result);
			case 'label_initial_prompt':
			case 'label_prompter_reply':
			case 'label_assistant_reply':
				return submitLabels(ctx, result);
			case 'sample_assistant_replies':
				return submitSamples(ctx, result);
			case 'skip':
				return skipTask(ctx, result);
		}
	},
	skip_task: skipTask,
	release_task: releaseTask,
	create_initial_prompt: createInitialPrompt,
	edit_message: editMessage,
	flag_message: flagMessage,
	donate_chat: donateChat,
	withdraw_donation: withdrawDonation
};

export async function applyMutation(
	ctx: MutationContext,
	name: string,
	args: unknown
): Promise<MutationResult> {
	if (!isMutationName(name)) {
		reject('unknown_mutation', `This server does not know the mutation "${name}".`);
	}
	const parsed = mutationArgsSchemas[name].safeParse(args);
	if (!parsed.success) {
		reject('invalid_args', summariseIssues(zodIssues(parsed.error, 'args')));
	}
	const handler = handlers[name] as (
		ctx: MutationContext,
		args: unknown
	) => Promise<MutationResult>;
	return handler(ctx, parsed.data);
}
