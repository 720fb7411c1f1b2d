// A note's title and text as the editor holds them, and as its draft is saved on every change.

export interface NoteFields {
	title: string;
	text: string;
}

/** Drafts of notes are keyed apart from the chat's and the tasks' drafts. */
export function noteDraftKey(documentId: string | null): string {
	return `document:${documentId ?? 'new'}`;
}

/** The saved draft if it has a note's shape; a draft from another version of the app may not. */
export function parseNoteDraft(value: unknown): NoteFields | null {
	if (typeof value !== 'object' || value === null) return null;
	const { title, text } = value as Record<string, unknown>;
	return typeof title === 'string' && typeof text === 'string' ? { title, text } : null;
}

const TITLE_CHARS = 60;

/** The title given, else the text's first line (without Markdown's heading marks), shortened. */
export function noteTitle({ title, text }: NoteFields): string {
	const given = title.trim();
	if (given) return given;
	const firstLine =
		text
			.split('\n')
			.map((line) => line.replace(/^#+\s*/, '').trim())
			.find(Boolean) ?? '';
	if (firstLine.length <= TITLE_CHARS) return firstLine || 'Untitled note';
	return `${firstLine.slice(0, TITLE_CHARS).trimEnd()}…`;
}
