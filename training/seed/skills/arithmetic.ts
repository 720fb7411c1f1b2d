// The three arithmetic skills differ only in operator, operand ranges and wording; this builds
// each of them. Replies restate the sum ("37 + 45 = 82.") with the operands in the order the
// question names them, so the model copies before it computes, whatever the wording.
import type { Random } from '../random';
import { nearMiss, type Skill } from '../skill';
import { parityFollowUp } from './even-odd';

interface Operation {
	name: string;
	symbol: string;
	operands(rng: Random): [number, number];
	compute(a: number, b: number): number;
	/** Each writes the question of `a <symbol> b`, whichever order it names them in. */
	phrasings: ((a: number, b: number) => string)[];
}

export function arithmeticSkill(op: Operation): Skill {
	return {
		name: op.name,
		ask(rng) {
			const [a, b] = op.operands(rng);
			const result = op.compute(a, b);
			const stated = (value: number) => `${a} ${op.symbol} ${b} = ${value}.`;
			return {
				prompt: rng.pick(op.phrasings)(a, b),
				answer: stated(result),
				bare: String(result),
				wrong: stated(nearMiss(rng, result)),
				followUp: (next) => parityFollowUp(next, result)
			};
		}
	};
}
