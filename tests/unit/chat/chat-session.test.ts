// Client compilation (jsdom) so the session's runes behave as in the browser.
// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { ChatSession, MessageNotSent } from '$lib/chat/chat-session.svelte';
import type { HearthStorage } from '$lib/db/open';
import { openTestStorage } from '../db/open-test-storage';
import { ScriptedEngine } from './scripted-engine';

function setup() {
	const { storage } = openTestStorage();
	const engine = new ScriptedEngine();
	let clock = 1_000_000;
	const now = () => (clock += 10);
	const session = new ChatSession(storage, engine, now);
	return { storage, engine, session, now };
}

/** The same storage opened by a fresh page, as after a reload. */
async function reload(storage: HearthStorage, engine = new ScriptedEngine()): Promise<ChatSession> {
	const session = new ChatSession(storage, engine);
	await session.init();
	return session;
}

/** Waits (a few event-loop turns at a time) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
	for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
	expect(condition()).toBe(true);
}

const texts = (session: ChatSession) => session.thread.map((m) => `${m.role}:${m.content}`);

describe('ChatSession', () => {
	it('sends a message, streams the reply and keeps both after a reload', async () => {
		const { storage, engine, session } = setup();
		await session.init();
		engine.replies = ['Hello there, friend.'];
		await session.send('  Hi! How are you today?  ');

		expect(session.active?.title).toBe('Hi! How are you today?');
		expect(texts(session)).toEqual([
			'user:Hi! How are you today?',
			'assistant:Hello there, friend.'
		]);
		const reply = session.thread[1];
		expect(reply).toMatchObject({ model: 'scripted-model', modelVersion: 3, finishReason: 'stop' });
		expect(reply.stats?.decodeTokensPerSecond).toBe(25);
		expect(session.streams.size).toBe(0);

		const again = await reload(storage);
		expect(again.activeId).toBe(session.activeId);
		expect(texts(again)).toEqual(texts(session));
		expect(again.thread[1].stats).toEqual(reply.stats);
	});

	it('shows the streamed text while the reply is being written', async () => {
		const { engine, session } = setup();
		engine.replies = ['one two three four'];
		const sending = session.send('count');
		await engine.afterTokens(2);
		expect(session.activeStream?.phase).toBe('streaming');
		expect(session.activeStream?.text).toBe('one two ');
		await sending;
		expect(session.activeStream).toBeNull();
	});

	it('sends the system prompt and the conversation sampling settings', async () => {
		const { engine, session } = setup();
		await session.send('first');
		await session.updateSettings(session.activeId!, {
			systemPrompt: 'You are terse.',
			sampling: { temperature: 0, maxTokens: 64 }
		});
		await session.send('second');
		expect(engine.prompts[1].messages).toEqual([
			{ role: 'system', content: 'You are terse.' },
			{ role: 'user', content: 'first' },
			{ role: 'assistant', content: 'ok' },
			{ role: 'user', content: 'second' }
		]);
		expect(engine.prompts[1].params).toEqual({ temperature: 0, maxTokens: 64 });
	});

	it('starts a conversation with the settings chosen before its first message', async () => {
		const { engine, session } = setup();
		await session.updateSettings(null, { systemPrompt: 'Be kind.' });
		await session.updateSettings(null, { sampling: { temperature: 0 } });
		await session.send('hello');
		expect(session.active).toMatchObject({
			systemPrompt: 'Be kind.',
			sampling: { temperature: 0 }
		});
		expect(engine.prompts[0].messages[0]).toEqual({ role: 'system', content: 'Be kind.' });
		expect(engine.prompts[0].params).toEqual({ temperature: 0 });
		expect(session.pendingSettings).toEqual({});
	});

	it('regenerates as a sibling the switcher moves between, and a reload keeps the branch shown', async () => {
		const { storage, engine, session } = setup();
		engine.replies = ['first answer', 'second answer'];
		await session.send('question');
		const first = session.thread[1];
		await session.regenerate(first.id);
		const second = session.thread[1];
		expect(second.content).toBe('second answer');
		expect(session.siblings(second.id)).toEqual({ count: 2, index: 1 });
		expect(engine.prompts[1].messages).toEqual([{ role: 'user', content: 'question' }]);

		await session.switchTo(second.id, -1);
		expect(session.thread[1].content).toBe('first answer');
		const again = await reload(storage);
		expect(texts(again)).toEqual(['user:question', 'assistant:first answer']);
		await again.switchTo(first.id, +1);
		expect(again.thread[1].content).toBe('second answer');
	});

	it('edits a user message into a new branch with its own reply, keeping the old one', async () => {
		const { engine, session } = setup();
		engine.replies = ['a1', 'a2', 'a2 edited'];
		await session.send('q1');
		await session.send('q2');
		const q2 = session.thread[2];
		await session.edit(q2.id, 'q2, better');
		expect(texts(session)).toEqual([
			'user:q1',
			'assistant:a1',
			'user:q2, better',
			'assistant:a2 edited'
		]);
		expect(session.siblings(session.thread[2].id)).toEqual({ count: 2, index: 1 });
		await session.switchTo(session.thread[2].id, -1);
		expect(texts(session)).toEqual(['user:q1', 'assistant:a1', 'user:q2', 'assistant:a2']);
	});

	it('editing the first message retitles the conversation, unless the user renamed it', async () => {
		const { storage, engine, session } = setup();
		engine.replies = ['a1', 'a2', 'a1 edited', 'a1 again'];
		await session.send('What is 2 plus 3?');
		await session.send('And 4 plus 4?');
		expect(session.active?.title).toBe('What is 2 plus 3?');

		// A later message's edit leaves the title alone.
		await session.edit(session.thread[2].id, 'And 5 plus 5?');
		expect(session.active?.title).toBe('What is 2 plus 3?');

		await session.edit(session.thread[0].id, 'What is the capital of France?');
		expect(session.active?.title).toBe('What is the capital of France?');
		expect(session.conversations[0].title).toBe('What is the capital of France?');
		expect((await reload(storage)).active?.title).toBe('What is the capital of France?');

		await session.rename(session.activeId!, 'Geography');
		await session.edit(session.thread[0].id, 'What is the capital of Spain?');
		expect(session.active?.title).toBe('Geography');
	});

	it('stops within a token, keeps the partial reply, and continues it', async () => {
		const { storage, engine, session } = setup();
		engine.replies = ['one two three four five six', 'seven eight'];
		const sending = session.send('count to eight');
		await engine.afterTokens(2);
		session.stop();
		await sending;
		const cut = session.thread[1];
		expect(cut.finishReason).toBe('interrupted');
		expect(cut.content).toMatch(/^one two (three )?$/);

		await session.continueReply(cut.id);
		expect(engine.prompts[1].messages.at(-1)).toEqual({ role: 'assistant', content: cut.content });
		const continued = session.thread[1];
		expect(continued.id).toBe(cut.id);
		expect(continued.content).toBe(`${cut.content}seven eight`);
		expect(continued.finishReason).toBe('stop');
		expect(texts(await reload(storage))).toEqual(texts(session));
	});

	it('marks a reply cut at max tokens as continuable and refuses to continue a finished one', async () => {
		const { engine, session } = setup();
		engine.replies = ['a b c d e'];
		await session.send('letters');
		await session.updateSettings(session.activeId!, { sampling: { maxTokens: 2 } });
		await session.regenerate(session.thread[1].id);
		expect(session.thread[1]).toMatchObject({ content: 'ok', finishReason: 'stop' });
		await expect(session.continueReply(session.thread[1].id)).rejects.toThrow(
			'nothing to continue'
		);
		engine.replies = ['x y z'];
		await session.regenerate(session.thread[1].id);
		expect(session.thread[1]).toMatchObject({ content: 'x y ', finishReason: 'length' });
	});

	it('keeps a failed reply with a readable error, and the conversation stays usable', async () => {
		const { engine, session } = setup();
		engine.failNext = new Error('The model could not be loaded: out of memory');
		await session.send('hello');
		expect(session.thread[1]).toMatchObject({
			finishReason: 'error',
			error: 'The model could not be loaded: out of memory'
		});
		await session.regenerate(session.thread[1].id);
		expect(session.thread[1]).toMatchObject({ content: 'ok', finishReason: 'stop' });
	});

	it('lets a second conversation wait for the engine, and stops it while waiting', async () => {
		const { engine, session } = setup();
		engine.replies = ['slow reply with many words in it'];
		const first = session.send('first chat');
		await engine.afterTokens(1);
		const release = engine.hold();
		const firstId = session.activeId;
		await session.startNew();
		const second = session.send('second chat');
		await until(() => session.activeId !== null && session.activeId !== firstId);
		const secondId = session.activeId!;
		await until(() => session.streams.has(secondId));
		expect(session.streams.get(secondId)?.phase).toBe('waiting');
		session.stop(secondId);
		release();
		await Promise.all([first, second]);
		expect(session.thread[1]).toMatchObject({ content: '', finishReason: 'interrupted' });
		expect(engine.prompts).toHaveLength(1);
		await session.open(firstId);
		expect(session.thread[1].content).toBe('slow reply with many words in it');
	});

	it('deletes a branch and shows its neighbour', async () => {
		const { engine, session } = setup();
		engine.replies = ['a', 'b'];
		await session.send('q');
		const a = session.thread[1];
		await session.regenerate(a.id);
		await session.deleteMessage(session.thread[1].id);
		expect(session.thread.map((m) => m.id)).toEqual([session.thread[0].id, a.id]);
		expect(session.siblings(a.id).count).toBe(1);
	});

	it('refuses a message after one whose reply was deleted, storing nothing, and gets that reply', async () => {
		const { storage, engine, session } = setup();
		engine.replies = ['a', 'b'];
		await session.send('q');
		await session.deleteMessage(session.thread[1].id);
		expect(texts(session)).toEqual(['user:q']);

		const refused = session.send('another');
		await expect(refused).rejects.toThrow(/has no reply yet.*Get a reply/);
		await expect(refused).rejects.toBeInstanceOf(MessageNotSent);
		expect(texts(session)).toEqual(['user:q']);
		expect(texts(await reload(storage))).toEqual(['user:q']);

		await session.replyTo(session.thread[0].id);
		expect(texts(session)).toEqual(['user:q', 'assistant:b']);
		await session.send('another');
		expect(texts(session)).toEqual(['user:q', 'assistant:b', 'user:another', 'assistant:ok']);
	});

	it('says a message was not sent only when it was not stored', async () => {
		const { storage, session } = setup();
		storage.drafts.discard = async () => {
			throw new Error('the disk is full');
		};
		const failing = session.send('kept');
		await expect(failing).rejects.toThrow('the disk is full');
		await expect(failing).rejects.not.toBeInstanceOf(MessageNotSent);
		expect(texts(await reload(storage))[0]).toBe('user:kept');
	});

	it('stores thumbs on replies, toggling off on a second click', async () => {
		const { storage, session } = setup();
		await session.send('q');
		const reply = session.thread[1];
		await session.rate(reply.id, 'up');
		expect((await reload(storage)).thread[1].feedback).toBe('up');
		await session.rate(reply.id, 'up');
		expect(session.thread[1].feedback).toBeNull();
		await expect(session.rate(session.thread[0].id, 'down')).rejects.toThrow('only replies');
	});

	it('renames, searches by title and by message text, and deletes conversations', async () => {
		const { session } = setup();
		await session.send('about cheese');
		const cheese = session.activeId!;
		await session.startNew();
		await session.send('about bread');
		await session.rename(session.activeId!, 'Baking');
		expect((await session.search('bak')).map((c) => c.title)).toEqual(['Baking']);
		expect((await session.search('CHEESE')).map((c) => c.id)).toEqual([cheese]);
		expect(await session.search('')).toHaveLength(2);
		await expect(session.rename(cheese, '  ')).rejects.toThrow('needs a title');
		await session.remove(session.activeId!);
		expect(session.activeId).toBeNull();
		expect(session.conversations.map((c) => c.id)).toEqual([cheese]);
	});

	it('keeps the composer draft until it is sent', async () => {
		const { storage, session } = setup();
		await session.saveDraft(null, 'half a thought');
		expect(await (await reload(storage)).loadDraft(null)).toBe('half a thought');
		await session.send('half a thought, finished');
		expect(await session.loadDraft(null)).toBe('');
	});

	it('exports the visible branch as Markdown and the whole tree as JSON', async () => {
		const { engine, session } = setup();
		engine.replies = ['a', 'b'];
		await session.send('q');
		await session.regenerate(session.thread[1].id);
		expect(session.exportMarkdown()).toBe('# q\n\n## User\n\nq\n\n## Assistant\n\nb\n');
		expect(JSON.parse(session.exportJson()).messages).toHaveLength(3);
	});
});
