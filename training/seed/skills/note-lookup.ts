// Questions about facts that exist only in the user's own notes (invented ones: a door code, a
// birthday, where something is kept), answered by searching them: the reply calls
// `search_documents` with a short query, and the result is what the browser's search returns
// for it, the real DocumentIndex over a few generated notes — the one that holds the fact and
// others, some about the same kind of thing. The answer states the fact and cites the passage
// that holds it ("The shed's door code is 4417 [1].").
import {
	DocumentIndex,
	passagesOutput,
	type SearchableDocument
} from '../../../src/lib/shared/tools/document-search';
import type { Random } from '../random';
import type { Skill } from '../skill';
import { words } from '../words';
import { months } from '../calendar-names';

interface FactKind {
	subjects: string[];
	value(rng: Random): string;
	/** The note's title. */
	title(subject: string): string;
	/** The fact as the note and the answer state it, without its final full stop. */
	fact(subject: string, value: string): string;
	/** What the reply searches for: words every wording of the question uses. */
	query(subject: string): string;
	phrasings: ((subject: string) => string)[];
}

const capitalised = (text: string) => `${text[0].toUpperCase()}${text.slice(1)}`;
// Short enough that every answer fits the generation budget.
const shortWords = words.filter((word) => word.length <= 5);

const kinds: FactKind[] = [
	{
		subjects: ['shed', 'garage', 'cellar', 'studio', 'workshop', 'boathouse'],
		value: (rng) => String(rng.int(1000, 9999)),
		title: capitalised,
		fact: (s, v) => `The ${s}'s door code is ${v}`,
		query: (s) => `${s} code`,
		phrasings: [
			(s) => `What is the door code of the ${s}?`,
			(s) => `What's the ${s}'s door code?`,
			(s) => `Which code opens the ${s}?`,
			(s) => `What is the code for the ${s} door?`
		]
	},
	{
		subjects: ['Mira', 'Tobin', 'Elsa', 'Ravi', 'Nell', 'Oskar', 'Juno', 'Pia'],
		value: (rng) => `${rng.pick(months)} ${rng.int(1, 28)}`,
		title: (s) => s,
		fact: (s, v) => `${s}'s birthday is on ${v}`,
		query: (s) => `${s} birthday`,
		phrasings: [
			(s) => `When is ${s}'s birthday?`,
			(s) => `What day is ${s}'s birthday?`,
			(s) => `When does ${s} have a birthday?`
		]
	},
	{
		subjects: ['plumber', 'electrician', 'vet', 'dentist', 'locksmith', 'babysitter'],
		value: (rng) => `555-${rng.int(1000, 9999)}`,
		title: capitalised,
		fact: (s, v) => `The ${s}'s number is ${v}`,
		query: (s) => `${s} number`,
		phrasings: [
			(s) => `What is the ${s}'s phone number?`,
			(s) => `What's the number of the ${s}?`,
			(s) => `Which number do I call for the ${s}?`
		]
	},
	{
		subjects: ['camping stove', 'spare key', 'tent', 'toolbox', 'passport', 'sewing kit'],
		value: (rng) =>
			rng.pick([
				`box ${rng.int(2, 19)}`,
				`locker ${rng.int(2, 40)}`,
				'the attic',
				'the blue cupboard',
				'the hall drawer'
			]),
		title: () => 'Where things are',
		fact: (s, v) => `The ${s} is in ${v}`,
		query: (s) => s,
		phrasings: [
			(s) => `Where is the ${s}?`,
			(s) => `Where did I put the ${s}?`,
			(s) => `Where do I keep the ${s}?`
		]
	},
	{
		subjects: ['home', 'cabin', 'office', 'studio'],
		value: (rng) => `${rng.pick(shortWords)}-${rng.pick(shortWords)}-${rng.int(10, 99)}`,
		title: (s) => `${capitalised(s)} wifi`,
		fact: (s, v) => `The ${s} wifi password is ${v}`,
		query: (s) => `${s} wifi password`,
		phrasings: [
			(s) => `What is the ${s} wifi password?`,
			(s) => `What's the password of the ${s} wifi?`,
			(s) => `Which password does the ${s} wifi have?`
		]
	}
];

/** A fact of `kind` about a subject not in `taken`, with a value of its own. */
function drawFact(rng: Random, kind: FactKind, taken: Set<string>) {
	const subject = rng.pick(kind.subjects.filter((s) => !taken.has(s)));
	taken.add(subject);
	return { kind, subject, value: kind.value(rng) };
}

/** A value of `kind` other than `value`. */
function otherValue(rng: Random, kind: FactKind, value: string): string {
	for (;;) {
		const other = kind.value(rng);
		if (other !== value) return other;
	}
}

export const noteLookup: Skill = {
	name: 'note-lookup',
	ask(rng) {
		const kind = rng.pick(kinds);
		const taken = new Set<string>();
		const asked = drawFact(rng, kind, taken);
		// Notes about the same kind of thing match the query's common words; notes of other kinds
		// are what else a person keeps.
		const alike = Array.from({ length: rng.int(0, 2) }, () => drawFact(rng, kind, taken));
		const others = rng
			.shuffle(kinds.filter((k) => k !== kind))
			.slice(0, rng.int(1, 2))
			.map((k) => drawFact(rng, k, taken));
		const notes: SearchableDocument[] = rng.shuffle([asked, ...alike, ...others]).map((f) => ({
			id: f.subject,
			title: f.kind.title(f.subject),
			text: `${f.kind.fact(f.subject, f.value)}.`
		}));
		const index = new DocumentIndex();
		for (const note of notes) index.add(note);
		const query = kind.query(asked.subject);
		const passages = index.find(query);
		const cited = passages.findIndex((p) => p.documentId === asked.subject);
		if (cited < 0) throw new Error(`the search for "${query}" misses the note that answers it`);
		const stated = (value: string, citation: string) =>
			`${kind.fact(asked.subject, value)}${citation}.`;
		const citation = ` [${cited + 1}]`;
		return {
			prompt: rng.pick(kind.phrasings)(asked.subject),
			answer: stated(asked.value, citation),
			bare: asked.value,
			wrong: stated(otherValue(rng, kind, asked.value), citation),
			tools: {
				steps: [
					{
						text: '',
						calls: [
							{
								name: 'search_documents',
								arguments: { query },
								result: passagesOutput(query, passages).text
							}
						]
					}
				],
				guess: stated(otherValue(rng, kind, asked.value), '')
			}
		};
	}
};
