// A base model laid out as Hugging Face ships SmolLM2 (tests/support/hf-base.ts): its byte-level
// BPE and ChatML template drive the datasets stage exactly as the `tokenizers` library reads
// them, and `--base` makes them, not the config's tokenizer and shape, decide the data.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestThread, toChat } from '../../../training/datasets/conversations';
import { loadChatFormat } from '../../../training/datasets/load-chat-format';
import { generateTrees } from '../../../training/seed/generate';
import { ChatFormat } from '../../../src/lib/shared/chat-format';
import { QWEN25_CHAT_TEMPLATE, writeHfBase } from '../../support/hf-base';

const SYSTEM = '<|im_start|>system\nYou are a helpful AI assistant named SmolLM';
let work: string;
let base: string;
let sizes: ReturnType<typeof writeHfBase>;

beforeAll(() => {
	work = mkdtempSync(join(tmpdir(), 'hearth-hf-base-'));
	base = join(work, 'SmolLM2-tiny');
	sizes = writeHfBase(base);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a Hugging Face byte-level BPE with a ChatML template', () => {
	it('encodes and decodes every rendered conversation as the tokenizers library does', async () => {
		const format = loadChatFormat(base);
		const reference = Tokenizer.fromFile(join(base, 'tokenizer.json'));
		expect(format.vocabSize).toBe(sizes.tokenizerVocabSize);
		expect([format.tokenId('<|im_start|>'), format.eosTokenId]).toEqual([1, 2]);
		for (const tree of generateTrees(40, 99)) {
			const messages = toChat(bestThread(tree));
			const text = format.render(messages, false);
			expect(text.startsWith(SYSTEM)).toBe(true);
			const expected = (await reference.encode(text, null, { addSpecialTokens: false })).getIds();
			expect(format.encode(text)).toEqual(expected);
			// Merges are in use: far fewer tokens than bytes.
			expect(expected.length).toBeLessThan(Buffer.byteLength(text) * 0.7);
			// Turn by turn, as the training data is tokenized, gives the same ids as the whole.
			expect(format.trainingExample(messages).input_ids).toEqual(expected);
			expect(format.decode(expected)).toBe(await reference.decode(expected, false));
			expect(format.decode(expected)).toBe(text);
		}
	});
});

describe('a Qwen2.5 base’s tokenizer_config.json', () => {
	it('renders its tool-aware template and ends turns at <|im_end|> though eos is <|endoftext|>', async () => {
		const tokenizerJson = JSON.parse(readFileSync(join(base, 'tokenizer.json'), 'utf8'));
		const format = new ChatFormat(tokenizerJson, {
			chat_template: QWEN25_CHAT_TEMPLATE,
			bos_token: null,
			eos_token: '<|endoftext|>',
			pad_token: '<|endoftext|>'
		});
		const reference = Tokenizer.fromFile(join(base, 'tokenizer.json'));
		const messages = toChat(bestThread(generateTrees(1, 5)[0]));
		const text = format.render(messages, false);
		expect(text.startsWith('<|im_start|>system\nYou are Qwen, created by Alibaba Cloud.')).toBe(
			true
		);
		expect(text).not.toContain('# Tools');
		const example = format.trainingExample(messages);
		const expected = (await reference.encode(text, null, { addSpecialTokens: false })).getIds();
		expect(example.input_ids).toEqual(expected);
		// Every assistant turn's targets end with <|im_end|> (2), never <|endoftext|> (0).
		const ends = example.loss_mask.flatMap((m, i) =>
			m === 1 && example.loss_mask[i + 1] !== 1 ? [example.input_ids[i]] : []
		);
		expect(ends).toEqual(messages.filter((m) => m.role === 'assistant').map(() => 2));
	});
});

describe('the datasets stage with --base', { timeout: 60_000 }, () => {
	const tsx = (...args: string[]) =>
		spawnSync('node_modules/.bin/tsx', args, {
			encoding: 'utf8',
			env: { ...process.env, NODE_NO_WARNINGS: '1' }
		});

	function run(baseDir: string) {
		const config = JSON.parse(readFileSync('training/configs/ci.json', 'utf8'));
		config.seed_trees = 40;
		const path = join(work, 'config.json');
		writeFileSync(path, JSON.stringify(config));
		const trees = join(work, 'trees.jsonl');
		expect(tsx('training/seed/cli.ts', '--config', path, '--out', trees).status).toBe(0);
		const out = join(work, 'data');
		const args = ['--config', path, '--trees', trees, '--base', baseDir, '--out', out];
		return { datasets: tsx('training/datasets/cli.ts', ...args), out };
	}

	it('tokenizes with the base’s tokenizer and template, not the config’s, and says so', async () => {
		const { datasets, out } = run(base);
		expect(datasets.status, datasets.stderr).toBe(0);
		expect(datasets.stdout).toContain(
			`base model ${base} decides, not the config: hidden_size 96 → 48`
		);
		expect(datasets.stdout).toContain(`tokenizer training/demo-tokenizer → ${base}`);
		const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
		expect(manifest).toMatchObject({
			tokenizer_dir: base,
			base_model: base,
			vocab_size: sizes.tokenizerVocabSize,
			eos_token_id: 2,
			pad_token_id: 0,
			max_length: 512
		});
		const reference = Tokenizer.fromFile(join(base, 'tokenizer.json'));
		const first = JSON.parse(readFileSync(join(out, 'sft.train.jsonl'), 'utf8').split('\n')[0]);
		const text = await reference.decode(first.input_ids, false);
		expect(text.startsWith(SYSTEM)).toBe(true);
		expect(first.input_ids.filter((id: number) => id === 2)).toHaveLength(
			text.split('<|im_end|>').length - 1
		);
	});

	it('refuses a base whose tokenizer does not fit its own vocab_size', () => {
		const broken = join(work, 'broken');
		writeHfBase(broken);
		const config = JSON.parse(readFileSync(join(broken, 'config.json'), 'utf8'));
		writeFileSync(join(broken, 'config.json'), JSON.stringify({ ...config, vocab_size: 300 }));
		const { datasets } = run(broken);
		expect(datasets.status).toBe(1);
		expect(datasets.stderr).toContain(
			`${broken}: tokenizer.json has ${sizes.tokenizerVocabSize} tokens, more than config.json's vocab_size 300`
		);
	});
});
