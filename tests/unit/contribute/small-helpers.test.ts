import { describe, expect, it } from 'vitest';
import { lengthHint } from '$lib/contribute/length-hint';
import { moveBy, moveTo } from '$lib/contribute/ranking-order';
import { knownTags, parseTags, tasksMatching } from '$lib/contribute/task-filter';
import { defaultLanguage, namedLanguages, taskLanguages } from '$lib/contribute/languages';
import { toHeldTask } from '$lib/sync/pull-merge';
import { leased, labelTask, promptTask, rankTask } from './fixtures';

describe('ranking order', () => {
	it('moves by drag (index to index) and by keyboard (one place), stopping at the ends', () => {
		expect(moveTo(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
		expect(moveTo(['a', 'b', 'c'], 0, 9)).toEqual(['b', 'c', 'a']);
		expect(moveBy(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
		expect(moveBy(['a', 'b', 'c'], 'a', -1)).toEqual(['a', 'b', 'c']);
		expect(moveBy(['a', 'b', 'c'], 'c', +1)).toEqual(['a', 'b', 'c']);
		expect(moveBy(['a', 'b'], 'zz', 1)).toEqual(['a', 'b']);
	});
});

describe('lengthHint', () => {
	it('counts code points like the server and says how the length fits the kind of text', () => {
		expect(lengthHint('initial_prompt', '')).toMatchObject({ level: 'empty', chars: 0 });
		expect(lengthHint('assistant_reply', 'Yes.').level).toBe('short');
		expect(lengthHint('prompter_reply', 'Thanks, and why?').level).toBe('good');
		expect(lengthHint('initial_prompt', '😀'.repeat(3))).toMatchObject({ chars: 3 });
		const over = lengthHint('assistant_reply', 'x'.repeat(2010));
		expect(over).toMatchObject({ level: 'over', chars: 2010 });
		expect(over.message).toBe(
			'2010 / 2000 characters · 10 over the limit: shorten it before submitting'
		);
		expect(lengthHint('prompter_reply', 'word '.repeat(300)).level).toBe('long');
	});
});

describe('task filter', () => {
	const held = [
		toHeldTask(leased(promptTask('p'), ['cooking'], 3)),
		toHeldTask(leased(rankTask('k'), ['rust', 'cli'], 1)),
		toHeldTask(leased({ ...labelTask('l'), lang: 'de' }, [], 2))
	];

	it('chooses by language, kind and topic, the soonest-expiring first', () => {
		const ids = (filter: Parameters<typeof tasksMatching>[1]) =>
			tasksMatching(held, filter).map((t) => t.id);
		expect(ids({ lang: 'en', tags: [], type: 'random' })).toEqual(['k', 'p']);
		expect(ids({ lang: 'de', tags: [], type: 'random' })).toEqual(['l']);
		expect(ids({ lang: 'en', tags: ['rust'], type: 'random' })).toEqual(['k']);
		expect(ids({ lang: 'en', tags: [], type: 'initial_prompt' })).toEqual(['p']);
		expect(ids({ lang: 'en', tags: ['gardening'], type: 'random' })).toEqual([]);
	});

	it('suggests the tags of held tasks and reads a typed list of tags', () => {
		expect(knownTags(held)).toEqual(['cli', 'cooking', 'rust']);
		expect(parseTags(' Cooking, rust  rust,,')).toEqual(['cooking', 'rust']);
	});

	it('takes the device language as the default task language', () => {
		expect(defaultLanguage('pt-BR')).toBe('pt-BR');
		expect(defaultLanguage('en-US')).toBe('en');
		expect(defaultLanguage('DE')).toBe('de');
		expect(defaultLanguage(undefined)).toBe('en');
		expect(defaultLanguage('x')).toBe('en');
	});

	it('names the task languages as a person reads them, a chosen one outside the list first', () => {
		const names = new Intl.DisplayNames(undefined, { type: 'language' });
		const listed = namedLanguages('de');
		expect(listed.map((l) => l.code)).toEqual([...taskLanguages]);
		expect(listed.find((l) => l.code === 'pt-BR')?.name).toBe(names.of('pt-BR'));
		expect(listed[0].name).not.toBe('en');
		expect(namedLanguages('eo')[0]).toEqual({ code: 'eo', name: names.of('eo') });
	});
});
