// Held-out questions answered with tools (eval.tools.jsonl), through onnxruntime as the browser
// runs the model: with the tools, every stage's greedy reply (to the recorded turns before it)
// must be the stage's expected turn, the call first, then the answer from the tool's result;
// without them, the reply to the question alone must be the final answer. Per skill:
//   onnx.<variant>.exact_match.tools.<skill>      onnx.<variant>.exact_match.no_tools.<skill>
import type { EvalLine, ToolLine } from './evaluation-data';

/** Greedy replies to `lines` within `maxNewTokens`, each graded against its answer. */
export type Answerer = (lines: EvalLine[], maxNewTokens: number) => Promise<{ correct: boolean }[]>;

/** The report groups (in onnx.eval_counts) of the tool skills, with their question counts. */
export function toolGroupCounts(lines: readonly ToolLine[]): [string, number][] {
	const counts = new Map<string, number>();
	for (const line of lines) counts.set(line.skill, (counts.get(line.skill) ?? 0) + 1);
	return [...counts]
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.flatMap(([skill, count]) => [
			[`tools.${skill}`, count],
			[`no_tools.${skill}`, count]
		]);
}

/** Exact match per tool skill, as the groups `tools.<skill>` and `no_tools.<skill>`. */
export async function toolExactMatch(
	lines: readonly ToolLine[],
	answer: Answerer,
	maxNewTokens: number
): Promise<Map<string, number>> {
	const withTools: boolean[] = [];
	for (const line of lines) {
		let right = true;
		for (const stage of line.tool_stages) {
			const [reply] = await answer([{ tree_id: line.tree_id, ...stage }], stage.max_new_tokens);
			right = reply.correct;
			if (!right) break;
		}
		withTools.push(right);
	}
	const without = await answer([...lines], maxNewTokens);
	const figures = new Map<string, number>();
	for (const skill of [...new Set(lines.map((line) => line.skill))].sort()) {
		const asked = lines.flatMap((line, i) => (line.skill === skill ? [i] : []));
		const share = (right: (i: number) => boolean) => asked.filter(right).length / asked.length;
		figures.set(
			`tools.${skill}`,
			share((i) => withTools[i])
		);
		figures.set(
			`no_tools.${skill}`,
			share((i) => without[i].correct)
		);
	}
	return figures;
}
