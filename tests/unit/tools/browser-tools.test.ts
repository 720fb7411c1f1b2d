// The tools that need no storage or network, run as the model would call them.
import { describe, expect, it } from 'vitest';
import { calculate, calculator } from '$lib/shared/tools/calculator';
import { addDaysTool, daysBetween, weekday } from '$lib/shared/tools/dates';
import { toolDeclarations } from '$lib/shared/tools/declarations';
import { toolSpec } from '$lib/shared/tools/tool';

const context = { signal: new AbortController().signal };

describe('calculator', () => {
	it('computes exactly what a small model cannot do in its head, and converts units', () => {
		expect(calculate('347 * 829')).toBe('287663');
		expect(calculate('(12 + 30) / 4')).toBe('10.5');
		expect(calculate('5 km to mi')).toBe('3.1068559611867 mi');
		expect(calculate('sqrt(2)')).toBe('1.4142135623731');
	});

	it('writes every digit a double holds, and never pads the ones it does not with zeros', () => {
		expect(calculate('12345678 * 87654321')).toBe('1082152022374638');
		expect(calculate('-(2^53 - 1)')).toBe('-9007199254740991');
		expect(calculate('123456789 * 987654321')).toBe('1.2193263111264e+17');
		expect(calculate('0.1 + 0.2')).toBe('0.3');
		expect(calculate('123456789012.5')).toBe('123456789012.5');
	});

	it('says so when a result is not a finite number', () => {
		expect(() => calculate('1/0')).toThrow('"1/0" has no finite value (Infinity)');
		expect(() => calculate('2^1024')).toThrow('"2^1024" has no finite value (Infinity)');
		expect(() => calculate('0/0')).toThrow('"0/0" has no finite value (NaN)');
	});

	it('refuses what would change the parser, run code or fill the memory, with the reason', () => {
		for (const expression of [
			'import({x: 1})',
			'createUnit("foo")',
			'evaluate("1+1")',
			'parse("1")',
			'zeros(100000, 100000)',
			'ones(100000, 100000)',
			'range(0, 1e9)',
			'0:1e9',
			'identity(100000)',
			'random([100000, 100000])',
			'resize([1], [100000, 100000])'
		]) {
			expect(() => calculate(expression)).toThrow(/not available in the calculator/);
		}
		expect(() => calculate('constructor.constructor("return 1")()')).toThrow(/cannot calculate/);
		expect(() => calculate('2 +')).toThrow(/cannot calculate "2 \+"/);
	});

	it('checks its arguments with its schema', () => {
		expect(calculator.arguments.safeParse({ expression: '' }).success).toBe(false);
		expect(calculator.arguments.safeParse({ expression: 'x'.repeat(501) }).success).toBe(false);
		expect(calculator.arguments.safeParse({}).success).toBe(false);
	});
});

describe('date tools', () => {
	it('count days, name weekdays and add days on calendar dates', async () => {
		expect(await daysBetween.run({ from: '2025-03-14', to: '2026-11-02' }, context)).toEqual({
			text: '598 days'
		});
		expect(await daysBetween.run({ from: '2024-03-01', to: '2024-02-29' }, context)).toEqual({
			text: '-1 day'
		});
		expect(await weekday.run({ date: '2026-12-25' }, context)).toEqual({ text: 'Friday' });
		expect(await addDaysTool.run({ date: '2024-02-28', days: 2 }, context)).toEqual({
			text: '2024-03-01 (Friday)'
		});
	});

	it('refuses a date that is not YYYY-MM-DD or does not exist', () => {
		expect(weekday.arguments.safeParse({ date: '25/12/2026' }).success).toBe(false);
		expect(weekday.arguments.safeParse({ date: '2026-02-30' }).success).toBe(false);
	});
});

describe('toolDeclarations', () => {
	it('give every tool a JSON Schema for its arguments, names unique', () => {
		const specs = toolDeclarations.map(toolSpec);
		expect(new Set(specs.map((s) => s.function.name)).size).toBe(specs.length);
		for (const spec of specs) {
			expect(spec.function.parameters).toMatchObject({ type: 'object' });
			expect(spec.function.description.length).toBeGreaterThan(10);
		}
		expect(specs[0].function.parameters).toMatchObject({
			properties: { expression: { type: 'string' } },
			required: ['expression']
		});
	});
});
