// The shape of training/configs/<name>.json, shared by every TypeScript stage. The Python
// trainer reads the same file; a key added here must be added there (and the reverse).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { zodProblems } from '../../src/lib/shared/zod-issues';
import { DEFAULT_MIXTURE } from '../datasets/build';

const positiveInt = z.number().int().positive();

/** The release gate's tolerances when a config names none (training/gate/). */
export const DEFAULT_GATE = {
	exact_match_drop: 0.02,
	skill_drop: 0.1,
	min_skill_questions: 20,
	ppl_rise: 0.05,
	min_win_rate: 0.4,
	min_rm_accuracy: 0.55
};

const optimizerStep = z.strictObject({
	steps: positiveInt,
	batch_size: positiveInt,
	grad_accum: positiveInt,
	lr: z.number().positive(),
	warmup: z.number().int().nonnegative(),
	weight_decay: z.number().nonnegative(),
	// Fine-tune only the top k transformer layers (training/trainer/freeze.py).
	trainable_layers: positiveInt.optional()
});

/** The objectives that make the published policy from the sft one, in the order they run. */
export const POLICY_OBJECTIVES = ['dpo', 'rloo'] as const;
export type PolicyObjective = (typeof POLICY_OBJECTIVES)[number];

const configFields = z.strictObject({
	name: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and dashes'),
	model_name: z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and dashes'),
	seed: z.number().int().nonnegative(),
	threads: positiveInt,
	// Mixed precision where the hardware has native bf16 (training/trainer/precision.py).
	precision: z.enum(['fp32', 'bf16']).optional(),
	seed_trees: positiveInt,
	// Conversations that start with a question of a tool skill, on top of seed_trees
	// (training/seed/tool-trees.ts).
	tool_seed_trees: z.number().int().nonnegative().default(0),
	val_fraction: z.number().gt(0).lt(1),
	tokenizer: z.string().min(1),
	model: z.strictObject({
		hidden_size: positiveInt,
		intermediate_size: positiveInt,
		num_hidden_layers: positiveInt,
		num_attention_heads: positiveInt,
		num_key_value_heads: positiveInt,
		max_position_embeddings: positiveInt,
		rope_theta: z.number().positive(),
		rms_norm_eps: z.number().positive(),
		tie_word_embeddings: z.boolean()
	}),
	sft: optimizerStep,
	rm: optimizerStep,
	dpo: optimizerStep.extend({ beta: z.number().positive() }),
	// REINFORCE with a leave-one-out baseline on the reward model (training/trainer/rloo.py):
	// batch_size counts prompts, each with k sampled replies.
	rloo: optimizerStep
		.extend({
			k: z.number().int().min(2),
			kl_coef: z.number().nonnegative(),
			temperature: z.number().positive(),
			max_new_tokens: positiveInt
		})
		.optional(),
	// Which objectives train the published policy after sft, in this order; rloo after dpo starts
	// from the DPO policy. The last one's checkpoint is built and published.
	policy: z
		.array(z.enum(POLICY_OBJECTIVES))
		.min(1)
		.refine(
			(policy) =>
				policy.every(
					(objective, i) =>
						i === 0 ||
						POLICY_OBJECTIVES.indexOf(policy[i - 1]) < POLICY_OBJECTIVES.indexOf(objective)
				),
			`list ${POLICY_OBJECTIVES.join(', ')} each at most once, in that order`
		)
		.default(['dpo']),
	eval: z.strictObject({ max_new_tokens: positiveInt }),
	// How an export's community trees mix with the seed trees (training/datasets/build.ts).
	mixture: z
		.strictObject({
			seed_share: z.number().min(0).lt(1),
			community_val_fraction: z.number().gt(0).lt(1)
		})
		.default(DEFAULT_MIXTURE),
	// How much worse than its parent a version may be and still be published (training/gate/).
	gate: z
		.strictObject({
			/** Overall held-out exact match may fall by this much (absolute). */
			exact_match_drop: z.number().min(0).max(1),
			/** Each skill's held-out exact match may fall by this much: fewer questions, more noise. */
			skill_drop: z.number().min(0).max(1),
			/** Skills with fewer held-out questions than this are not compared one by one. */
			min_skill_questions: z.number().int().nonnegative(),
			/** Held-out perplexity may rise by this share. */
			ppl_rise: z.number().min(0),
			/**
			 * The new policy's replies must win at least this share against the parent's, as this
			 * run's reward model judges them (a tie counts ½, so a policy against itself scores 0.5).
			 */
			min_win_rate: z.number().min(0).max(1).default(DEFAULT_GATE.min_win_rate),
			/** This run's reward model must order at least this share of held-out pairs right (chance is 0.5). */
			min_rm_accuracy: z.number().min(0).max(1).default(DEFAULT_GATE.min_rm_accuracy)
		})
		.default(DEFAULT_GATE)
});

export const pipelineConfigSchema = configFields.superRefine((config, context) => {
	if (config.policy.includes('rloo') && !config.rloo)
		context.addIssue({
			code: 'custom',
			path: ['rloo'],
			message: 'the policy runs rloo: give its section'
		});
});

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type Gate = PipelineConfig['gate'];

/** Reads and validates a config file; the error names the file and every offending key. */
export function loadConfig(path: string): PipelineConfig {
	let raw: unknown;
	try {
		raw = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
	}
	const parsed = pipelineConfigSchema.safeParse(raw);
	if (!parsed.success) {
		throw new Error(`${path}: invalid config\n  ${zodProblems(parsed.error).join('\n  ')}`);
	}
	return parsed.data;
}

/** The objective whose checkpoint is the published policy: the last the config's policy runs. */
export function finalObjective(config: PipelineConfig): PolicyObjective {
	return config.policy[config.policy.length - 1];
}

/** Where a stage of this config writes: everything lives under training/out/<name>/. */
export function outDir(config: PipelineConfig, ...parts: string[]): string {
	return ['training', 'out', config.name, ...parts].join('/');
}
