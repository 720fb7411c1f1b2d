// The Chat page's state: the conversation list, the open conversation's tree, and the replies
// being streamed. Created by the page and handed to its components through context, never a
// module-level singleton: a module instance would be shared by every page and every test in
// the same JavaScript realm, so one chat's stream could leak into another's view.
//
// Tree logic comes from the pure functions beside this file; storage from the repositories,
// each change in one Dexie transaction with `$state.snapshot()` copies; inference from the
// engine client. This class only sequences them and holds what the UI shows.
import { SvelteMap } from 'svelte/reactivity';
import type { HearthStorage } from '$lib/db/open';
import type { DonatedMessage } from '$lib/protocol/donations';
import type { StoredConversation } from '$lib/db/records/conversation';
import type { StoredMessage } from '$lib/db/records/message';
import type {
	GenerationParamsInput,
	GenerationResult,
	InferenceWorkerApi,
	LoadedModel,
	LoadProgress,
	TokenEvent
} from '$lib/protocol/inference';
import type { ChatTools } from '$lib/tools/chat-tools';
import { offeredTools } from '$lib/tools/tool-settings';
import { addChild, continuationOf, editUserMessage, regenerate } from './branch';
import { deleteSubtree } from './delete-subtree';
import { exportJson, exportMarkdown, type ExportedConversation } from './export';
import { promptMessages, titleFrom } from './prompt';
import { ReplyStream } from './reply-stream.svelte';
import type { ToolLoop, ToolLoopResult } from './tool-loop';
import { findNode, pathTo, siblingsOf, switchSibling } from './tree';

/** What chat needs from the inference engine. */
export interface ReplyEngine {
	/** Loads the model chosen for this device when none is loaded; resolves to its id. */
	ready(onProgress: (progress: LoadProgress) => void): Promise<string>;
	/** The registry version of a model `ready` loaded; null for a model from elsewhere. */
	versionOf(modelId: string): Promise<number | null>;
	/** Whether and how the loaded model `modelId` can be given tools, and how much it reads;
	 * null when `modelId` is not the one loaded. */
	toolUse(modelId: string): Promise<Pick<LoadedModel, 'toolUse' | 'contextWindow'> | null>;
	generate: InferenceWorkerApi['generate'];
	interrupt(): Promise<unknown>;
}

/** What a reply is offered when its model can use tools. */
type ToolOffer = Pick<ToolLoop, 'tools' | 'maxRounds' | 'contextWindow'>;

const ACTIVE_KEY = 'chat.activeConversation';
/** How often a streaming reply is saved, so a closed tab keeps all but the last moment of it. */
const SAVE_EVERY_MS = 1000;
/** Turns alternate (the chat template and the export rely on it), so a message without a reply
 * takes no second one after it. */
const UNANSWERED =
	'Your last message has no reply yet. Choose “Get a reply” under it, or edit it, and send this one after.';

/** A message that was not stored, for the reason its message gives: its text is still the user's. */
export class MessageNotSent extends Error {
	constructor(cause: unknown) {
		super(cause instanceof Error ? cause.message : String(cause), { cause });
		this.name = 'MessageNotSent';
	}
}

export type Sampling = NonNullable<StoredConversation['sampling']>;
export type ConversationSettings = Pick<StoredConversation, 'systemPrompt' | 'sampling' | 'tools'>;

export class ChatSession {
	conversations = $state<StoredConversation[]>([]);
	activeId = $state<string | null>(null);
	/** Every message of the open conversation, all branches. */
	messages = $state<StoredMessage[]>([]);
	/** Replies in flight, by conversation id. */
	readonly streams = new SvelteMap<string, ReplyStream>();
	/** Settings for the conversation the first message will create. */
	pendingSettings = $state<ConversationSettings>({});
	/** The last thing that went wrong outside a reply (storage, a refused edit), for a banner. */
	error = $state<string | null>(null);

	readonly active = $derived(this.conversations.find((c) => c.id === this.activeId) ?? null);
	/** The visible thread: root → the open conversation's current leaf. */
	readonly thread = $derived(pathTo(this.messages, this.active?.currentLeafId ?? null));
	/** The reply streaming in the open conversation (a getter: SvelteMap reads stay live outside effects too). */
	get activeStream(): ReplyStream | null {
		return this.activeId ? (this.streams.get(this.activeId) ?? null) : null;
	}

