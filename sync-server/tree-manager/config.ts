// Every number of the tree manager in one object (docs/architecture.md, "Tree manager"), with
// OpenAssistant's defaults. Operators override any subset (from a JSON file or the
// environment); tests shrink trees to a few messages. Unknown keys are errors, so a typo in an
// operator's file is reported instead of silently ignored.
import { z } from 'zod';
import { labelTargets } from '../../src/lib/protocol/labels';
import { MAX_SAMPLES } from '../../src/lib/protocol/tasks';
import { zodProblems } from '../../src/lib/shared/zod-issues';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const count = z.number().int().min(0);
const positiveCount = z.number().int().min(1);
const probability = z.number().min(0).max(1);
const weight = z.number().min(0);
const points = z.number().min(0);
const durationMs = z.number().int().min(1);

export const treeManagerConfigSchema = z.strictObject({
	review: z.strictObject({
		/** Label reviews a message needs before it is accepted or rejected. */
		requiredReviews: positiveCount,
		/** Accepted when 1 − (mean spam + mean lang_mismatch) is above this. */
		acceptanceThreshold: z.number().min(-1).max(1)
	}),
	growth: z.strictObject({
		/** Levels of messages counting the initial prompt: 4 means prompt + 3 reply levels. */
		maxDepth: z.number().int().min(1),
		/** Assistant replies wanted per prompter message. */
		maxAssistantReplies: positiveCount,
		/** Prompter replies wanted per assistant message. */
		maxPrompterReplies: positiveCount,
		/** Accepted (or in-review) messages after which a tree moves on to ranking. */
		goalTreeSize: positiveCount
	}),
	ranking: z.strictObject({
		/** Rankings every member of a sibling set must appear in. */
		requiredRankings: positiveCount,
		/** OpenAssistant could switch off ranking prompter replies; we rank every sibling set. */
		rankPrompterReplies: z.boolean(),
		/**
		 * Share of ranking tasks drawn uniformly among the eligible sibling sets; the rest go to
		 * the set the trainer's reward model is least sure of (ranking-priority.ts).
		 */
		randomShare: probability
	}),
	/** Relative weights of the task categories for a `random` request. */
	taskWeights: z.strictObject({
		ranking: weight,
		labelReply: weight,
		labelPrompt: weight,
		reply: weight,
		initialPrompt: weight,
		/**
		 * Replies sampled on the contributor's device; 0 by default, since only a device holding a
		 * model can do them: the app asks for them by name.
		 */
		sampleReplies: weight
	}),
	sampling: z.strictObject({
		/** Replies one sampling task asks the device for (fewer where fewer are wanted). */
		samplesPerTask: z.number().int().min(1).max(MAX_SAMPLES),
		/**
		 * The largest share of a prompter message's assistant replies that may be model samples
		 * (of `maxAssistantReplies`, rounded down): people's answers keep their place in every set.
		 */
		maxSyntheticShare: probability
	}),
	loneReply: z.strictObject({
		/** Probability of giving a prompter message with too few replies another one first. */
		preference: probability,
		/** A prompter message with at least 1 and fewer than this many replies is "lone". */
		siblingsBelow: positiveCount
	}),
	/** Probability that a label task handed out for a random request uses the full form. */
	fullLabelProbability: z.strictObject(
		Object.fromEntries(labelTargets.map((t) => [t, probability])) as Record<
			(typeof labelTargets)[number],
			typeof probability
		>
	),
	moderation: z.strictObject({
		/** Red flags that delete a reply and its subtree (or abort the tree of a prompt). */
		redFlags: positiveCount,
		/** Skips of replying to one message that halt its tree. */
		skipsToHalt: positiveCount
	}),
	leases: z.strictObject({
		/** Tasks one client may hold for offline work. */
		maxPerClient: positiveCount,
		/** Open, unexpired leases one user may hold across all their devices (default 3 clients' worth). */
		maxPerUser: positiveCount,
		durationMs,
		/** Expired open leases are still listed by pull this long (work on them is accepted). */
		visibleAfterExpiryMs: durationMs,
		/**
		 * Trees of each active state sampled for one task request: the task choice runs over
		 * these, so a request costs the same with 100 or 100,000 trees.
		 */
		candidateTreesPerState: positiveCount
	}),
	text: z.strictObject({
		/** Characters (Unicode code points) a written message may have. */
		maxChars: positiveCount,
		/** The same text from the same user within this window is refused. */
		duplicateWindowMs: durationMs
	}),
	points: z.strictObject({
		initialPrompt: points,
		initialPromptAccepted: points,
		prompterReply: points,
		prompterReplyAccepted: points,
		assistantReply: points,
		assistantReplyAccepted: points,
		labelSimple: points,
		labelFull: points,
		ranking: points,
		/** Bonus for the author of the reply ranked first, second, third … by consensus. */
		replyRankedBonus: z.array(points)
	}),
	streak: z.strictObject({
		/** A daily streak ends when the contributor has been idle this long. */
		resetAfterMs: durationMs
	}),
	leaderboard: z.strictObject({
		dayMs: durationMs,
		weekMs: durationMs,
		monthMs: durationMs
	}),
	lottery: z.strictObject({
		/** Trees growing at once per language; the lottery activates waiting prompts up to it. */
		maxActiveTrees: count,
		/** New prompts in review per language beyond which no initial-prompt tasks are offered. */
		maxInitialPromptReview: count,
		/** Waiting prompts per language beyond which no initial-prompt tasks are offered. */
		maxWaiting: count,
		/** Trees one lottery run activates at most, so a raised limit fills up gradually. */
		maxActivationsPerRun: positiveCount
	})
});

