// Renders conversations with a model's own chat template and tokenizer, and finds which tokens
// an assistant wrote. The training data and the browser's inference worker both go through this
// module, so a model is trained on exactly the text it later sees: keep it free of Node imports.
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';

export interface ChatMessage {
	role: string;
	content: string;
	/** An assistant turn's tool calls, as Hugging Face templates take them. */
	tool_calls?: { type: 'function'; function: { name: string; arguments: object } }[];
}

/** Token ids of one conversation and, per token, 1 when the model is trained to produce it. */
export interface TrainingExample {
	input_ids: number[];
	loss_mask: (0 | 1)[];
}

type SpecialToken = string | { content: string } | null | undefined;

interface TokenizerConfig {
	chat_template?: unknown;
	eos_token?: SpecialToken;
	bos_token?: SpecialToken;
	pad_token?: SpecialToken;
	unk_token?: SpecialToken;
}

// What Hugging Face's apply_chat_template always defines, as None unless the caller gives them:
// Qwen2.5's template tests `tools` without asking whether it is defined.
const HF_DEFAULTS = { tools: null, documents: null };

// Names every template may use without the caller providing them: @huggingface/jinja's globals.
const JINJA_GLOBALS = [
	'true',
	'false',
	'none',
	'True',
	'False',
	'None',
	'namespace',
	'raise_exception',
	'range',
	'strftime_now'
];

export class ChatFormat {
	readonly eosToken: string;
	readonly eosTokenId: number;
	/** Number of token ids, special tokens included. */
	readonly vocabSize: number;
	private readonly template: Template;
	private readonly tokenizer: Tokenizer;
	private readonly specialTokens: Record<string, string>;
	/** Ids of tokenizer.json's special added tokens, which may end a turn. */
	private readonly specialIds: Set<number>;
	/** The template renders the `tools` it is given: the model was made to call tools. */
	readonly readsTools: boolean;

	/**
	 * @param tokenizerJson the parsed tokenizer.json
	 * @param tokenizerConfig the parsed tokenizer_config.json (with `chat_template` and `eos_token`)
	 * @param extraVariables names of further variables the caller passes to `render`
	 */
	constructor(tokenizerJson: object, tokenizerConfig: object, extraVariables: string[] = []) {
		const config = tokenizerConfig as TokenizerConfig;
		if (typeof config.chat_template !== 'string') {
			throw new Error('tokenizer_config.json: chat_template is missing or not a string');
		}
		const eos = tokenText(config.eos_token);
		if (!eos) throw new Error('tokenizer_config.json: eos_token is missing');
		try {
			this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
		} catch (error) {
			throw new Error(`tokenizer.json: cannot be loaded: ${(error as Error).message}`, {
				cause: error
			});
		}
		const eosId = this.tokenizer.token_to_id(eos);
		if (eosId === undefined)
			throw new Error(`tokenizer.json: eos_token ${eos} is not in the vocabulary`);
		this.eosToken = eos;
		this.eosTokenId = eosId;
		this.vocabSize = this.tokenizer.get_vocab(true).size;

		const added = (tokenizerJson as { added_tokens?: { id: number; special?: boolean }[] })
			.added_tokens;
		this.specialIds = new Set((added ?? []).filter((t) => t.special).map((t) => t.id));

		this.specialTokens = {};
		for (const name of ['bos_token', 'eos_token', 'pad_token', 'unk_token'] as const) {
			this.specialTokens[name] = tokenText(config[name]) ?? '';
		}
		try {
			this.template = new Template(config.chat_template);
		} catch (error) {
			throw new Error(
				`tokenizer_config.json: chat_template does not parse: ${(error as Error).message}`,
				{ cause: error }
			);
		}
		const known = new Set([
			...JINJA_GLOBALS,
			...Object.keys(HF_DEFAULTS),
			...Object.keys(this.specialTokens),
			'messages',
			'add_generation_prompt',
			...extraVariables
		]);
		const free = freeVariables(this.template.parsed);
		this.readsTools = free.includes('tools');
		const unknown = free.filter((name) => !known.has(name));
		if (unknown.length > 0) {
			throw new Error(
				`tokenizer_config.json: chat_template uses unknown variable${unknown.length > 1 ? 's' : ''} ` +
					unknown.map((name) => `'${name}'`).join(', ')
			);
		}
	}

