// Search over the user's documents: each document is cut into passages of a few sentences and
// indexed with MiniSearch (BM25 with prefix and fuzzy matching); a search returns the best
// passages numbered for citation. Pure, so the pipeline writes its seed conversations' results
// with the code the browser runs.
import MiniSearch from 'minisearch';
import type { ToolOutput } from './tool';

export interface SearchableDocument {
	id: string;
	title: string;
	text: string;
}

export interface Passage {
	/** `<document id>#<n>`: the n-th passage of the document. */
	id: string;
	documentId: string;
	title: string;
	text: string;
}

/** Passages stay near this length: long enough to hold a fact with its context, short enough that three fit a small model's prompt. */
const PASSAGE_CHARS = 480;

// Words too common to tell passages apart; BM25 weighs them low, but in a short question they
// would still pull in every passage that has them.
const STOP_WORDS = new Set(
	'a an and are as at be by do does for from how i in is it its me my of on or that the this to was what when where which who why with you your'.split(
		' '
	)
);

/** A document cut at paragraphs and headings, long paragraphs at sentence ends. */
export function passagesOf(document: SearchableDocument): Passage[] {
	const blocks = document.text
		.replace(/\r\n?/g, '\n')
		.split(/\n\s*\n|\n(?=#{1,6}\s)/)
		.map((block) => block.replace(/\s+/g, ' ').trim())
		.filter(Boolean)
		.flatMap((block) => (block.length > PASSAGE_CHARS ? sentencesOf(block) : [block]));
	const passages: string[] = [];
	for (const block of blocks) {
		const last = passages.length - 1;
		if (last >= 0 && passages[last].length + block.length + 1 <= PASSAGE_CHARS) {
			passages[last] += ' ' + block;
		} else passages.push(block);
	}
	return passages.map((text, n) => ({
		id: `${document.id}#${n}`,
		documentId: document.id,
		title: document.title,
		text
	}));
}

function sentencesOf(block: string): string[] {
	const sentences = block.match(/[^.!?]+(?:[.!?]+|$)/g) ?? [block];
	const out: string[] = [];
	for (const sentence of sentences.map((s) => s.trim()).filter(Boolean)) {
		const last = out.length - 1;
		if (last >= 0 && out[last].length + sentence.length + 1 <= PASSAGE_CHARS) {
			out[last] += ' ' + sentence;
		} else {
			// A single sentence longer than a passage is cut at a word.
			for (let start = 0; start < sentence.length; start += PASSAGE_CHARS) {
				out.push(sentence.slice(start, start + PASSAGE_CHARS));
			}
		}
	}
	return out;
}

export class DocumentIndex {
	private readonly search = new MiniSearch<Passage>({
		fields: ['title', 'text'],
		storeFields: ['documentId', 'title', 'text'],
		processTerm: (term) => {
			const lower = term.toLowerCase();
			return STOP_WORDS.has(lower) ? null : lower;
		},
		searchOptions: { prefix: true, fuzzy: 0.2, boost: { title: 1.5 }, combineWith: 'OR' }
	});
	private readonly byDocument = new Map<string, string[]>();

	add(document: SearchableDocument): void {
		this.remove(document.id);
		const passages = passagesOf(document);
		this.search.addAll(passages);
		this.byDocument.set(
			document.id,
			passages.map((p) => p.id)
		);
	}

	remove(documentId: string): void {
		for (const id of this.byDocument.get(documentId) ?? []) this.search.discard(id);
		this.byDocument.delete(documentId);
	}

	/** The best `limit` passages for `query`, best first. */
	find(query: string, limit = 3): Passage[] {
		return this.search
			.search(query)
			.slice(0, limit)
			.map((hit) => ({
				id: hit.id as string,
				documentId: hit.documentId as string,
				title: hit.title as string,
				text: hit.text as string
			}));
	}
}

/** The passages as the model reads them: numbered, each with its document's title. */
export function passagesOutput(query: string, passages: Passage[]): ToolOutput {
	if (passages.length === 0) {
		return { text: `No passage in your documents matches "${query}".` };
	}
	return {
		text: passages.map((p, i) => `[${i + 1}] ${p.title}: ${p.text}`).join('\n'),
		sources: passages.map((p) => ({ id: p.id, title: p.title, text: p.text }))
	};
}
