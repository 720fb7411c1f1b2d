// ONNX build time per million parameters, fp32 and int4, against a baseline measured in the
// same run: reading the checkpoint and writing its bytes back out, which any build must do.
//   npx tsx bench/onnx-build.ts [--layers 4] [--hidden 256] [--repeats 3]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModelDir } from '../training/build/model-dir';
import { writeRandomCheckpoint } from '../training/build/random-checkpoint';

const { values } = parseArgs({
	options: {
		layers: { type: 'string', default: '4' },
		hidden: { type: 'string', default: '256' },
		repeats: { type: 'string', default: '3' }
	}
});
const layers = Number(values.layers);
const hidden = Number(values.hidden);
const repeats = Number(values.repeats);

const work = await mkdtemp(join(tmpdir(), 'hearth-bench-build-'));
const checkpoint = join(work, 'checkpoint');
await writeRandomCheckpoint(
	checkpoint,
	{
		vocab_size: 4096,
		hidden_size: hidden,
		intermediate_size: Math.round((hidden * 8) / 3 / 32) * 32,
		num_hidden_layers: layers,
		num_attention_heads: hidden / 32,
		num_key_value_heads: hidden / 64,
		max_position_embeddings: 512
	},
	1
);

async function median(run: () => Promise<unknown>): Promise<number> {
	const times: number[] = [];
	for (let i = 0; i < repeats; i++) {
		const started = performance.now();
		await run();
		times.push((performance.now() - started) / 1000);
	}
	return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

try {
	const weightsPath = join(checkpoint, 'model.safetensors');
	const baseline = await median(async () => {
		await writeFile(join(work, 'copy.bin'), await readFile(weightsPath));
	});
	let parameters = 0;
	const seconds: Record<string, number> = {};
	for (const variant of ['fp32', 'q4'] as const) {
		seconds[variant] = await median(async () => {
			const result = await buildModelDir({
				checkpoint,
				tokenizer: 'training/demo-tokenizer',
				out: join(work, `model-${variant}`),
				variants: [variant]
			});
			parameters = result.parameters;
		});
	}
	const millions = parameters / 1e6;
	const bytes = (await readFile(weightsPath)).byteLength;
	console.log(
		`model: ${layers} layers, hidden ${hidden}, ${millions.toFixed(2)} M parameters (${(bytes / 1e6).toFixed(1)} MB), median of ${repeats}`
	);
	console.log(`${'step'.padEnd(28)} ${'s / M params'.padStart(12)} ${'× baseline'.padStart(11)}`);
	const row = (name: string, s: number) =>
		console.log(
			`${name.padEnd(28)} ${(s / millions).toFixed(4).padStart(12)} ${(s / baseline).toFixed(1).padStart(11)}`
		);
	row('baseline: read + write', baseline);
	row('build fp32', seconds.fp32);
	row('build int4 (MatMulNBits)', seconds.q4);
} finally {
	await rm(work, { recursive: true, force: true });
}
