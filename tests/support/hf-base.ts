// A Hugging Face base model directory as SmolLM2-135M-Instruct ships one, in miniature, for
// tests of `--from <dir>`: `config.json` (LlamaForCausalLM, Hugging Face field names and the
// extra fields transformers writes), `model.safetensors` (Hugging Face tensor names),
// `tokenizer.json` (a byte-level BPE trained here by the `tokenizers` library on seed
// conversations), `tokenizer_config.json` (SmolLM2's ChatML template with its default system
// prompt, `added_tokens_decoder`), `special_tokens_map.json` and `generation_config.json`.
// Its special tokens sit at ids 0–2 as in SmolLM2, not at 256–258 as in our demo tokenizer, and
// the config's vocab_size is padded past the tokenizer's, as Qwen2.5's is, so code that assumes
// either would show it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BPE, Tokenizer, byteLevelAlphabet, byteLevelPreTokenizer } from 'tokenizers';
import { serializeSafetensors } from '../../training/build/safetensors';
import type { OasstMessage } from '../../training/datasets/oasst-tree';
import { generateTrees } from '../../training/seed/generate';
import { seededRandom } from '../../src/lib/shared/random';

export const HF_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];

// SmolLM2-Instruct's template, verbatim: ChatML with a default system turn.
export const SMOLLM2_CHAT_TEMPLATE =
	"{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

// Qwen2.5's template, as its tokenizer_config.json carries it: ChatML with a default system turn
// and tool calling, reading `tools` without asking whether it is defined.
export const QWEN25_CHAT_TEMPLATE = [
	'{%- if tools %}',
	"    {{- '<|im_start|>system\\n' }}",
	"    {%- if messages[0]['role'] == 'system' %}",
	"        {{- messages[0]['content'] }}",
	'    {%- else %}',
	"        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}",
	'    {%- endif %}',
	'    {{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}',
	'    {%- for tool in tools %}',
	'        {{- "\\n" }}',
	'        {{- tool | tojson }}',
	'    {%- endfor %}',
	'    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}',
	'{%- else %}',
	"    {%- if messages[0]['role'] == 'system' %}",
	"        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}",
	'    {%- else %}',
	"        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}",
	'    {%- endif %}',
	'{%- endif %}',
	'{%- for message in messages %}',
	'    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}',
	"        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}",
	'    {%- elif message.role == "assistant" %}',
	"        {{- '<|im_start|>' + message.role }}",
	'        {%- if message.content %}',
	"            {{- '\\n' + message.content }}",
	'        {%- endif %}',
	'        {%- for tool_call in message.tool_calls %}',
	'            {%- if tool_call.function is defined %}',
	'                {%- set tool_call = tool_call.function %}',
	'            {%- endif %}',
	'            {{- \'\\n<tool_call>\\n{"name": "\' }}',
	'            {{- tool_call.name }}',
	'            {{- \'", "arguments": \' }}',
	'            {{- tool_call.arguments | tojson }}',
	"            {{- '}\\n</tool_call>' }}",
	'        {%- endfor %}',
	"        {{- '<|im_end|>\\n' }}",
	'    {%- elif message.role == "tool" %}',
	'        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}',
	"            {{- '<|im_start|>user' }}",
	'        {%- endif %}',
	"        {{- '\\n<tool_response>\\n' }}",
	'        {{- message.content }}',
	"        {{- '\\n</tool_response>' }}",
	'        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}',
	"            {{- '<|im_end|>\\n' }}",
	'        {%- endif %}',
	'    {%- endif %}',
	'{%- endfor %}',
	'{%- if add_generation_prompt %}',
	"    {{- '<|im_start|>assistant\\n' }}",
	'{%- endif %}'
].join('\n');

export interface HfBaseShape {
	hidden_size: number;
	intermediate_size: number;
	num_hidden_layers: number;
	num_attention_heads: number;
	num_key_value_heads: number;
	max_position_embeddings: number;
}

