// Writing an assistant reply with tools: forms from the tools' JSON Schemas, the real tools run on
// what was typed, rounds added and removed in the draft, kept across a reload, and sent with the
// reply only when nothing is left half-done.
import { describe, expect, it } from 'vitest';
import { replyToolForms, runReplyTool } from '$lib/contribute/local-tools';
import {
	canUseAnotherTool,
	withoutToolStep,
	withToolCall,
	withToolStep
} from '$lib/contribute/reply-tools';
import { argumentsFrom, toolForm } from '$lib/contribute/tool-form';
import { restoreDraft, type TextDraft } from '$lib/contribute/task-draft';
import { resultFromDraft } from '$lib/contribute/task-result';
import { knownToolNames, type ReplyToolStep } from '$lib/protocol/tools';
import { toolDeclarations } from '$lib/shared/tools/declarations';
import { toolSpec } from '$lib/shared/tools/tool';
import { addDaysTool } from '$lib/shared/tools/dates';
import { promptTask, replyTask } from './fixtures';

const draft = (extra: Partial<TextDraft> = {}): TextDraft => ({
	kind: 'text',
	step: 'edit',
	text: 'It is 287,663.',
	...extra
});
const product = {
	name: 'calculator' as const,
	arguments: { expression: '347 * 829' },
	result: '287663'
};
const steps: ReplyToolStep[] = [{ text: '', calls: [product] }];

describe('the tools a reply may use', () => {
	it('names every declared tool in the protocol, and offers only those that need neither documents nor network', () => {
		expect([...knownToolNames]).toEqual(toolDeclarations.map((d) => d.name));
		expect(replyToolForms.map((f) => f.name)).toEqual([
			'calculator',
			'days_between',
			'weekday',
			'add_days'
		]);
	});

	it('makes a field per argument from the JSON Schema, numbers where the tool takes one', () => {
		const form = toolForm(toolSpec(addDaysTool));
		expect(form).toEqual({
			name: 'add_days',
			description: addDaysTool.description,
			fields: [
				{ name: 'date', kind: 'text', required: true },
				{ name: 'days', kind: 'number', required: true }
			]
		});
		expect(argumentsFrom(form, { date: ' 2024-02-27 ', days: '3' })).toEqual({
			date: '2024-02-27',
			days: 3
		});
		// What is not a number stays as typed, for the tool's schema to refuse in words.
		expect(argumentsFrom(form, { days: 'three' })).toEqual({ date: '', days: 'three' });
		const optional = {
			...form,
			fields: [{ name: 'note', kind: 'text' as const, required: false }]
		};
		expect(argumentsFrom(optional, { note: '  ' })).toEqual({});
	});

	it('runs the real tool on what was typed, or says why not', async () => {
		expect(await runReplyTool({ name: 'calculator', values: { expression: '347 * 829' } })).toEqual(
			{ ok: true, call: product }
		);
		expect(
			await runReplyTool({ name: 'add_days', values: { date: '2024-02-27', days: '3' } })
		).toEqual({
			ok: true,
			call: {
				name: 'add_days',
				arguments: { date: '2024-02-27', days: 3 },
				result: '2024-03-01 (Friday)'
			}
		});
		const empty = await runReplyTool({ name: 'calculator', values: {} });
		expect(empty).toEqual({
			ok: false,
			problem: 'Error: wrong arguments for calculator: expression: the expression is empty.'
		});
		const broken = await runReplyTool({ name: 'calculator', values: { expression: '2 +' } });
		expect(broken.ok).toBe(false);
		expect(await runReplyTool({ name: 'encyclopedia', values: { query: 'x' } })).toEqual({
			ok: false,
			problem: 'There is no tool named "encyclopedia" to run here.'
		});
	});
});

describe('tool rounds in the draft', () => {
	it('adds a run as a round and closes the form; removes a round; keeps at most four', () => {
		const filling = withToolCall(draft(), { name: 'calculator', values: { expression: '1+1' } });
		expect(filling.toolCall).toEqual({ name: 'calculator', values: { expression: '1+1' } });
		expect(withToolCall(filling, null)).toEqual(draft());

		const ran = withToolStep(filling, product);
		expect(ran).toEqual(draft({ toolSteps: steps }));
		const twice = withToolStep(ran, { ...product, result: 'again' });
		expect(twice.toolSteps).toHaveLength(2);
		expect(withoutToolStep(twice, 0).toolSteps).toEqual([
			{ text: '', calls: [{ ...product, result: 'again' }] }
		]);
		expect(withoutToolStep(ran, 0)).toEqual(draft());

		expect(canUseAnotherTool(draft({ toolSteps: Array(3).fill(steps[0]) }))).toBe(true);
		expect(canUseAnotherTool(draft({ toolSteps: Array(4).fill(steps[0]) }))).toBe(false);
	});

	it('restores rounds and the call being filled in for an assistant reply, and nothing broken', () => {
		const toolCall = { name: 'weekday', values: { date: '2024-03-' } };
		expect(restoreDraft(replyTask(), draft({ toolSteps: steps, toolCall }))).toEqual(
			draft({ toolSteps: steps, toolCall })
		);
		expect(
			restoreDraft(replyTask(), {
				...draft(),
				toolSteps: [{ text: '', calls: [{ ...product, name: 'shell' }] }],
				toolCall: { name: 'weekday', values: { date: 7 } }
			})
		).toEqual(draft());
		// A prompt uses no tools.
		expect(restoreDraft(promptTask(), draft({ toolSteps: steps, toolCall }))).toEqual(draft());
	});

	it('sends the rounds with the reply, and not while a call is still filled in', () => {
		expect(resultFromDraft(replyTask(), draft({ toolSteps: steps }))).toEqual({
			ok: true,
			result: {
				type: 'assistant_reply',
				taskId: 't-reply',
				text: 'It is 287,663.',
				lang: 'en',
				toolSteps: steps
			}
		});
		expect(
			resultFromDraft(replyTask(), draft({ toolCall: { name: 'calculator', values: {} } }))
		).toEqual({ ok: false, problems: ['Run the tool you started, or cancel it.'] });
	});
});
