// Sync on the wire (docs/architecture.md, "Sync protocol"): push of outbox mutations, pull by
// cursor, and task leases for offline work. Browser-safe: zod only, no I/O.
//
// Guarantees, in the words the server code uses:
// 1. Each client numbers its mutations 1, 2, 3 … (`seq`) and pushes them in that order.
// 2. In one database transaction the server skips every `seq ≤ lastSeq(clientId)`, applies the
//    rest in order, records each as applied or rejected, and advances `lastSeq`.
// 3. A mutation that is invalid (unknown name, bad arguments, refused by the tree rules) is
//    still processed: it is rejected with `{seq, code, message}` and never blocks the queue.
// 4. A push whose first new `seq` is not `lastSeq + 1` (a gap: entries were lost on the
//    client) is refused whole with 409 and applies nothing; the client pulls to learn
//    `lastSeq` and resends from `lastSeq + 1`.
// 5. Retrying a push is always safe: entries already processed are answered from the log
//    exactly as the first time, never applied again.
// 6. Pull returns `lastSeq`; the client deletes outbox rows up to it.
import { z } from 'zod';
import { donateChatSchema, withdrawDonationSchema } from './donations';
import { roleSchema } from './identity';
import {
	skipSchema,
	taskRequestTypeSchema,
	taskResultSchema,
	taskSchema,
	TEXT_BODY_CEILING,
	textTaskTypes
} from './tasks';
import {
	entityIdSchema,
	langSchema,
	messageRoleSchema,
	messageStatusSchema,
	treeStateSchema
} from './trees';

/** A topic tag such as `cooking` or `rust`; trees carry the tags of their initial prompt. */
export const tagSchema = z
	.string()
	.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 lowercase letters, digits or "-"');
export const MAX_TAGS = 5;
export const tagsSchema = z
	.array(tagSchema)
	.max(MAX_TAGS, `must have at most ${MAX_TAGS} tags`)
	.refine((tags) => new Set(tags).size === tags.length, 'must not repeat a tag');

const textSchema = z
	.string()
	.max(TEXT_BODY_CEILING)
	.refine((text) => text.trim().length > 0, 'must not be empty');

/** Arguments of every mutation a client may push, by name. */
export const mutationArgsSchemas = {
	/** The result of a leased task: a text, a ranking, labels, or a skip. */
	submit_task_result: taskResultSchema,
	skip_task: skipSchema,
	/**
	 * Hands a leased task back, unstarted and without a reason: the lease ends and the work goes
	 * back to the pool (unlike a skip, it may be offered to this contributor again).
	 */
	release_task: z.object({ taskId: entityIdSchema }),
	/** A new initial prompt written without a task (the prompt lottery decides when it grows). */
	create_initial_prompt: z.object({
		text: textSchema,
		lang: langSchema,
		tags: tagsSchema.optional()
	}),
	/** An author changes their own message, allowed until its first review arrives. */
	edit_message: z.object({ messageId: entityIdSchema, text: textSchema }),
	/** A red flag: enough of them delete a reply and its subtree. */
	flag_message: z.object({
		messageId: entityIdSchema,
		reason: z.string().trim().max(500).optional()
	}),
	/** A chat the person shared from their device: a new tree of synthetic replies, in review. */
	donate_chat: donateChatSchema,
	/** Takes a donated chat back: its texts are erased and it is never exported again. */
	withdraw_donation: withdrawDonationSchema
} as const;
export type MutationName = keyof typeof mutationArgsSchemas;
export const mutationNames = Object.keys(mutationArgsSchemas) as MutationName[];
export type MutationArgs<N extends MutationName> = z.infer<(typeof mutationArgsSchemas)[N]>;

export function isMutationName(name: string): name is MutationName {
	return Object.hasOwn(mutationArgsSchemas, name);
}

export const MAX_MUTATIONS_PER_PUSH = 100;

/**
 * One outbox entry. `name` and `args` are checked per mutation when it is applied (an unknown
 * name or bad arguments reject that entry only), so they are loose here.
 */
export const mutationSchema = z.object({
	seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
	name: z.string().min(1).max(64),
	args: z.unknown()
});
export type Mutation = z.infer<typeof mutationSchema>;

export const pushRequestSchema = z
	.object({
		clientId: entityIdSchema,
		mutations: z
			.array(mutationSchema)
			.min(1, 'must hold at least one mutation')
			.max(MAX_MUTATIONS_PER_PUSH, `must hold at most ${MAX_MUTATIONS_PER_PUSH} mutations`)
	})
	.superRefine((push, ctx) => {
		push.mutations.forEach((m, i) => {
			if (i > 0 && m.seq !== push.mutations[i - 1].seq + 1) {
				ctx.addIssue({
					code: 'custom',
					path: ['mutations', i, 'seq'],
					message: `must be ${push.mutations[i - 1].seq + 1}: seqs in a push are consecutive`
				});
			}
		});
	});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** What applying a mutation produced, when it created something. */
