import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatFormat, type ChatMessage } from '$lib/shared/chat-format';

const read = (name: string) => JSON.parse(readFileSync(`training/demo-tokenizer/${name}`, 'utf8'));
const tokenizerJson = read('tokenizer.json');
const config = read('tokenizer_config.json');
const format = new ChatFormat(tokenizerJson, config);
const withTemplate = (chat_template: string) =>
	new ChatFormat(tokenizerJson, { ...config, chat_template });

const conversation: ChatMessage[] = [
	{ role: 'prompter', content: 'What is 37 + 45?' },
	{ role: 'assistant', content: '37 + 45 = 82.' },
	{ role: 'prompter', content: 'Is the result even or odd?' },
	{ role: 'assistant', content: '82 is even.' }
];

describe('chat format (demo template)', () => {
	it('renders ChatML with prompter as user', () => {
		expect(format.render(conversation.slice(0, 2), false)).toBe(
			'<|im_start|>user\nWhat is 37 + 45?<|im_end|>\n<|im_start|>assistant\n37 + 45 = 82.<|im_end|>\n'
		);
		expect(format.render(conversation.slice(0, 1), true)).toBe(
			'<|im_start|>user\nWhat is 37 + 45?<|im_end|>\n<|im_start|>assistant\n'
		);
		const asUser = conversation.map((m) => ({
			...m,
			role: m.role === 'prompter' ? 'user' : m.role
		}));
		expect(format.render(asUser, true)).toBe(format.render(conversation, true));
	});

	it('masks exactly each assistant reply and its <|im_end|>', () => {
		const { input_ids, loss_mask } = format.trainingExample(conversation);
		expect(input_ids).toEqual(format.encode(format.render(conversation, false)));
		expect(loss_mask).toHaveLength(input_ids.length);
		// Split the masked positions into runs: one run per assistant turn.
		const runs: number[][] = [];
		loss_mask.forEach((m, i) => {
			if (m === 1 && loss_mask[i - 1] !== 1) runs.push([]);
			if (m === 1) runs[runs.length - 1].push(input_ids[i]);
		});
		expect(runs.map((ids) => format.decode(ids))).toEqual([
			'37 + 45 = 82.<|im_end|>',
			'82 is even.<|im_end|>'
		]);
		// The assistant header itself is context, not a target.
		const first = loss_mask.indexOf(1);
		expect(format.decode(input_ids.slice(0, first)).endsWith('<|im_start|>assistant\n')).toBe(true);
	});

	it('gives a reply the same ids in a ranked list as in the thread', () => {
		const history = conversation.slice(0, 3);
		const prompt = format.promptIds(history);
		const reply = format.replyIds(history, '82 is even.');
		expect(reply[reply.length - 1]).toBe(format.eosTokenId);
		const { input_ids } = format.trainingExample(conversation);
		expect(input_ids.slice(0, prompt.length + reply.length)).toEqual([...prompt, ...reply]);
	});

	it('knows its end-of-turn token and vocabulary', () => {
		expect(format.eosToken).toBe('<|im_end|>');
		expect(format.eosTokenId).toBe(258);
		expect(format.vocabSize).toBe(259);
		expect(format.tokenId('<|im_start|>')).toBe(257);
	});
});

describe('chat format checks', () => {
	it('names a variable the template uses but nobody provides', () => {
		expect(() =>
			withTemplate("{% for m in messages %}{{ m['content'] + system_prompt }}{% endfor %}")
		).toThrow("chat_template uses unknown variable 'system_prompt'");
		expect(() => withTemplate('{{ persona }}{{ date_string }}')).toThrow(
			"unknown variables 'date_string', 'persona'"
		);
	});

	it('accepts what a template binds itself, the special tokens, and `is defined` probes', () => {
		const template = [
			'{%- set ns = namespace(seen=0) %}{{ bos_token }}',
			'{%- for message in messages %}{%- set ns.seen = ns.seen + 1 %}',
			"{%- if tools is defined %}{{ tools }}{% endif %}{{ message['content'] }}{{ eos_token }}",
			'{%- endfor %}{%- macro shout(text, mark="!") %}{{ text | upper }}{{ mark }}{% endmacro %}',
			"{%- if add_generation_prompt %}{{ shout('go') }}{% endif %}"
		].join('\n');
		const custom = withTemplate(template);
		expect(custom.render([{ role: 'user', content: 'hi' }], true)).toBe('hi<|im_end|>GO!');
		expect(
			() => new ChatFormat(tokenizerJson, { ...config, chat_template: '{{ tools }}' }, ['tools'])
		).not.toThrow();
	});

	it('refuses a template that does not end an assistant turn with the end-of-turn token', () => {
		const noEnd = withTemplate(
			"{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}"
		);
		expect(() => noEnd.trainingExample(conversation)).toThrow(
			'chat template does not end an assistant turn with <|im_end|>'
		);
	});

	it('says what is missing from a tokenizer config', () => {
		expect(() => new ChatFormat(tokenizerJson, { ...config, chat_template: undefined })).toThrow(
			'tokenizer_config.json: chat_template is missing or not a string'
		);
		expect(() => new ChatFormat(tokenizerJson, { ...config, eos_token: '<|eot|>' })).toThrow(
			'tokenizer.json: eos_token <|eot|> is not in the vocabulary'
		);
		expect(() => withTemplate('{% for m in messages %}')).toThrow('chat_template does not parse');
	});
});