export const TINY_LLAMA: HfBaseShape = {
	hidden_size: 48,
	intermediate_size: 128,
	num_hidden_layers: 2,
	num_attention_heads: 3,
	num_key_value_heads: 1,
	max_position_embeddings: 512
};

/** Text the tokenizer learns its merges from: every message of some seed conversations. */
function seedText(): string {
	const lines: string[] = [];
	const walk = (message: OasstMessage) => {
		lines.push(message.text);
		for (const reply of message.replies ?? []) walk(reply);
	};
	for (const tree of generateTrees(120, 7)) walk(tree.prompt);
	return lines.join('\n') + '\n';
}

/**
 * Trains a byte-level BPE with `tokenizers` and lays its vocabulary out as SmolLM2's is: the
 * special tokens, the 256 byte characters, then one token per merge. The trainer's default
 * merges until every word is one token; the first `merges` of them are kept, a smaller BPE of
 * the same kind (a prefix of the merge ranks is itself a consistent tokenizer).
 */
export function trainByteLevelBpe(merges: number): string {
	const work = mkdtempSync(join(tmpdir(), 'hearth-bpe-'));
	try {
		const corpus = join(work, 'corpus.txt');
		writeFileSync(corpus, seedText());
		const trainer = new Tokenizer(BPE.empty());
		trainer.setPreTokenizer(byteLevelPreTokenizer(false, true));
		trainer.train([corpus]);
		trainer.save(join(work, 'trained.json'));
		const trained = JSON.parse(readFileSync(join(work, 'trained.json'), 'utf8'));
		const learnt = (trained.model.merges as [string, string][]).slice(0, merges);

		const vocab: Record<string, number> = {};
		for (const token of [...HF_SPECIAL_TOKENS, ...byteLevelAlphabet().sort()]) {
			vocab[token] ??= Object.keys(vocab).length;
		}
		for (const [left, right] of learnt) vocab[left + right] ??= Object.keys(vocab).length;
		const tokenizer = new Tokenizer(BPE.init(vocab, learnt));
		tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
		tokenizer.addSpecialTokens(HF_SPECIAL_TOKENS);
		tokenizer.save(join(work, 'tokenizer.json'), true);
		const spec = JSON.parse(readFileSync(join(work, 'tokenizer.json'), 'utf8'));
		// The Node binding exports no ByteLevel decoder or post-processor; these are the objects
		// the Python library writes for them (as in SmolLM2's file).
		const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
		spec.decoder = { type: 'ByteLevel', ...byteLevel };
		spec.post_processor = { type: 'ByteLevel', ...byteLevel };
		const text = JSON.stringify(spec, null, 2);
		Tokenizer.fromString(text); // the library must still accept it
		return text;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** A seeded N(0, std) source (Box–Muller over the project's seeded generator). */
function normal(seed: number): () => number {
	const uniform = seededRandom(seed);
	return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Writes the whole base directory into `dir` and returns its tokenizer's vocabulary size.
 * Weights are random (N(0, 0.02), norms near 1), stored float32 under Hugging Face names.
 */
export function writeHfBase(
	dir: string,
	options: { shape?: HfBaseShape; merges?: number; seed?: number } = {}
): { tokenizerVocabSize: number; vocabSize: number } {
	const shape = options.shape ?? TINY_LLAMA;
	mkdirSync(dir, { recursive: true });
	const tokenizerJson = trainByteLevelBpe(options.merges ?? 200);
	writeFileSync(join(dir, 'tokenizer.json'), tokenizerJson);
	const spec = JSON.parse(tokenizerJson) as { model: { vocab: Record<string, number> } };
	const tokenizerVocabSize = Object.keys(spec.model.vocab).length;
	const vocabSize = Math.ceil(tokenizerVocabSize / 64) * 64 + 64;
	const [endOfText, imStart, imEnd] = HF_SPECIAL_TOKENS;
	const addedTokensDecoder = Object.fromEntries(
		HF_SPECIAL_TOKENS.map((content, id) => [
			String(id),
			{
				content,
				lstrip: false,
				normalized: false,
				rstrip: false,
				single_word: false,
				special: true
			}
		])
	);
	const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
	writeFileSync(
		join(dir, 'tokenizer_config.json'),
		json({
			add_prefix_space: false,
			added_tokens_decoder: addedTokensDecoder,
			additional_special_tokens: [imStart, imEnd],
			bos_token: imStart,
			chat_template: SMOLLM2_CHAT_TEMPLATE,
			clean_up_tokenization_spaces: false,
			eos_token: imEnd,
			model_max_length: shape.max_position_embeddings,
			pad_token: imEnd,
			tokenizer_class: 'GPT2Tokenizer',
			unk_token: endOfText,
			vocab_size: tokenizerVocabSize
		})
	);
	writeFileSync(
		join(dir, 'special_tokens_map.json'),
		json({
			additional_special_tokens: [imStart, imEnd],
			bos_token: imStart,
			eos_token: imEnd,
			pad_token: imEnd,
			unk_token: endOfText
		})
	);
	writeFileSync(
		join(dir, 'generation_config.json'),
		json({ _from_model_config: true, bos_token_id: 1, eos_token_id: 2, pad_token_id: 2 })
	);
	writeFileSync(
		join(dir, 'config.json'),
		json({
			architectures: ['LlamaForCausalLM'],
			attention_bias: false,
			attention_dropout: 0.0,
			bos_token_id: 1,
			eos_token_id: 2,
			hidden_act: 'silu',
			initializer_range: 0.02,
			is_llama_config: true,
			mlp_bias: false,
			model_type: 'llama',
			pad_token_id: 2,
			pretraining_tp: 1,
			rms_norm_eps: 1e-5,
			rope_interleaved: false,
			rope_scaling: null,
			rope_theta: 100000.0,
			tie_word_embeddings: true,
			torch_dtype: 'float32',
			transformers_version: '4.42.3',
			use_cache: true,
			vocab_size: vocabSize,
			...shape
		})
	);

	const random = normal(options.seed ?? 1);
	const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
	const add = (name: string, dims: number[], mean: number, std: number) => {
		const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
		for (let i = 0; i < data.length; i++) data[i] = mean + std * random();
		tensors[name] = { shape: dims, data };
	};
	const d = shape.hidden_size;
	const headDim = d / shape.num_attention_heads;
	const f = shape.intermediate_size;
	add('model.embed_tokens.weight', [vocabSize, d], 0, 0.02);
	for (let i = 0; i < shape.num_hidden_layers; i++) {
		const p = `model.layers.${i}.`;
		add(p + 'input_layernorm.weight', [d], 1, 0.1);
		add(p + 'self_attn.q_proj.weight', [shape.num_attention_heads * headDim, d], 0, 0.02);
		add(p + 'self_attn.k_proj.weight', [shape.num_key_value_heads * headDim, d], 0, 0.02);
		add(p + 'self_attn.v_proj.weight', [shape.num_key_value_heads * headDim, d], 0, 0.02);
		add(p + 'self_attn.o_proj.weight', [d, shape.num_attention_heads * headDim], 0, 0.02);
		add(p + 'post_attention_layernorm.weight', [d], 1, 0.1);
		add(p + 'mlp.gate_proj.weight', [f, d], 0, 0.02);
		add(p + 'mlp.up_proj.weight', [f, d], 0, 0.02);
		add(p + 'mlp.down_proj.weight', [d, f], 0, 0.02);
	}
	add('model.norm.weight', [d], 1, 0.1);
	writeFileSync(join(dir, 'model.safetensors'), serializeSafetensors(tensors));
	return { tokenizerVocabSize, vocabSize };
}
