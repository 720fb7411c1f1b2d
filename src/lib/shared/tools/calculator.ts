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
			'resolve'
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

/** The value of `expression` as text (14 significant digits), or a thrown error saying why not. */
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
	// Plain digits up to 21 of them, as JavaScript prints numbers; exponents only beyond.
	return math.format(value as number, { precision: 14, lowerExp: -7, upperExp: 21 });
}
