// Products of two three-digit numbers, beyond what a small model multiplies in its head: the
// reply calls the calculator and states its result in the multiplication skill's house form
// ("347 * 829 = 287663."). The questions are worded as the multiplication skill's, so only the
// operands tell the model when to call.
import { calculate } from '../../../src/lib/shared/tools/calculator';
import { nearMiss, type Skill } from '../skill';
import { multiplicationPhrasings } from './multiplication';

export const calculator: Skill = {
	name: 'calculator',
	ask(rng) {
		const [a, b] = [rng.int(100, 999), rng.int(100, 999)];
		const expression = `${a} * ${b}`;
		const result = calculate(expression);
		const product = Number(result);
		const stated = (value: number | string) => `${expression} = ${value}.`;
		return {
			prompt: rng.pick(multiplicationPhrasings)(a, b),
			answer: stated(result),
			bare: result,
			wrong: stated(nearMiss(rng, product)),
			tools: {
				steps: [{ text: '', calls: [{ name: 'calculator', arguments: { expression }, result }] }],
				guess: stated(nearMiss(rng, product))
			}
		};
	}
};
