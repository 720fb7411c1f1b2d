// The datasets stage reads OpenAssistant's own files: tests/fixtures/oasst/ holds lines written the
// way its exporter writes them (pydantic field order, every null field left out, ASCII escapes,
// `+00:00` dates with microseconds, labels `{"value": …, "count": …}` with null values, emojis,
// detoxify and events), in both layouts it publishes.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDatasets } from '../../../training/datasets/build';
import { bestThread, rankedLists } from '../../../training/datasets/conversations';
import { loadChatFormat } from '../../../training/datasets/load-chat-format';
import type { OasstMessage, OasstTree } from '../../../training/datasets/oasst-tree';
import { readTrees } from '../../../training/datasets/read-trees';

const TREES = 'tests/fixtures/oasst/trees.jsonl';
const MESSAGES = 'tests/fixtures/oasst/messages.jsonl';

function tempFile(name: string, content: string | Buffer): string {
	const path = join(mkdtempSync(join(tmpdir(), 'hearth-oasst-')), name);
	writeFileSync(path, content);
	return path;
}

const ids = (nodes: OasstMessage[]) => nodes.map((n) => n.message_id.slice(0, 8));

/** Each node's id and, nested, its replies': the shape of a tree and its sibling order. */
function shape(node: OasstMessage): unknown {
	return [node.message_id.slice(0, 8), (node.replies ?? []).map(shape)];
}

/** What oasst-data's tree_to_messages writes with --exclude-nulls: depth first, no nulls. */
function flatLines(tree: Record<string, unknown>): Record<string, unknown>[] {
	const lines: Record<string, unknown>[] = [];
	const visit = (node: Record<string, unknown>) => {
		const { replies, ...message } = node;
		lines.push({
			...message,
			message_tree_id: tree.message_tree_id,
			...(tree.tree_state ? { tree_state: tree.tree_state } : {})
		});
		for (const reply of (replies as Record<string, unknown>[] | undefined) ?? []) visit(reply);
	};
	visit(tree.prompt as Record<string, unknown>);
	return lines;
}

