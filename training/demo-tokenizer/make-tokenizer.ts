// Writes the demo model's tokenizer.json and tokenizer_config.json next to this script.
// The committed files are exactly this script's output; regenerate them with
//   npx tsx training/demo-tokenizer/make-tokenizer.ts [<output dir, default: this folder>]
// The tokenizer is byte-level BPE without merges: ids 0–255 are the bytes themselves (keyed by
// GPT-2's byte-to-unicode characters, so any Hugging Face byte-level loader reads it), then the
// ChatML special tokens. A byte vocabulary keeps the demo model tiny and needs no training.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';

const outputDir = process.argv[2] ?? fileURLToPath(new URL('.', import.meta.url));

/** GPT-2's reversible byte → printable character table (bytes that print as themselves keep their code point). */
function byteToUnicode(): string[] {
	const printable = (b: number) =>
		(b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
	const table: string[] = [];
	let shifted = 0;
	for (let b = 0; b < 256; b++) {
		table.push(String.fromCodePoint(printable(b) ? b : 256 + shifted++));
	}
	return table;
}

const SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

// ChatML as Qwen writes it, without Qwen's default system prompt (it would cost the tiny model
// context on every turn). oasst exports call the user `prompter`, so both names render as `user`.
// Tools are Hermes-style calls after the reply's text, but the list of tools is only their names
// in the system turn: JSON Schemas would fill the tiny model's context, and it learns each
// tool's arguments from the seed skills instead. A tool's result is a turn of role `tool`.
const CHAT_TEMPLATE = [
	'{%- if tools %}',
	"{{- '<|im_start|>system\\n' }}",
	"{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] + '\\n' }}{%- endif %}",
	"{{- 'Tools: ' }}{%- for tool in tools %}{{- tool['function']['name'] }}{%- if not loop.last %}{{- ', ' }}{%- endif %}{%- endfor %}",
	"{{- '<|im_end|>\\n' }}",
	'{%- endif %}',
	'{%- for message in messages %}',
	"{%- if not (tools and loop.first and message['role'] == 'system') %}",
	"{%- if message['role'] == 'prompter' %}{%- set role = 'user' %}{%- else %}{%- set role = message['role'] %}{%- endif %}",
	"{{- '<|im_start|>' + role + '\\n' + message['content'] }}",
	"{%- if message['tool_calls'] is defined and message['tool_calls'] %}{%- for call in message['tool_calls'] %}" +
		"{{- '<tool_call>{\"name\": \"' + call['function']['name'] + '\", \"arguments\": ' + (call['function']['arguments'] | tojson) + '}</tool_call>' }}" +
		'{%- endfor %}{%- endif %}',
	"{{- '<|im_end|>' + '\\n' }}",
	'{%- endif %}',
	'{%- endfor %}',
	"{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
].join('\n');

function addedToken(id: number, content: string) {
	return {
		id,
		content,
		single_word: false,
		lstrip: false,
		rstrip: false,
		normalized: false,
		special: true
	};
}

function tokenizerJson() {
	const vocab: Record<string, number> = {};
	byteToUnicode().forEach((char, byte) => (vocab[char] = byte));
	return {
		version: '1.0',
		truncation: null,
		padding: null,
		added_tokens: SPECIAL_TOKENS.map((content, i) => addedToken(256 + i, content)),
		normalizer: null,
		pre_tokenizer: {
			type: 'ByteLevel',
			add_prefix_space: false,
			trim_offsets: true,
			use_regex: false
		},
		post_processor: null,
		decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
		model: {
			type: 'BPE',
			dropout: null,
			unk_token: null,
			continuing_subword_prefix: null,
			end_of_word_suffix: null,
			fuse_unk: false,
			byte_fallback: false,
			ignore_merges: false,
			vocab,
			merges: []
		}
	};
}

function tokenizerConfigJson() {
	return {
		add_bos_token: false,
		add_eos_token: false,
		added_tokens_decoder: Object.fromEntries(
			SPECIAL_TOKENS.map((content, i) => {
				const { id: _id, ...rest } = addedToken(256 + i, content);
				return [String(256 + i), rest];
			})
		),
		additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
		bos_token: null,
		chat_template: CHAT_TEMPLATE,
		clean_up_tokenization_spaces: false,
		eos_token: '<|im_end|>',
		errors: 'replace',
		model_max_length: 1024,
		pad_token: '<|endoftext|>',
		split_special_tokens: false,
		tokenizer_class: 'PreTrainedTokenizerFast',
		unk_token: null
	};
}

async function writeJson(name: string, value: unknown) {
	const path = join(outputDir, name);
	// Formatting options come from the repository's prettier config wherever the files are written.
	const options = (await prettier.resolveConfig(fileURLToPath(import.meta.url))) ?? {};
	writeFileSync(path, await prettier.format(JSON.stringify(value), { ...options, filepath: path }));
}

mkdirSync(outputDir, { recursive: true });
await writeJson('tokenizer.json', tokenizerJson());
await writeJson('tokenizer_config.json', tokenizerConfigJson());
