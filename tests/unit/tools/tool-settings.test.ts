import { describe, expect, it } from 'vitest';
import { localToolDeclarations, toolDeclarations } from '$lib/shared/tools/declarations';
import { saveToolSettings } from '$lib/tools/save-tool-settings';
import { chatTools } from '$lib/tools/chat-tools';
import { defaultToolSettings, offeredTools } from '$lib/tools/tool-settings';
import { openTestStorage } from '../db/open-test-storage';

const names = (tools: readonly { name: string }[]) => tools.map((t) => t.name);

describe('offeredTools', () => {
	it('offers the local tools by default and network tools only once allowed and not refused here', () => {
		expect(names(offeredTools(toolDeclarations, defaultToolSettings, undefined))).toEqual([
			'calculator',
			'days_between',
			'weekday',
			'add_days',
			'search_documents'
		]);
		// The list the pipeline trains the model with is this default offer.
		expect(offeredTools(toolDeclarations, defaultToolSettings, undefined)).toEqual(
			localToolDeclarations
		);
		const network = { ...defaultToolSettings, allowNetwork: true };
		expect(names(offeredTools(toolDeclarations, network, {}))).toContain('encyclopedia');
		expect(names(offeredTools(toolDeclarations, network, { network: 'refused' }))).not.toContain(
			'encyclopedia'
		);
	});

	it('offers none when tools are off everywhere or in the conversation, and leaves out tools switched off', () => {
		expect(offeredTools(toolDeclarations, { ...defaultToolSettings, enabled: false }, {})).toEqual(
			[]
		);
		expect(offeredTools(toolDeclarations, defaultToolSettings, { off: true })).toEqual([]);
		expect(
			names(offeredTools(toolDeclarations, { ...defaultToolSettings, off: ['calculator'] }, {}))
		).not.toContain('calculator');
	});
});

describe('saveToolSettings', () => {
	it('keeps the settings for the next reply and refuses a round limit out of range, keeping the old', async () => {
		const { storage } = openTestStorage();
		await saveToolSettings(storage, { ...defaultToolSettings, maxRounds: 2, off: ['weekday'] });
		expect(await chatTools(storage).settings()).toMatchObject({ maxRounds: 2, off: ['weekday'] });
		await expect(
			saveToolSettings(storage, { ...defaultToolSettings, maxRounds: 0 })
		).rejects.toThrow('Rounds of tool calls must be a whole number from 1 to 8.');
		expect((await chatTools(storage).settings()).maxRounds).toBe(2);
	});
});

describe('chatTools', () => {
	it('loads every declared tool with its browser implementation, in the declared order', async () => {
		const { storage } = openTestStorage();
		const tools = await chatTools(storage).load();
		expect(names(tools)).toEqual(names(toolDeclarations));
		await storage.documents.add(
			{ title: 'Garden', text: 'The shed door code is 4417.', kind: 'note' },
			1_000
		);
		const search = tools.find((tool) => tool.name === 'search_documents')!;
		const found = await search.run(
			{ query: 'shed door code' },
			{ signal: new AbortController().signal }
		);
		expect(found.text).toBe('[1] Garden: The shed door code is 4417.');
	});
});
