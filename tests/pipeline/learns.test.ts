// The pipeline learns: figures of the ci run's evaluation report (training/out/ci/eval/report.json),
// held to the bars of issue 3.
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { toolSkills } from '../../training/seed/skills/tool-skills';

const { outDir } = inject('ciRun');
const report = JSON.parse(readFileSync(`${outDir}/eval/report.json`, 'utf8')) as Record<
	string,
	number
>;

describe('the ci pipeline run', () => {
	it('lowers held-out perplexity on assistant tokens with SFT', () => {
		expect(report['sft.val_ppl']).toBeLessThan(report['sft.val_ppl_before'] / 2);
	});

	it('trains a reward model that orders held-out ranked replies correctly more than 80% of the time', () => {
		expect(report['rm.pairwise_accuracy']).toBeGreaterThan(0.8);
	});

	it('raises preference accuracy with DPO above the SFT policy it started from', () => {
		expect(report['dpo.preference_accuracy']).toBeGreaterThan(report['sft.preference_accuracy']);
		expect(report['dpo.implicit_reward_accuracy']).toBeGreaterThan(0.5);
	});

	it('answers more held-out questions exactly after SFT than before', () => {
		expect(report['exact_match.sft']).toBeGreaterThan(report['exact_match.before']);
	});

	it('grades each tool skill with and without tools, in PyTorch and through both ONNX graphs', () => {
		// The ci model is too small to learn them: the figures must exist, not be high.
		const counts = report['tool_eval_counts'] as unknown as Record<string, number>;
		for (const { name } of toolSkills) {
			expect(counts[name], name).toBeGreaterThan(0);
			for (const prefix of ['exact_match', 'onnx.fp32.exact_match', 'onnx.q4.exact_match'])
				for (const mode of ['tools', 'no_tools']) {
					const figure = report[`${prefix}.${mode}.${name}`];
					expect(figure, `${prefix}.${mode}.${name}`).toBeGreaterThanOrEqual(0);
					expect(figure, `${prefix}.${mode}.${name}`).toBeLessThanOrEqual(1);
				}
		}
		// The baseline beside them: held-out multiplication, answered without tools.
		expect(report['exact_match.dpo.multiplication']).toBeGreaterThanOrEqual(0);
	});

	it('records how each ONNX greedy reply ended: its stop token, or the token budget', () => {
		const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
		const budget: number = config.eval?.max_new_tokens ?? 48;
		type Greedy = { output_ids: number[]; finish_reason: string };
		const greedy = report['onnx.q4.greedy'] as unknown as Greedy[];
		expect(greedy.length).toBeGreaterThan(0);
		for (const { output_ids, finish_reason } of greedy) {
			if (finish_reason === 'length') expect(output_ids).toHaveLength(budget);
			else expect(finish_reason).toBe('stop');
		}
		// The ci model ends most of its replies itself.
		const stopped = greedy.filter((g) => g.finish_reason === 'stop').length;
		expect(stopped).toBeGreaterThan(greedy.length / 2);
	});
});
