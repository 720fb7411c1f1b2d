// The calculator: arithmetic, functions and unit conversion through mathjs's expression parser,
// which evaluates its own syntax tree (no `eval`, no `Function`). Functions that would let an
// expression change the parser itself are replaced, as mathjs's security notes advise.
import { all, create } from 'mathjs';
import { calculatorDeclaration } from './declarations';
import { defineTool } from './tool';

const math = create(all);
const evaluate = math.evaluate;
const refuse = (name: string) => () => {
	throw new Error(`${name} is not available in the calculator`);
};
math.import(
	Object.fromEntries(
		[
			'import',
			'createUnit',
			'reviver',
			'evaluate',
			'parse',
			'simplify',
			'derivative',
			'resolve',
			// Arrays as large as asked for: the page would stall or run out of memory before any
			// timeout could stop it (`range` is also what `1:5` calls).
			'range',
			'zeros',
			'ones',
			'identity',
			'resize',
			'random',
			'randomInt'
		].map((name) => [name, refuse(name)])
	),
	{ override: true }
);

export const calculator = defineTool({
	...calculatorDeclaration,
	async run({ expression }) {
		return { text: calculate(expression) };
	}
});

/**
 * The value of `expression` as text, or a thrown error saying why not. Whole numbers that a double
 * holds exactly are written whole; other numbers to 14 significant digits, with an exponent from
 * 1e15 on, so that digits a double does not hold are never written out as zeros.
 */
export function calculate(expression: string): string {
	let value: unknown;
	try {
		value = evaluate(expression);
	} catch (error) {
		throw new Error(`cannot calculate "${expression}": ${(error as Error).message}`, {
			cause: error
		});
	}
	if (typeof value === 'function' || value === undefined) {
		throw new Error(`"${expression}" is not a value`);
	}
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new Error(`"${expression}" has no finite value (${value})`);
		if (Number.isSafeInteger(value)) return String(value);
	}
	return math.format(value as number, { precision: 14, lowerExp: -7, upperExp: 15 });
}
