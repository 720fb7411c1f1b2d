// npx tsx training/build/cli.ts --checkpoint <dir> --tokenizer <dir> --out <model dir>
import { parseArgs } from 'node:util';
import { buildModelDir } from './model-dir';

const USAGE =
	'usage: build --checkpoint <checkpoint dir> --tokenizer <tokenizer dir> --out <model dir>';

async function main() {
	const { values } = parseArgs({
		options: {
			checkpoint: { type: 'string' },
			tokenizer: { type: 'string' },
			out: { type: 'string' }
		}
	});
	if (!values.checkpoint || !values.tokenizer || !values.out) throw new Error(USAGE);
	const started = performance.now();
	const result = await buildModelDir({
		checkpoint: values.checkpoint,
		tokenizer: values.tokenizer,
		out: values.out
	});
	const seconds = (performance.now() - started) / 1000;
	console.log(
		`build: ${(result.parameters / 1e6).toFixed(2)} M parameters → ${values.out} in ${seconds.toFixed(1)} s`
	);
	for (const file of result.files)
		console.log(`  ${file.path.padEnd(40)} ${file.size.toLocaleString('en').padStart(14)} B`);
}

main().catch((error: Error) => {
	console.error(`build: ${error.message}`);
	process.exit(1);
});
