// The lease a submission refers to. Work is accepted on an expired lease (the tree rules decide
// whether its target is still valid); it is refused on a lease that is someone else's, already
// finished, handed back, or taken back by a moderator.
import type { Selectable } from 'kysely';
import type {
	InitialPromptTask,
	LabelTask,
	RankTask,
	RankTaskType,
	ReplyTask,
	SampleTask,
	Task,
	TaskType
} from '../../src/lib/protocol/tasks';
import type { LeasesTable, LeaseStatus } from '../db/schema';
import { reject, type MutationContext } from './mutation-context';

export interface Lease {
	row: Selectable<LeasesTable>;
	task: Task;
}

export async function takeLease(ctx: MutationContext, taskId: string): Promise<Lease> {
	const row = await ctx.session.trx
		.selectFrom('leases')
		.selectAll()
		.where('id', '=', taskId)
		.executeTakeFirst();
	if (!row || row.user_id !== ctx.caller.userId) {
		reject('lease_not_found', `You hold no task ${taskId}.`);
	}
	if (row.status === 'released') {
		reject('lease_released', 'This task was handed back, or withdrawn by a moderator.');
	}
	if (row.status !== 'open') {
		reject(
			'lease_finished',
			`This task was already ${row.status === 'done' ? 'done' : 'skipped'}.`
		);
	}
	return { row, task: JSON.parse(row.task) as Task };
}

type TaskOfType<T extends TaskType> = T extends 'initial_prompt'
	? InitialPromptTask
	: T extends 'prompter_reply' | 'assistant_reply'
		? ReplyTask
		: T extends RankTaskType
			? RankTask
			: T extends 'sample_assistant_replies'
				? SampleTask
				: LabelTask;

/** The leased task, which must be of the type the submission says it answers. */
export function taskOfType<T extends TaskType>(lease: Lease, submitted: T): TaskOfType<T> {
	if (lease.task.type !== submitted) {
		reject(
			'wrong_task_type',
			`Task ${lease.task.id} is a ${lease.task.type} task, not ${submitted}.`
		);
	}
	return lease.task as TaskOfType<T>;
}

export async function finishLease(
	ctx: MutationContext,
	lease: Lease,
	status: Exclude<LeaseStatus, 'open'>
): Promise<void> {
	await ctx.session.trx
		.updateTable('leases')
		.set({ status, finished_at: ctx.session.now })
		.where('id', '=', lease.row.id)
		.execute();
}