	#generation: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly storage: HearthStorage,
		private readonly engine: ReplyEngine,
		private readonly now: () => number = Date.now,
		/** The tools replies may call; without them replies are text only. */
		private readonly tools: ChatTools | null = null
	) {}

	/** Loads the list and reopens the conversation that was open before the reload. */
	async init(): Promise<void> {
		this.conversations = await this.storage.conversations.recent();
		const last = await this.storage.settings.get<string | null>(ACTIVE_KEY, null);
		if (last && this.conversations.some((c) => c.id === last)) await this.open(last);
	}

	async open(id: string | null): Promise<void> {
		this.activeId = id;
		this.messages = id ? await this.storage.messages.inConversation(id) : [];
		await this.storage.settings.set(ACTIVE_KEY, id);
	}

	/** Leaves the composer on an empty conversation; it is created when the first message is sent. */
	async startNew(): Promise<void> {
		await this.open(null);
	}

	/** Conversations whose title or any message contains `query`, most recent first. */
	async search(query: string): Promise<StoredConversation[]> {
		const q = query.trim().toLowerCase();
		if (!q) return this.conversations;
		const mentioning = await this.storage.chatThread.conversationsMentioning(q);
		return this.conversations.filter(
			(c) => c.title.toLowerCase().includes(q) || mentioning.has(c.id)
		);
	}

	async rename(id: string, title: string): Promise<void> {
		const clean = title.trim();
		if (!clean) throw new Error('a conversation needs a title');
		await this.storage.conversations.update(id, { title: clean }, this.now());
		this.#patchConversation(id, { title: clean });
	}

	async remove(id: string): Promise<void> {
		this.stop(id);
		await this.storage.conversations.remove(id);
		this.conversations = this.conversations.filter((c) => c.id !== id);
		if (this.activeId === id) await this.open(null);
	}

	/** Changes a conversation's settings; with a null id, those of the conversation not started yet. */
	async updateSettings(id: string | null, settings: ConversationSettings): Promise<void> {
		if (id === null) {
			this.pendingSettings = { ...this.pendingSettings, ...settings };
			return;
		}
		await this.storage.conversations.update(id, settings, this.now());
		this.#patchConversation(id, settings);
	}

	/**
	 * Sends `text` as the next user message of the open conversation (creating it if needed) and
	 * streams the reply. Throws MessageNotSent when the message was not stored, so whoever took
	 * the text from the user can give it back; a failure after that is thrown as it is.
	 */
	async send(text: string): Promise<void> {
		const content = text.trim();
		if (!content) return;
		const draftKey = composerKey(this.activeId);
		const { conversation, user, reply, grown } = await this.#storeQuestion(content).catch(
			(error: unknown) => {
				throw new MessageNotSent(error);
			}
		);
		this.pendingSettings = {};
		await this.storage.drafts.discard(draftKey);
		await this.#stream(conversation.id, reply, pathTo(grown, user.id));
	}

	/**
	 * Stores `content` as the open conversation's next user message (creating the conversation if
	 * needed), with the empty reply that will stream into it; refuses when it cannot follow.
	 */
	async #storeQuestion(content: string) {
		const settings = this.active ? {} : $state.snapshot(this.pendingSettings);
		const conversation = this.active ?? (await this.#create(titleFrom(content)));
		if (this.streams.has(conversation.id))
			throw new Error('wait for the reply to finish or stop it');
		const leaf = conversation.currentLeafId && findNode(this.messages, conversation.currentLeafId);
		if (leaf && leaf.role === 'user') throw new Error(UNANSWERED);
		const user = this.#message(conversation.id, conversation.currentLeafId, 'user', content);
		const reply = this.#message(conversation.id, user.id, 'assistant', '');
		const grown = addChild(addChild(this.messages, user).messages, reply).messages;
		// A new conversation gets the settings chosen before its first message, in the same write.
		await this.#commit(conversation.id, grown, [user, reply], [], {
			currentLeafId: reply.id,
			...settings
		});
		return { conversation, user, reply, grown };
	}

	/** A new reply to the same prompt, as a sibling of `assistantId`. */
	async regenerate(assistantId: string): Promise<void> {
		const conversationId = this.#idle();
		const reply = this.#message(conversationId, null, 'assistant', '');
		const { messages, node } = regenerate(this.messages, assistantId, reply);
		await this.#commit(conversationId, messages, [node], [], { currentLeafId: node.id });
		await this.#stream(conversationId, node, pathTo(messages, node.parentId));
	}

	/** A reply to a message that has none (its reply was deleted). */
	async replyTo(userId: string): Promise<void> {
		const conversationId = this.#idle();
		const reply = this.#message(conversationId, userId, 'assistant', '');
		const { messages } = addChild(this.messages, reply);
		await this.#commit(conversationId, messages, [reply], [], { currentLeafId: reply.id });
		await this.#stream(conversationId, reply, pathTo(messages, userId));
	}

	/**
	 * An edited copy of a user message as its sibling, and a reply to it. Editing the first
	 * message retitles the conversation, unless the user renamed it by hand.
	 */
	async edit(userId: string, text: string): Promise<void> {
		const conversationId = this.#idle();
		const edited = this.#message(conversationId, null, 'user', text.trim());
		const withEdit = editUserMessage(this.messages, userId, edited);
		const reply = this.#message(conversationId, withEdit.node.id, 'assistant', '');
		const { messages } = addChild(withEdit.messages, reply);
		const title = titleAfterEdit(this.active?.title, findNode(this.messages, userId), edited);
		await this.#commit(conversationId, messages, [withEdit.node, reply], [], {
			currentLeafId: reply.id,
			...(title ? { title } : {})
		});
		await this.#stream(conversationId, reply, pathTo(messages, withEdit.node.id));
	}

	/** Extends a reply that was cut off by max tokens or Stop. */
	async continueReply(assistantId: string): Promise<void> {
		const conversationId = this.#idle();
		const thread = continuationOf(this.messages, assistantId);
		const reply = thread.at(-1)!;
		// Clear the finish reason first: a reload mid-continuation shows it as unfinished.
		const reopened = { ...reply, finishReason: undefined };
		const messages = this.messages.map((m) => (m.id === reply.id ? reopened : m));
		await this.#commit(conversationId, messages, [reopened], [], { currentLeafId: reply.id });
		await this.#stream(conversationId, reopened, thread.slice(0, -1), reply.content);
	}

	/** Stops the reply streaming in `conversationId` (the open one by default). */
	stop(conversationId: string | null = this.activeId): void {
		const stream = conversationId ? this.streams.get(conversationId) : undefined;
		if (!stream || stream.stopped) return;
		stream.controller.abort();
		stream.answerPermission(false);
		if (stream.phase === 'streaming') void this.engine.interrupt();
	}

	/**
	 * The user's answer to "may the encyclopedia run in this conversation?", asked by the reply
	 * in `conversationId` when its model first reached for a network tool; kept for the
	 * conversation.
	 */
	async allowNetworkTools(conversationId: string, allowed: boolean): Promise<void> {
		const conversation = this.conversations.find((c) => c.id === conversationId);
		const tools = { ...conversation?.tools, network: allowed ? 'allowed' : 'refused' } as const;
		await this.updateSettings(conversationId, { tools });
		this.streams.get(conversationId)?.answerPermission(allowed);
	}

	/** Shows the sibling `offset` places from `id` (‹ -1, › +1), at its newest leaf. */
	async switchTo(id: string, offset: number): Promise<void> {
		const conversation = this.active;
		if (!conversation) return;
		const leafId = switchSibling(this.messages, id, offset);
		if (leafId === conversation.currentLeafId) return;
		await this.#commit(conversation.id, this.messages, [], [], { currentLeafId: leafId });
	}

	siblings(id: string): { count: number; index: number } {
		const { siblings, index } = siblingsOf(this.messages, id);
		return { count: siblings.length, index };
	}

	/** Deletes a message and everything after it in its branch. */
	async deleteMessage(id: string): Promise<void> {
		const conversationId = this.#idle();
		const { messages, removedIds, leafId } = deleteSubtree(
			this.messages,
			id,
			this.active?.currentLeafId ?? null
		);
		await this.#commit(conversationId, messages, [], removedIds, { currentLeafId: leafId });
	}

	/** Thumbs up/down on a reply; the same thumb again clears it. */
	async rate(id: string, feedback: 'up' | 'down'): Promise<void> {
		const message = findNode(this.messages, id);
		if (message.role !== 'assistant') throw new Error('only replies can be rated');
		const rated = { ...message, feedback: message.feedback === feedback ? null : feedback };
		const at = this.now();
		await this.storage.messages.save(rated, {}, at);
		this.#replaceMessage(rated);
		this.#patchConversation(rated.conversationId, { updatedAt: at });
	}

	/** "Share to improve Hearth": queues the open conversation's donation (chat/donation.ts). */
	async donate(donation: { lang: string; messages: DonatedMessage[] }): Promise<void> {
		const id = this.activeId;
		if (!id) throw new Error('Open a conversation to share it.');
		const at = this.now();
		// Loaded on demand: the protocol's validation (zod) stays off the first visit's bundle.
		const { queueDonation } = await import('./queue-donation');
		const shared = await queueDonation(this.storage, id, donation, at);
		this.#patchConversation(id, { donation: shared, updatedAt: at });
	}

	/** Takes the open conversation's donation back: the server erases it on the next sync. */
	async withdrawDonation(): Promise<void> {
		const id = this.activeId;
		if (!id) throw new Error('Open a conversation to withdraw it.');
		const at = this.now();
		const { queueWithdrawal } = await import('./queue-donation');
		const withdrawn = await queueWithdrawal(this.storage, id, at);
		this.#patchConversation(id, { donation: withdrawn, updatedAt: at });
	}

	exportMarkdown(): string {
		return exportMarkdown(this.#exported(), this.messages);
	}

	exportJson(): string {
		return exportJson(this.#exported(), this.messages);
	}

	loadDraft(conversationId: string | null): Promise<string> {
		return this.storage.drafts
			.get<string>(composerKey(conversationId))
			.then((draft) => draft?.value ?? '');
	}

	saveDraft(conversationId: string | null, text: string): Promise<void> {
		return text
			? this.storage.drafts.save(composerKey(conversationId), text, this.now())
			: this.storage.drafts.discard(composerKey(conversationId));
	}

	#exported(): ExportedConversation {
		const c = this.active;
		if (!c) throw new Error('open a conversation to export it');
		return {
			id: c.id,
			title: c.title,
			createdAt: c.createdAt,
			systemPrompt: c.systemPrompt ?? '',
			currentLeafId: c.currentLeafId
		};
	}

	/** The open conversation's id, refusing while a reply is still streaming in it. */
	#idle(): string {
		const id = this.activeId;
		if (!id) throw new Error('no conversation is open');
		if (this.streams.has(id)) throw new Error('wait for the reply to finish or stop it');
		return id;
	}

	async #create(title: string): Promise<StoredConversation> {
		const created = await this.storage.conversations.create({ title }, this.now());
		this.conversations = [created, ...this.conversations];
		await this.open(created.id);
		return this.conversations[0];
	}

	#message(
		conversationId: string,
		parentId: string | null,
		role: StoredMessage['role'],
		content: string
	): StoredMessage {
		return {
			id: crypto.randomUUID(),
			conversationId,
			parentId,
			role,
			content,
			createdAt: this.now(),
			model: null,
			stats: null
		};
	}

	/** Writes a change in one transaction, then shows it. */
	async #commit(
		conversationId: string,
		messages: StoredMessage[],
		put: StoredMessage[],
		remove: string[],
		conversation: Partial<StoredConversation>
	): Promise<void> {
		const at = this.now();
		await this.storage.chatThread.apply(conversationId, { put, remove, conversation }, at);
		if (this.activeId === conversationId) this.messages = messages;
		this.#patchConversation(conversationId, { ...conversation, updatedAt: at });
	}

	#patchConversation(id: string, changes: Partial<StoredConversation>): void {
		const index = this.conversations.findIndex((c) => c.id === id);
		if (index < 0) return;
		const updated = { ...this.conversations[index], ...changes };
		const rest = this.conversations.filter((c) => c.id !== id);
		// A change that marks activity moves the conversation to the top, as the list is ordered.
		this.conversations = changes.updatedAt
			? [updated, ...rest]
			: this.conversations.map((c) => (c.id === id ? updated : c));
	}

	#replaceMessage(message: StoredMessage): void {
		if (this.activeId !== message.conversationId) return;
		this.messages = this.messages.map((m) => (m.id === message.id ? message : m));
	}

	/**
	 * Generates into `reply`. Replies run one at a time (there is one engine); a second
	 * conversation's reply waits its turn and can be stopped while it waits.
	 */
	async #stream(
		conversationId: string,
		reply: StoredMessage,
		history: StoredMessage[],
		prefix = ''
	): Promise<void> {
		const stream = new ReplyStream(reply.id, prefix);
		this.streams.set(conversationId, stream);
		const turn = this.#generation.then(() =>
			this.#generate(conversationId, reply, history, stream)
		);
		this.#generation = turn.catch(() => undefined);
		try {
			await turn;
		} finally {
			this.streams.delete(conversationId);
		}
	}

	async #generate(
		conversationId: string,
		reply: StoredMessage,
		history: StoredMessage[],
		stream: ReplyStream
	): Promise<void> {
		let saved = this.now();
		const save = (changes: Partial<StoredMessage>) => {
			const next: StoredMessage = {
				...reply,
				content: stream.visibleText,
				...(stream.steps.length ? { steps: $state.snapshot(stream.steps) } : {}),
				...changes
			};
			this.#replaceMessage(next);
			return this.storage.messages.save(next, {}, this.now());
		};
		try {
			if (stream.stopped) return void (await save({ finishReason: 'interrupted' }));
			stream.phase = 'loading';
			const modelId = await this.engine.ready((progress) => (stream.status = progress.text));
			// Which version wrote a reply, so feedback and donated chats can name it.
			const model = { model: modelId, modelVersion: await this.engine.versionOf(modelId) };
			if (stream.stopped) return void (await save({ finishReason: 'interrupted', ...model }));
			const conversation = this.conversations.find((c) => c.id === conversationId);
			// Plain copies: the worker receives them by structured clone, which refuses state proxies.
			const prompt = promptMessages(
				conversation?.systemPrompt,
				$state.snapshot([
					...history,
					...(stream.prefix ? [{ ...reply, content: stream.prefix }] : [])
				])
			);
			const params: GenerationParamsInput = { ...conversation?.sampling };
			const onToken = (event: TokenEvent) => {
				stream.text += event.text;
				stream.tokens = event.tokenIndex;
				if (this.now() - saved >= SAVE_EVERY_MS) {
					saved = this.now();
					void save(model);
				}
			};
			// A continued reply carries on its own text, so it is not offered tools again.
			const offer = stream.prefix ? null : await this.#toolOffer(modelId, conversation);
			stream.phase = 'streaming';
			const outcome: ToolLoopResult = offer
				? await this.#generateWithTools(conversationId, stream, prompt, params, offer, {
						onToken,
						onStep: () => void save(model)
					})
				: { result: await this.engine.generate(prompt, params, onToken), steps: [] };
			const { result, error } = outcome;
			stream.text = stream.prefix + result.text;
			await save({
				...model,
				stats: result.stats,
				...(error ? { finishReason: 'error', error } : { finishReason: result.finishReason })
			});
		} catch (error) {
			await save({
				finishReason: 'error',
				error: error instanceof Error ? error.message : String(error)
			});
		}
	}

	/** The tools this reply may call and how many rounds it may take; null when none. */
	async #toolOffer(
		modelId: string,
		conversation: StoredConversation | undefined
	): Promise<ToolOffer | null> {
		if (!this.tools) return null;
		const model = await this.engine.toolUse(modelId);
		if (!model?.toolUse) return null;
		const settings = await this.tools.settings();
		if (!settings.enabled || conversation?.tools?.off) return null;
		const tools = offeredTools(await this.tools.load(), settings, conversation?.tools);
		return tools.length
			? { tools, maxRounds: settings.maxRounds, contextWindow: model.contextWindow }
			: null;
	}

	async #generateWithTools(
		conversationId: string,
		stream: ReplyStream,
		prompt: ReturnType<typeof promptMessages>,
		params: GenerationParamsInput,
		offer: ToolOffer,
		progress: { onToken: (event: TokenEvent) => void; onStep: () => void }
	): Promise<ToolLoopResult> {
		// Loaded with the tools, on the first reply that has any: tools' schemas need zod, which
		// stays off the first visit's bundle.
		const { generateWithTools } = await import('./tool-loop');
		return generateWithTools({
			messages: prompt,
			params,
			...offer,
			signal: stream.controller.signal,
			generate: (messages, roundParams): Promise<GenerationResult> => {
				stream.text = '';
				stream.phase = 'streaming';
				return this.engine.generate(messages, roundParams, progress.onToken);
			},
			onStep: (steps) => {
				stream.phase = 'tool';
				stream.text = '';
				stream.steps = structuredClone(steps);
				progress.onStep();
			},
			allow: async () => {
				const decided = this.conversations.find((c) => c.id === conversationId)?.tools?.network;
				if (decided) return decided === 'allowed';
				return stream.askPermission();
			}
		});
	}
}

/**
 * The title a conversation takes when `original` is edited into `edited`: the edit's, when the
 * first message was edited and the title is still the one made from it (a title the user chose
 * stays). Null when the title stays as it is.
 */
export function titleAfterEdit(
	title: string | undefined,
	original: Pick<StoredMessage, 'parentId' | 'content'>,
	edited: Pick<StoredMessage, 'content'>
): string | null {
	if (original.parentId !== null || title !== titleFrom(original.content)) return null;
	const next = titleFrom(edited.content);
	return next === title ? null : next;
}

export function composerKey(conversationId: string | null): string {
	return `chat:${conversationId ?? 'new'}`;
}
