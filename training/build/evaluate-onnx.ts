// Evaluates a built model directory through onnxruntime-node — the runtime family the browser
// uses — for the fp32 and int4 graphs, and merges the figures into the pipeline's report:
//   onnx.<variant>.val_ppl       perplexity on assistant tokens of sft.val.jsonl
//   onnx.<variant>.exact_match   greedy replies to eval.jsonl equal to their answers
//   onnx.<variant>.exact_match.seen  the same for eval.seen.jsonl (seed questions it trained on)
//   onnx.<variant>.exact_match.<skill>            eval.jsonl questions of one skill
//   onnx.<variant>.exact_match.variation.<kind>   eval.jsonl questions of one variation kind
//                                (later-turn, quotes, capitalisation, …: datasets/variations.ts)
//   onnx.<variant>.exact_match.tools.<skill>     eval.tools.jsonl questions of a tool skill asked
//                                with the tools: the call and then the answer, each exactly
//   onnx.<variant>.exact_match.no_tools.<skill>  the same questions without tools
//   onnx.eval_counts             {<skill> | variation.<kind> | tools.<skill> | no_tools.<skill>:
//                                questions} the figures above rest on
//   onnx.<variant>.greedy        [{tree_id, output, output_ids, finish_reason, correct}] — what
//                                the browser's own greedy decoding of the same prompt must
//                                reproduce; finish_reason `stop` or `length`, as the browser's
//   onnx.<variant>.greedy_same_as_torch  share of replies identical to the report's `greedy`
//
//   npx tsx training/build/evaluate-onnx.ts --model <model dir> --data <data dir>
//       --report <report.json> [--config <run config> (eval.max_new_tokens)]
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateOnnx, groupTable, isGroupFigure } from './onnx-evaluation';

const DEFAULT_MAX_NEW_TOKENS = 48;

async function readReport(path: string): Promise<Record<string, unknown>> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
		throw error;
	}
	const report: unknown = JSON.parse(text);
	if (typeof report !== 'object' || report === null || Array.isArray(report)) {
		throw new Error(`${path}: existing report is not a JSON object`);
	}
	return report as Record<string, unknown>;
}

async function maxNewTokensOf(configPath: string | undefined): Promise<number> {
	if (!configPath) return DEFAULT_MAX_NEW_TOKENS;
	const value =
		JSON.parse(await readFile(configPath, 'utf8')).eval?.max_new_tokens ?? DEFAULT_MAX_NEW_TOKENS;
	if (!Number.isInteger(value) || value < 1) {
		throw new Error(
			`${configPath}: eval.max_new_tokens must be a positive integer, got ${JSON.stringify(value)}`
		);
	}
	return value;
}

async function main() {
	const { values } = parseArgs({
		options: {
			model: { type: 'string' },
			data: { type: 'string' },
			report: { type: 'string' },
			config: { type: 'string' }
		}
	});
	if (!values.model || !values.data || !values.report) {
		throw new Error(
			'usage: evaluate-onnx --model <model dir> --data <data dir> --report <report.json> [--config <c>]'
		);
	}
	const report = await readReport(values.report);
	const figures = await evaluateOnnx({
		model: values.model,
		data: values.data,
		maxNewTokens: await maxNewTokensOf(values.config),
		torchGreedy: Array.isArray(report.greedy) ? report.greedy : undefined
	});
	const temporary = `${values.report}.tmp-${randomBytes(6).toString('hex')}`;
	await writeFile(temporary, JSON.stringify({ ...report, ...figures }, null, 2) + '\n');
	await rename(temporary, values.report);
	for (const [name, value] of Object.entries(figures)) {
		if (typeof value === 'number' && !isGroupFigure(name, figures))
			console.log(`${name.padEnd(36)} ${value.toFixed(4)}`);
	}
	const table = groupTable(figures);
	if (table) {
		console.log(
			'\nheld-out exact match per skill and per variation kind (q4: the int4 graph the browser runs)'
		);
		console.log(table);
	}
	console.log(`wrote ${values.report}`);
}

main().catch((error: Error) => {
	console.error(`evaluate-onnx: ${error.message}`);
	process.exit(1);
});
