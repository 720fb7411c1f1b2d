// Datasets stage: renders the seed trees — or any oasst file: an export, OpenAssistant's own
// trees or messages files, plain or gzip — with the model's chat template and tokenizer into the
// token files the trainer reads. With --community (the export stage's snapshot directory), the
// community trees train beside a replay of the seed trees, mixed as the config's `mixture` says.
// With --base (a Hugging Face model directory the run starts from), its tokenizer, chat template
// and max_position_embeddings replace the config's (base-model.ts). Conversations that use tools
// are rendered with the tool list the browser sends, every tool Hearth offers in its order.
//   npx tsx training/datasets/cli.ts --config training/configs/<c>.json [--trees <trees.jsonl>]
//       [--community <export dir>] [--base <model dir>] [--out <dir>]
import { createHash } from 'node:crypto';
import { localToolDeclarations } from '../../src/lib/shared/tools/declarations';
import { toolSpec } from '../../src/lib/shared/tools/tool';
import { readFlags, runCli } from '../cli-args';
import { loadConfig, outDir } from '../configs/config';
import { writeFileAtomic } from '../files';
import { readSnapshot } from '../export/take-snapshot';
import { readBaseModel } from './base-model';
import { buildDatasets } from './build';
import { loadChatFormat } from './load-chat-format';
import { readTrees } from './read-trees';

const rows = (items: unknown[]) => items.map((item) => JSON.stringify(item) + '\n').join('');

runCli(() => {
	const flags = readFlags(
		{
			config: { type: 'string', required: true },
			trees: { type: 'string' },
			community: { type: 'string' },
			base: { type: 'string' },
			out: { type: 'string' }
		},
		'npx tsx training/datasets/cli.ts --config training/configs/<name>.json [--trees <trees.jsonl>] [--community <export dir>] [--base <model dir>] [--out <dir>]'
	);
	const config = loadConfig(flags.config);
	const treesPath = flags.trees ?? outDir(config, 'seed', 'trees.jsonl');
	const trees = readTrees(treesPath);
	const snapshot = flags.community ? readSnapshot(flags.community) : null;
	const base = flags.base ? readBaseModel(flags.base, config) : null;
	if (base?.overridden.length) {
		console.log(`base model ${base.dir} decides, not the config: ${base.overridden.join(', ')}`);
	}
	const tokenizerDir = base?.dir ?? config.tokenizer;
	const maxLength = base?.config.maxPositions ?? config.model.max_position_embeddings;
	const format = loadChatFormat(tokenizerDir);
	if (base && format.vocabSize > base.config.vocabSize) {
		throw new Error(
			`${base.dir}: tokenizer.json has ${format.vocabSize} tokens, more than config.json's vocab_size ${base.config.vocabSize}`
		);
	}
	const data = buildDatasets(
		trees,
		format,
		{
			seed: config.seed,
			valFraction: config.val_fraction,
			maxLength,
			maxNewTokens: config.eval.max_new_tokens,
			mixture: config.mixture,
			// As a browser offers them by default: the model learns the prompt it will be given.
			tools: localToolDeclarations.map(toolSpec)
		},
		snapshot?.trees
	);

	const files: Record<string, string> = {
		'sft.train.jsonl': rows(data.sft.train),
		'sft.val.jsonl': rows(data.sft.val),
		'rm.train.jsonl': rows(data.rm.train),
		'rm.val.jsonl': rows(data.rm.val),
		'dpo.train.jsonl': rows(data.dpo.train),
		'dpo.val.jsonl': rows(data.dpo.val),
		'eval.jsonl': rows(data.eval),
		'eval.seen.jsonl': rows(data.eval_seen),
		...(snapshot ? { 'eval.community.jsonl': rows(data.eval_community) } : {}),
		...(data.eval_tools.length ? { 'eval.tools.jsonl': rows(data.eval_tools) } : {})
	};
	const names = Object.keys(files).sort();
	const digest = createHash('sha256');
	for (const name of names) {
		digest.update(`${name}\0${createHash('sha256').update(files[name]).digest('hex')}\n`);
	}
	const counts = Object.fromEntries(names.map((name) => [name, countLines(files[name])]));
	const manifest = {
		config: config.name,
		source: treesPath,
		tokenizer_dir: tokenizerDir,
		...(base ? { base_model: base.dir } : {}),
		vocab_size: format.vocabSize,
		eos_token_id: format.eosTokenId,
		pad_token_id: format.tokenId('<|endoftext|>') ?? null,
		max_length: maxLength,
		trees: data.trees,
		sources: data.sources,
		...(snapshot ? { mixture: config.mixture, snapshot: snapshot.manifest } : {}),
		too_long: data.too_long,
		tools: data.tools,
		counts,
		data_digest: digest.digest('hex')
	};

	const dir = flags.out ?? outDir(config, 'data');
	for (const name of names) writeFileAtomic(`${dir}/${name}`, files[name]);
	// The manifest goes last: its presence says the files beside it are complete.
	writeFileAtomic(`${dir}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n');

	console.log(
		`read ${trees.length} trees from ${treesPath}` +
			(snapshot ? ` and ${snapshot.trees.length} from ${flags.community}` : '') +
			` (train ${data.trees.train}, val ${data.trees.val})`
	);
	if (snapshot) {
		const { seed, community } = data.sources;
		console.log(
			`  community train ${community.train} (SFT rows ×${community.sft_repeats}), val ${community.val}; seed replay ${seed.train} (${seed.replay_unused} left out), val ${seed.val}`
		);
	}
	for (const name of names) console.log(`  ${name.padEnd(18)} ${counts[name]}`);
	console.log(
		`  rendered with the tool list: ${data.tools.listed} trees` +
			(data.tools.unrenderable
				? `; ${data.tools.unrenderable} tool-using trees left out: the chat template renders no tools`
				: '')
	);
	const dropped = Object.entries(data.too_long).filter(([, n]) => n > 0);
	if (dropped.length)
		console.log(`  too long, left out: ${dropped.map(([k, n]) => `${k} ${n}`).join(', ')}`);
	console.log(`wrote ${dir}/ (data_digest ${manifest.data_digest.slice(0, 16)}…)`);
});

function countLines(text: string): number {
	return text === '' ? 0 : text.split('\n').length - 1;
}
