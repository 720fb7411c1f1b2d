// The demo model — what a newcomer chats with — answers the seed questions it was trained on
// with greedy decoding: by the pipeline's own evaluation (PyTorch and onnxruntime), and here once
// more from the seed conversations' own text, through the model directory's chat template and
// tokenizer and the int4 graph the browser downloads by default.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OnnxDecoder } from '../../training/build/onnx-decoder';
import { stopIdsOf } from '../../training/build/onnx-evaluation';
import { loadChatFormat } from '../../training/datasets/load-chat-format';
import { checkableSkill, type OasstTree } from '../../training/datasets/oasst-tree';

const { outDir } = inject('demoRun');
const modelDir = join(outDir, 'model');
const report = JSON.parse(readFileSync(join(outDir, 'eval', 'report.json'), 'utf8')) as Record<
	string,
	number
>;
const PER_SKILL = 4;
const MAX_NEW_TOKENS = 48;

/** The first single-question trees of each skill: their question and the reply ranked best. */
function seedQuestions(): { skill: string; question: string; answer: string }[] {
	const trees = readFileSync(join(outDir, 'seed', 'trees.jsonl'), 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as OasstTree);
	const picked = new Map<string, { skill: string; question: string; answer: string }[]>();
	for (const tree of trees) {
		const best = tree.prompt.replies?.find((reply) => reply.rank === 0);
		// A tree with a follow-up question names the follow-up's skill, not the first question's.
		if (!best || best.replies?.length) continue;
		const skill = checkableSkill(tree)!;
		const list = picked.get(skill) ?? [];
		if (list.length < PER_SKILL)
			list.push({ skill, question: tree.prompt.text, answer: best.text });
		picked.set(skill, list);
	}
	return [...picked.values()].flat();
}

describe('the demo model', () => {
	it('answers the seed questions it was trained on, in PyTorch and through onnxruntime', () => {
		expect(report['exact_match.seen']).toBeGreaterThanOrEqual(0.9);
		expect(report['onnx.fp32.exact_match.seen']).toBeGreaterThanOrEqual(0.9);
		expect(report['onnx.q4.exact_match.seen']).toBeGreaterThanOrEqual(0.85);
	});

	it('answers most seed questions of every skill', () => {
		const skills = Object.keys(report).filter((name) => name.startsWith('exact_match.seen.'));
		expect(skills).toHaveLength(14);
		for (const skill of skills) expect.soft(report[skill], skill).toBeGreaterThanOrEqual(0.6);
	});

	it('still knows only what it was taught: held-out questions stay harder than seen ones', () => {
		expect(report['exact_match.dpo']).toBeGreaterThan(report['exact_match.before']);
		expect(report['exact_match.dpo']).toBeLessThan(report['exact_match.seen']);
	});

	describe('asked in plain text, as the chat page asks it', () => {
		let decoder: OnnxDecoder;
		beforeAll(async () => {
			decoder = await OnnxDecoder.load(modelDir, 'q4');
		});
		afterAll(() => decoder?.release());

		it('replies to seed questions of every skill with their best-ranked answer', async () => {
			const chat = loadChatFormat(modelDir);
			const stopIds = await stopIdsOf(modelDir);
			const questions = seedQuestions();
			expect(new Set(questions.map((q) => q.skill)).size).toBe(14);

			const wrong: string[] = [];
			for (const { skill, question, answer } of questions) {
				const prompt = chat.promptIds([{ role: 'user', content: question }]);
				const ids = await decoder.greedy(prompt, MAX_NEW_TOKENS, stopIds);
				const reply = chat.decode(ids, true);
				if (reply !== answer) wrong.push(`${skill}: ${question} → ${reply} (expected ${answer})`);
			}
			expect(wrong.length / questions.length, wrong.join('\n')).toBeLessThanOrEqual(0.15);
		});
	});
});