	/** The template's text for `messages`, ending with the assistant header when `addGenerationPrompt`. */
	render(
		messages: ChatMessage[],
		addGenerationPrompt: boolean,
		extra: Record<string, unknown> = {}
	): string {
		return this.template.render({
			...HF_DEFAULTS,
			...this.specialTokens,
			...extra,
			messages,
			add_generation_prompt: addGenerationPrompt
		});
	}

	/** The id of a single token (e.g. a special token), or undefined when it is not in the vocabulary. */
	tokenId(token: string): number | undefined {
		return this.tokenizer.token_to_id(token);
	}

	/** Token ids of `text`; special tokens written in the text become their single ids. */
	encode(text: string): number[] {
		return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
	}

	decode(ids: number[], skipSpecialTokens = false): string {
		return this.tokenizer.decode(ids, { skip_special_tokens: skipSpecialTokens });
	}

	/** Ids that prompt the model for its next reply to `messages`. */
	promptIds(messages: ChatMessage[], extra: Record<string, unknown> = {}): number[] {
		return this.encode(this.render(messages, true, extra));
	}

	/**
	 * Ids of `reply` as the model must produce it after `history`: the reply's tokens up to and
	 * including the end-of-turn token, but not what the template adds after it (a newline). The
	 * end of a turn is eos_token, else the first special token after the reply: base models such
	 * as Qwen2.5 name `<|endoftext|>` as eos while their ChatML template ends turns with
	 * `<|im_end|>`.
	 */
	replyIds(history: ChatMessage[], reply: string): number[] {
		return this.assistantTurn(history, { role: 'assistant', content: reply }, {}).target;
	}

	/**
	 * The whole conversation's ids with every assistant turn (content and end-of-turn token) in the
	 * loss mask. Each part is tokenized on its own, which for the text between turns equals
	 * tokenizing the whole because turns are separated by special tokens. An assistant turn's tool
	 * calls are trained like its text; tool results, like user turns, are only read.
	 * `extra` goes to the template (`tools`).
	 */
	trainingExample(messages: ChatMessage[], extra: Record<string, unknown> = {}): TrainingExample {
		const example: TrainingExample = { input_ids: [], loss_mask: [] };
		const append = (ids: number[], mask: 0 | 1) => {
			for (const id of ids) {
				example.input_ids.push(id);
				example.loss_mask.push(mask);
			}
		};
		let consumed = '';
		messages.forEach((message, i) => {
			if (message.role !== 'assistant') return;
			const turn = this.assistantTurn(messages.slice(0, i), message, extra);
			if (!turn.prompt.startsWith(consumed)) {
				throw new Error(`chat template renders turn ${i} differently once later turns follow it`);
			}
			append(this.encode(turn.prompt.slice(consumed.length)), 0);
			append(turn.target, 1);
			append(turn.after, 0);
			consumed = turn.full;
		});
		const whole = this.render(messages, false, extra);
		if (!whole.startsWith(consumed)) {
			throw new Error(
				'chat template renders a conversation differently once later turns follow it'
			);
		}
		append(this.encode(whole.slice(consumed.length)), 0);
		return example;
	}

	private assistantTurn(
		history: ChatMessage[],
		message: ChatMessage,
		extra: Record<string, unknown>
	) {
		const prompt = this.render(history, true, extra);
		const full = this.render([...history, message], false, extra);
		if (!full.startsWith(prompt)) {
			throw new Error(
				'chat template does not render an assistant reply as a continuation of its generation prompt'
			);
		}
		const ids = this.encode(full.slice(prompt.length));
		let end = ids.indexOf(this.eosTokenId);
		if (end < 0) end = ids.findIndex((id) => this.specialIds.has(id));
		if (end < 0) {
			throw new Error(
				`chat template does not end an assistant turn with ${this.eosToken} or another special token`
			);
		}
		return { prompt, full, target: ids.slice(0, end + 1), after: ids.slice(end + 1) };
	}
}

function tokenText(token: SpecialToken): string | null {
	if (token === null || token === undefined) return null;
	return typeof token === 'string' ? token : token.content;
}

interface TemplateNode {
	type: string;
	[field: string]: unknown;
}

/**
 * Names a template reads that it does not bind itself. Jinja renders an undefined variable as
 * nothing, so a template written for other variables would silently produce wrong prompts; this
 * finds them before rendering. Binding is flow-insensitive (a `set` anywhere counts), which is
 * enough to catch a variable the caller never provides. A name the template probes with
 * `is defined` is optional by its own account and may be used anywhere.
 */
