import { describe, expect, it } from 'vitest';
import { describeDocument, isMarkdown } from '$lib/documents/describe-document';
import { overTheLimit } from '$lib/documents/limits';
import { noteDraftKey, noteTitle, parseNoteDraft } from '$lib/documents/note-fields';

describe('note fields', () => {
	it('keys a new note’s draft and each document’s apart from other drafts', () => {
		expect(noteDraftKey(null)).toBe('document:new');
		expect(noteDraftKey('d-1')).toBe('document:d-1');
	});

	it('restores only a draft with a note’s shape', () => {
		expect(parseNoteDraft({ title: 'T', text: 'x' })).toEqual({ title: 'T', text: 'x' });
		expect(parseNoteDraft('half a note')).toBeNull();
		expect(parseNoteDraft({ text: 'x' })).toBeNull();
		expect(parseNoteDraft(undefined)).toBeNull();
	});

	it('titles a note by its title, else by its first line without heading marks', () => {
		expect(noteTitle({ title: '  Shopping ', text: 'eggs' })).toBe('Shopping');
		expect(noteTitle({ title: '', text: '\n## Bike lock\nThe code is 4711.' })).toBe('Bike lock');
		expect(noteTitle({ title: ' ', text: 'x'.repeat(70) })).toBe(`${'x'.repeat(60)}…`);
		expect(noteTitle({ title: '', text: '  ' })).toBe('Untitled note');
	});
});

describe('describing documents', () => {
	it('gives kind, size and date on one line', () => {
		const updatedAt = Date.UTC(2026, 11, 5, 12);
		expect(describeDocument({ kind: 'markdown', size: 2_140, updatedAt }, 'en-GB')).toBe(
			'Markdown file · 2.1 KB · 5 Dec 2026'
		);
		expect(describeDocument({ kind: 'note', size: 12, updatedAt }, 'en-GB')).toBe(
			'Note · 12 B · 5 Dec 2026'
		);
	});

	it('renders notes and Markdown files as Markdown, text files as they are', () => {
		expect(isMarkdown('note')).toBe(true);
		expect(isMarkdown('markdown')).toBe(true);
		expect(isMarkdown('text')).toBe(false);
	});

	it('says by how much a document is over the limit, or that it is just over', () => {
		expect(overTheLimit(2_500_000)).toBe('2.5 MB, over the 1 MB one document may hold');
		expect(overTheLimit(1_000_001)).toBe('just over the 1 MB one document may hold');
	});
});