const rawTrees = () =>
	readFileSync(TREES, 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('reading OpenAssistant files', () => {
	it('reads a trees file as OpenAssistant writes it: absent fields, nulls, its shapes', () => {
		const raw = readFileSync(TREES, 'utf8');
		// The fixture really is in the exporter's shape: the initial prompts carry no parent_id key,
		// the older tree no tree_state, user_id or created_date.
		expect(raw).not.toContain('"parent_id": null');
		expect(raw).not.toContain('"tree_state": null');
		const [a, b, c] = readTrees(TREES);
		expect(a.tree_state).toBe('ready_for_export');
		expect(b.tree_state).toBeNull();
		expect(c.tree_state).toBeNull();
		for (const t of [a, b, c]) {
			expect(t.prompt.parent_id).toBeNull();
			expect(t.prompt.message_id).toBe(t.message_tree_id);
		}
		expect(a.prompt.created_date).toBe('2023-02-05T14:23:50.983374+00:00');
		expect(a.prompt.user_id).toBe('c3fe8c76-fc30-4fa7-b7f8-c492f5967d18');
		expect(a.prompt.emojis).toEqual({ '+1': 10, _skip_reply: 1, _skip_ranking: 2 });
		expect(a.prompt.labels?.spam).toEqual({ value: 0, count: 3 });
		expect(a.prompt.replies![0].replies![0].labels?.humor).toEqual({ value: null, count: 1 });
		expect(b.prompt.text).toBe('Wie heißt die Hauptstadt von Österreich?');
		expect(b.prompt.user_id).toBeUndefined();
		expect(b.prompt.created_date).toBeUndefined();
		expect(b.prompt.replies![1].lang).toBeUndefined();
		// Siblings stay in the file's order (OpenAssistant's: ranked first, in rank order).
		expect(ids(a.prompt.replies!)).toEqual(['f9b5d6a4', '0a6e6ad5', '8c1e3d2b', '1b2c3d4e']);
	});

	it('turns them into training conversations', () => {
		const [a, b, c] = readTrees(TREES);
		expect(bestThread(a).map((m) => m.text)).toEqual([
			'Can you explain what a monad is, in simple terms?',
			expect.stringMatching(/^A monad is a way to chain steps/),
			'Could you show one in Python?',
			expect.stringMatching(/^Optional chaining/)
		]);
		expect(rankedLists(a).map((l) => ids(l.replies))).toEqual([
			['c1d2e3f4', '3a4b5c6d']
			// The root's replies are not all ranked (one has no rank): no list for them.
		]);
		expect(rankedLists(b).map((l) => ids(l.replies))).toEqual([['e7f8091a', '1a2b3c4d']]);
		expect(bestThread(c).map((m) => m.text)).toEqual(['Name a prime number.', '7']);
		const format = loadChatFormat('training/demo-tokenizer');
		const data = buildDatasets([a, b, c, ...readTrees(MESSAGES)], format, {
			seed: 1,
			valFraction: 0,
			maxLength: 4096,
			maxNewTokens: 48
		});
		expect(data.too_long).toEqual({ sft: 0, rm: 0, eval: 0 });
		// One tree is always held out for validation.
		expect(data.sft.train.length + data.sft.val.length).toBe(4);
		expect([...data.rm.train, ...data.rm.val].map((l) => l.replies.length).sort()).toEqual([
			2, 2, 3
		]);
	});

	it('reads a messages file as OpenAssistant writes it, nesting the flat lines', () => {
		const [d] = readTrees(MESSAGES);
		expect(d.message_tree_id).toBe('7c6b5a49-3827-4160-9f8e-7d6c5b4a3928');
		expect(d.tree_state).toBe('ready_for_export');
		expect(d.prompt.parent_id).toBeNull();
		expect(shape(d.prompt)).toEqual([
			'7c6b5a49',
			[
				['f0e1d2c3', [['0e1d2c3b', [['a1b2c3d4', []]]]]],
				['b2c3d4e5', []],
				['c3d4e5f6', []]
			]
		]);
		expect(bestThread(d).map((m) => m.text)).toEqual([
			'What is 2 + 2?',
			'2 + 2 = 4.',
			'And 3 + 3?',
			'3 + 3 = 6.'
		]);
	});

	it('reads the same trees from either layout, with lines in any order, plain or gzip', () => {
		const fromTrees = readTrees(TREES);
		const lines = rawTrees().flatMap(flatLines);
		// Parents after children, trees interleaved: nesting does not depend on line order.
		const shuffled = [...lines].reverse();
		const path = tempFile(
			'sample.messages.jsonl',
			shuffled.map((l) => JSON.stringify(l)).join('\n')
		);
		const fromMessages = readTrees(path);
		// Trees come in the order the file first mentions them; siblings keep their relative order.
		expect(fromMessages.map((t) => t.message_tree_id)).toEqual(
			[...fromTrees].reverse().map((t) => t.message_tree_id)
		);
		const sorted = (trees: OasstTree[]) =>
			[...trees].sort((x, y) => (x.message_tree_id < y.message_tree_id ? -1 : 1));
		const reversedSiblings = (node: OasstMessage): OasstMessage => ({
			...node,
			replies: [...(node.replies ?? [])].reverse().map(reversedSiblings)
		});
		expect(sorted(fromMessages)).toEqual(
			sorted(fromTrees).map((t) => ({ ...t, prompt: reversedSiblings(t.prompt) }))
		);
		// In file order, both layouts read the same.
		const inOrder = tempFile('x.messages.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
		expect(readTrees(inOrder)).toEqual(fromTrees);
		const gz = tempFile('x.trees.jsonl.gz', gzipSync(readFileSync(TREES)));
		expect(readTrees(gz)).toEqual(fromTrees);
		const copy = join(mkdtempSync(join(tmpdir(), 'hearth-oasst-')), 'copy.jsonl');
		copyFileSync(MESSAGES, copy);
		expect(readTrees(copy)).toEqual(readTrees(MESSAGES));
	});

	it('puts message lines without message_tree_id in the tree of their initial prompt', () => {
		// OpenAssistant's backend wrote message files without tree ids for a while.
		const lines = rawTrees()
			.flatMap(flatLines)
			.map(({ message_tree_id: _id, tree_state: _state, ...message }) => message);
		const path = tempFile('old.messages.jsonl', lines.map((l) => JSON.stringify(l)).join('\n'));
		expect(readTrees(path).map((t) => [t.message_tree_id, shape(t.prompt)])).toEqual(
			readTrees(TREES).map((t) => [t.message_tree_id, shape(t.prompt)])
		);
	});

	it('leaves out a tree listed without a prompt', () => {
		const path = tempFile(
			'x.trees.jsonl',
			`{"message_tree_id": "0f0f0f0f-1111-4222-8333-444444444444", "tree_state": "aborted_low_grade"}\n` +
				readFileSync(TREES, 'utf8')
		);
		expect(readTrees(path).map((t) => t.message_tree_id)).toEqual(
			readTrees(TREES).map((t) => t.message_tree_id)
		);
		// A message line that lost its message_id is not taken for one.
		const broken = tempFile(
			'x.messages.jsonl',
			'{"text": "Hi", "role": "prompter", "lang": "en", "message_tree_id": "t1"}\n'
		);
		expect(() => readTrees(broken)).toThrow(
			`${broken}:1: line.message_id: Invalid input: expected string, received undefined`
		);
	});

	it('names file:line for broken flat files: an unknown parent, two initial prompts, a cycle', () => {
		const lines = readFileSync(MESSAGES, 'utf8').trim().split('\n');
		const orphan = JSON.parse(lines[3]);
		orphan.parent_id = '99999999-9999-4999-8999-999999999999';
		const second = JSON.parse(lines[4]);
		delete second.parent_id;
		const path = tempFile(
			'bad.messages.jsonl',
			[lines[0], lines[1], lines[2], JSON.stringify(orphan), JSON.stringify(second)].join('\n')
		);
		const message = (() => {
			try {
				readTrees(path);
			} catch (error) {
				return (error as Error).message;
			}
			return 'no error';
		})();
		expect(message.split('\n')).toEqual([
			`${path}:4: message a1b2c3d4-e5f6-4a7b-8c9d-e0f1a2b3c4d5: parent_id 99999999-9999-4999-8999-999999999999 is not a message of tree 7c6b5a49-3827-4160-9f8e-7d6c5b4a3928`,
			expect.stringMatching(
				new RegExp(
					`^${path}:5: message b2c3d4e5-f6a7-4b8c-9d0e-f1a2b3c4d5e6: a second initial prompt of tree 7c6b5a49-`
				)
			)
		]);
		const a = JSON.parse(lines[2]);
		const b = JSON.parse(lines[3]);
		a.parent_id = b.message_id; // a and b now answer each other
		const cycle = tempFile(
			'cycle.messages.jsonl',
			[lines[0], lines[1], JSON.stringify(a), JSON.stringify(b)].join('\n')
		);
		expect(() => readTrees(cycle)).toThrow(
			/:3: message 0e1d2c3b-[^:]*: parent_id a1b2c3d4-\S+ does not lead to the initial prompt/
		);
	});
});