export type TreeManagerConfig = z.infer<typeof treeManagerConfigSchema>;

export const defaultTreeManagerConfig: TreeManagerConfig = {
	review: { requiredReviews: 3, acceptanceThreshold: 0.6 },
	growth: { maxDepth: 4, maxAssistantReplies: 3, maxPrompterReplies: 1, goalTreeSize: 12 },
	ranking: { requiredRankings: 3, rankPrompterReplies: true, randomShare: 0.2 },
	taskWeights: {
		ranking: 10,
		labelReply: 5,
		labelPrompt: 5,
		reply: 2,
		initialPrompt: 0.01,
		sampleReplies: 0
	},
	sampling: { samplesPerTask: 2, maxSyntheticShare: 0.67 },
	loneReply: { preference: 0.75, siblingsBelow: 2 },
	fullLabelProbability: { initial_prompt: 1, prompter_reply: 0.25, assistant_reply: 1 },
	moderation: { redFlags: 4, skipsToHalt: 25 },
	leases: {
		maxPerClient: 20,
		maxPerUser: 60,
		durationMs: 48 * HOUR,
		visibleAfterExpiryMs: 7 * DAY,
		candidateTreesPerState: 64
	},
	text: { maxChars: 2000, duplicateWindowMs: 2 * HOUR },
	points: {
		initialPrompt: 0.1,
		initialPromptAccepted: 0.1,
		prompterReply: 1,
		prompterReplyAccepted: 1,
		assistantReply: 4,
		assistantReplyAccepted: 4,
		labelSimple: 1,
		labelFull: 2,
		ranking: 1,
		replyRankedBonus: [9, 3, 1]
	},
	streak: { resetAfterMs: 36 * HOUR },
	leaderboard: { dayMs: DAY, weekMs: 7 * DAY, monthMs: 30 * DAY },
	lottery: {
		maxActiveTrees: 10,
		maxInitialPromptReview: 100,
		maxWaiting: 250,
		maxActivationsPerRun: 2
	}
};

export class TreeManagerConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`invalid tree manager configuration: ${problems.join('; ')}`);
		this.name = 'TreeManagerConfigError';
	}
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Objects merge key by key; anything else (numbers, arrays such as the ranked bonus) replaces.
function mergeOver(base: unknown, override: unknown): unknown {
	if (!isPlainObject(base) || !isPlainObject(override)) return override;
	const merged: Record<string, unknown> = { ...base };
	for (const [key, value] of Object.entries(override)) {
		merged[key] = key in base ? mergeOver(base[key], value) : value;
	}
	return merged;
}

// A user's lease cap follows a changed per-client cap (three clients' worth) unless it is set too.
function withPerUserCap(overrides: Record<string, unknown>): Record<string, unknown> {
	const leases = overrides.leases;
	if (!isPlainObject(leases) || 'maxPerUser' in leases) return overrides;
	if (typeof leases.maxPerClient !== 'number') return overrides;
	return { ...overrides, leases: { ...leases, maxPerUser: 3 * leases.maxPerClient } };
}

/**
 * The defaults with `overrides` (any nested subset, e.g. `{ growth: { goalTreeSize: 4 } }`)
 * laid over them, validated. Throws `TreeManagerConfigError` naming each bad field.
 */
export function resolveTreeManagerConfig(overrides: unknown = {}): TreeManagerConfig {
	if (!isPlainObject(overrides)) {
		throw new TreeManagerConfigError(['the overrides must be an object']);
	}
	const result = treeManagerConfigSchema.safeParse(
		mergeOver(defaultTreeManagerConfig, withPerUserCap(overrides))
	);
	if (!result.success) {
		throw new TreeManagerConfigError(zodProblems(result.error));
	}
	return result.data;
}