export const mutationResultSchema = z.object({ messageId: entityIdSchema.optional() });

export const mutationOutcomeSchema = z.discriminatedUnion('status', [
	z.object({
		seq: z.number().int(),
		status: z.literal('applied'),
		result: mutationResultSchema
	}),
	z.object({
		seq: z.number().int(),
		status: z.literal('rejected'),
		/** Stable, e.g. `invalid_args`, `duplicate_text`, `tree_closed`, `lease_not_found`. */
		code: z.string(),
		/** For the contributor, in plain words. */
		message: z.string()
	})
]);
export type MutationOutcome = z.infer<typeof mutationOutcomeSchema>;

export const pushResponseSchema = z.object({
	lastSeq: z.number().int().min(0),
	/** One per pushed mutation, in order; entries processed before are answered from the log. */
	results: z.array(mutationOutcomeSchema)
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

/** A task held by this client, with what the server knows about the lease. */
export const leasedTaskSchema = z.object({
	task: taskSchema,
	leasedAt: z.number().int(),
	/** After this the work may be handed to someone else, but is still accepted while valid. */
	expiresAt: z.number().int(),
	tags: z.array(tagSchema)
});
export type LeasedTask = z.infer<typeof leasedTaskSchema>;

export const MAX_LEASE_COUNT = 100;

export const leaseRequestSchema = z.object({
	clientId: entityIdSchema,
	/** Tasks wanted; the server hands out at most the client's free slots (20 by default). */
	count: z.number().int().min(1).max(MAX_LEASE_COUNT),
	lang: langSchema,
	type: taskRequestTypeSchema.default('random'),
	/** Only trees carrying at least one of these tags (a new-prompt task takes them along). */
	tags: tagsSchema.optional()
});
export type LeaseRequest = z.input<typeof leaseRequestSchema>;

export const leaseResponseSchema = z.object({ tasks: z.array(leasedTaskSchema) });
export type LeaseResponse = z.infer<typeof leaseResponseSchema>;

export const taskRequestSchema = leaseRequestSchema.omit({ count: true });
export type TaskRequest = z.input<typeof taskRequestSchema>;

export const taskResponseSchema = z.object({ task: leasedTaskSchema.nullable() });
export type TaskResponse = z.infer<typeof taskResponseSchema>;

export const pullRequestSchema = z.object({
	clientId: entityIdSchema,
	/** From the previous pull; null (or one from another account) starts from the beginning. */
	cursor: z.string().max(200).nullable()
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

/** The server's view of a message the user wrote. */
export const ownMessageSchema = z.object({
	id: entityIdSchema,
	treeId: entityIdSchema,
	parentId: entityIdSchema.nullable(),
	role: messageRoleSchema,
	type: z.enum(textTaskTypes),
	text: z.string(),
	lang: langSchema,
	status: messageStatusSchema,
	/** Arrived after its tree stopped growing: kept and exported, never reviewed or ranked. */
	late: z.boolean(),
	/** Consensus rank among its siblings once the tree was scored (0 is best). */
	rank: z.number().int().nullable(),
	treeState: treeStateSchema,
	/** Until the first review arrives the author may still edit it. */
	editable: z.boolean(),
	createdAt: z.number().int(),
	/** The task it answered, and the outbox entry that created it (for matching local drafts). */
	taskId: entityIdSchema.nullable(),
	clientId: entityIdSchema.nullable(),
	seq: z.number().int().nullable()
});
export type OwnMessage = z.infer<typeof ownMessageSchema>;

export const pointsSummarySchema = z.object({
	total: z.number(),
	day: z.number(),
	week: z.number(),
	month: z.number()
});
export type PointsSummary = z.infer<typeof pointsSummarySchema>;

export const MAX_PULL_MESSAGES = 500;

export const pullResponseSchema = z.object({
	lastSeq: z.number().int().min(0),
	cursor: z.string(),
	/** The user's messages that changed since the cursor, oldest change first. */
	messages: z.array(ownMessageSchema),
	/** More changed messages wait: pull again with the new cursor. */
	more: z.boolean(),
	/** Every open lease of this client (replaces the client's list). */
	leases: z.array(leasedTaskSchema),
	points: pointsSummarySchema,
	user: z.object({ displayName: z.string(), role: roleSchema, banned: z.boolean() })
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
