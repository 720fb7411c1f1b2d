// The held-out files the ONNX evaluation reads (shapes in training/README.md), each line
// validated so a bad one stops with its file and line number.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** The report entry `{group: number of held-out questions}` for the grouped figures. */
export const EVAL_COUNTS = 'onnx.eval_counts';

const tokenIds = z.array(z.number().int().nonnegative());

export const sftLineSchema = z
	.object({
		tree_id: z.string(),
		input_ids: tokenIds,
		loss_mask: z.array(z.union([z.literal(0), z.literal(1)]))
	})
	.refine((line) => line.input_ids.length === line.loss_mask.length, {
		message: 'loss_mask must be as long as input_ids'
	});
export type SftLine = z.infer<typeof sftLineSchema>;

export const evalLineSchema = z.object({
	tree_id: z.string(),
	prompt_ids: tokenIds.min(1),
	answer: z.string()
});
export type EvalLine = z.infer<typeof evalLineSchema>;

/** A held-out question whose best reply used tools (eval.tools.jsonl): asked without tools as an
 * eval line, and with them stage by stage (training/datasets/tool-eval.ts). */
export const toolLineSchema = evalLineSchema.extend({
	skill: z.string(),
	tool_stages: z
		.array(
			z.object({
				prompt_ids: tokenIds.min(1),
				answer: z.string(),
				max_new_tokens: z.number().int().positive()
			})
		)
		.min(1)
});
export type ToolLine = z.infer<typeof toolLineSchema>;

export async function readJsonl<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new Error(`${path}: cannot read (${(error as Error).message})`, { cause: error });
	}
	const rows: T[] = [];
	text.split('\n').forEach((line, index) => {
		if (!line.trim()) return;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch (error) {
			throw new Error(`${path}:${index + 1}: not valid JSON (${(error as Error).message})`, {
				cause: error
			});
		}
		const parsed = schema.safeParse(value);
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
			throw new Error(`${path}:${index + 1}: ${field}${issue.message}`);
		}
		rows.push(parsed.data);
	});
	return rows;
}
