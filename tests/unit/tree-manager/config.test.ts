import { describe, expect, it } from 'vitest';
import {
	defaultTreeManagerConfig,
	resolveTreeManagerConfig,
	TreeManagerConfigError
} from '../../../sync-server/tree-manager/config';

describe('tree manager configuration', () => {
	it('defaults to the numbers in docs/architecture.md, "Tree manager"', () => {
		const config = resolveTreeManagerConfig();
		expect(config).toEqual(defaultTreeManagerConfig);
		expect(config.review).toEqual({ requiredReviews: 3, acceptanceThreshold: 0.6 });
		expect(config.growth).toEqual({
			maxDepth: 4,
			maxAssistantReplies: 3,
			maxPrompterReplies: 1,
			goalTreeSize: 12
		});
		expect(config.taskWeights).toEqual({
			ranking: 10,
			labelReply: 5,
			labelPrompt: 5,
			reply: 2,
			initialPrompt: 0.01,
			sampleReplies: 0
		});
		expect(config.sampling).toEqual({ samplesPerTask: 2, maxSyntheticShare: 0.67 });
		expect(config.moderation).toEqual({ redFlags: 4, skipsToHalt: 25 });
		expect(config.leases).toEqual({
			maxPerClient: 20,
			maxPerUser: 60,
			durationMs: 48 * 3_600_000,
			visibleAfterExpiryMs: 7 * 24 * 3_600_000,
			candidateTreesPerState: 64
		});
		expect(config.text).toEqual({ maxChars: 2000, duplicateWindowMs: 2 * 3_600_000 });
		expect(config.points.replyRankedBonus).toEqual([9, 3, 1]);
		expect(config.streak.resetAfterMs).toBe(36 * 3_600_000);
	});

	it('lays a nested subset over the defaults', () => {
		const config = resolveTreeManagerConfig({
			growth: { goalTreeSize: 4 },
			points: { replyRankedBonus: [5] }
		});
		expect(config.growth).toEqual({ ...defaultTreeManagerConfig.growth, goalTreeSize: 4 });
		expect(config.points.replyRankedBonus).toEqual([5]);
		expect(config.review).toEqual(defaultTreeManagerConfig.review);
	});

	it("keeps a user's lease cap at three clients' worth unless it is set too", () => {
		expect(resolveTreeManagerConfig({ leases: { maxPerClient: 5 } }).leases).toMatchObject({
			maxPerClient: 5,
			maxPerUser: 15
		});
		expect(
			resolveTreeManagerConfig({ leases: { maxPerClient: 5, maxPerUser: 7 } }).leases
		).toMatchObject({ maxPerClient: 5, maxPerUser: 7 });
		expect(resolveTreeManagerConfig({ leases: { maxPerUser: 7 } }).leases).toMatchObject({
			maxPerClient: 20,
			maxPerUser: 7
		});
	});

	it('names each bad field, including typos', () => {
		const attempt = () =>
			resolveTreeManagerConfig({
				growth: { goalTreeSize: 0, maxDeph: 3 },
				loneReply: { preference: 1.5 }
			});
		expect(attempt).toThrow(TreeManagerConfigError);
		try {
			attempt();
		} catch (error) {
			const problems = (error as TreeManagerConfigError).problems;
			expect(problems).toHaveLength(3);
			expect(problems.some((p) => p.startsWith('growth.goalTreeSize:'))).toBe(true);
			expect(problems.some((p) => p.startsWith('growth.maxDeph:'))).toBe(true);
			expect(problems.some((p) => p.startsWith('loneReply.preference:'))).toBe(true);
		}
		expect(() => resolveTreeManagerConfig([])).toThrow(/must be an object/);
	});
});
