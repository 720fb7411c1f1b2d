import { describe, expect, it } from 'vitest';
import { exportFileName, exportJson, exportMarkdown } from '$lib/chat/export';
import { branchyConversation } from './fixtures';

const conversation = {
	id: 'c1',
	title: 'Units: km → miles?',
	createdAt: 1,
	systemPrompt: 'Be brief.',
	currentLeafId: 'u3'
};

describe('exportMarkdown', () => {
	it('writes the visible branch only, with the system prompt first', () => {
		expect(exportMarkdown(conversation, branchyConversation())).toBe(
			'# Units: km → miles?\n\n## System\n\nBe brief.\n\n## User\n\nu1\n\n## Assistant\n\na1b\n\n## User\n\nu3\n'
		);
	});
	it('omits an empty system prompt and names an untitled conversation', () => {
		const md = exportMarkdown(
			{ ...conversation, title: ' ', systemPrompt: '', currentLeafId: null },
			[]
		);
		expect(md).toBe('# Untitled conversation\n');
	});
});

describe('exportJson', () => {
	it('keeps every branch so the tree can be rebuilt', () => {
		const parsed = JSON.parse(exportJson(conversation, branchyConversation().reverse()));
		expect(parsed.format).toBe('hearth.conversation');
		expect(parsed.version).toBe(1);
		expect(parsed.conversation.currentLeafId).toBe('u3');
		expect(parsed.messages.map((m: { id: string }) => m.id)).toEqual(
			branchyConversation().map((m) => m.id)
		);
	});
});

describe('exportFileName', () => {
	it('makes a portable slug from the title', () => {
		expect(exportFileName(conversation, 'md')).toBe('units-km-miles.md');
		expect(exportFileName({ ...conversation, title: '???' }, 'json')).toBe('conversation.json');
	});
});