export function freeVariables(program: unknown): string[] {
	const bound = new Set<string>(['loop']);
	const probed = new Set<string>();
	const read = new Set<string>();
	const nodes = (value: unknown) => (value ?? []) as TemplateNode[];

	const bind = (target: TemplateNode) => {
		if (target.type === 'Identifier') bound.add(target.value as string);
		else if (target.type === 'TupleLiteral') nodes(target.value).forEach(bind);
		else visit(target);
	};
	const bindParameters = (parameters: unknown) => {
		for (const parameter of nodes(parameters)) {
			if (parameter.type === 'KeywordArgumentExpression') {
				bind(parameter.key as TemplateNode);
				visit(parameter.value);
			} else bind(parameter);
		}
	};
	const visitFilter = (filter: TemplateNode) => {
		if (filter.type === 'CallExpression') nodes(filter.args).forEach(visit);
	};

	function visit(value: unknown): void {
		if (value === null || value === undefined) return;
		const node = value as TemplateNode;
		switch (node.type) {
			case 'Identifier':
				read.add(node.value as string);
				return;
			case 'Program':
				nodes(node.body).forEach(visit);
				return;
			case 'If':
				visit(node.test);
				nodes(node.body).forEach(visit);
				nodes(node.alternate).forEach(visit);
				return;
			case 'For':
				bind(node.loopvar as TemplateNode);
				visit(node.iterable);
				nodes(node.body).forEach(visit);
				nodes(node.defaultBlock).forEach(visit);
				return;
			case 'Set':
				bind(node.assignee as TemplateNode);
				visit(node.value);
				nodes(node.body).forEach(visit);
				return;
			case 'Macro':
				bind(node.name as TemplateNode);
				['varargs', 'kwargs', 'caller'].forEach((name) => bound.add(name));
				bindParameters(node.args);
				nodes(node.body).forEach(visit);
				return;
			case 'CallStatement':
				bound.add('caller');
				visit(node.call);
				bindParameters(node.callerArgs);
				nodes(node.body).forEach(visit);
				return;
			case 'FilterStatement':
				visitFilter(node.filter as TemplateNode);
				nodes(node.body).forEach(visit);
				return;
			case 'MemberExpression':
				visit(node.object);
				if (node.computed) visit(node.property);
				return;
			case 'CallExpression':
				visit(node.callee);
				nodes(node.args).forEach(visit);
				return;
			case 'FilterExpression':
				visit(node.operand);
				visitFilter(node.filter as TemplateNode);
				return;
			case 'TestExpression': {
				const operand = node.operand as TemplateNode;
				const test = (node.test as TemplateNode).value;
				const asksDefined = test === 'defined' || test === 'undefined';
				if (asksDefined && operand.type === 'Identifier') probed.add(operand.value as string);
				else visit(operand);
				return;
			}
			case 'KeywordArgumentExpression':
				visit(node.value);
				return;
			case 'ArrayLiteral':
			case 'TupleLiteral':
				nodes(node.value).forEach(visit);
				return;
			case 'ObjectLiteral':
				for (const [key, item] of node.value as Map<unknown, unknown>) {
					visit(key);
					visit(item);
				}
				return;
			case 'BinaryExpression':
				visit(node.left);
				visit(node.right);
				return;
			case 'SelectExpression':
				visit(node.lhs);
				visit(node.test);
				return;
			case 'UnaryExpression':
			case 'SpreadExpression':
			case 'KeywordSpreadExpression':
				visit(node.argument);
				return;
			case 'SliceExpression':
				visit(node.start);
				visit(node.stop);
				visit(node.step);
				return;
			case 'Ternary':
				visit(node.condition);
				visit(node.trueExpr);
				visit(node.falseExpr);
				return;
			case 'IntegerLiteral':
			case 'FloatLiteral':
			case 'StringLiteral':
			case 'Comment':
			case 'Break':
			case 'Continue':
				return;
			default:
				// A node kind added by a newer @huggingface/jinja: refuse rather than miss a variable.
				throw new Error(`chat template check does not know template node type ${node.type}`);
		}
	}

	visit(program);
	return [...read].filter((name) => !bound.has(name) && !probed.has(name)).sort();
}
