import { nearMiss, type Skill } from '../skill';

// Whole-number factors only, so every answer is an integer the model can state exactly.
const conversions = [
	{ from: 'meters', to: 'centimeters', factor: 100 },
	{ from: 'kilometers', to: 'meters', factor: 1000 },
	{ from: 'kilograms', to: 'grams', factor: 1000 },
	{ from: 'liters', to: 'milliliters', factor: 1000 },
	{ from: 'hours', to: 'minutes', factor: 60 },
	{ from: 'minutes', to: 'seconds', factor: 60 },
	{ from: 'days', to: 'hours', factor: 24 },
	{ from: 'weeks', to: 'days', factor: 7 },
	{ from: 'years', to: 'months', factor: 12 },
	{ from: 'feet', to: 'inches', factor: 12 },
	{ from: 'yards', to: 'feet', factor: 3 }
];

const phrasings: ((amount: string, to: string) => string)[] = [
	(amount, to) => `How many ${to} are in ${amount}?`,
	(amount, to) => `Convert ${amount} to ${to}.`,
	(amount, to) => `How many ${to} is ${amount}?`,
	(amount, to) => `What is ${amount} in ${to}?`,
	(amount, to) => `${amount} is how many ${to}?`,
	(amount, to) => `Express ${amount} in ${to}.`,
	(amount, to) => `How many ${to} make ${amount}?`,
	(amount, to) => `Can you convert ${amount} into ${to}?`
];

export const unitConversion: Skill = {
	name: 'unit-conversion',
	ask(rng) {
		const { from, to, factor } = rng.pick(conversions);
		const amount = rng.int(2, 20);
		const result = amount * factor;
		const stated = (value: number) => `${amount} ${from} = ${value} ${to}.`;
		// Wrong: either the right arithmetic with another unit's factor, or a near miss.
		const otherFactor = rng.pick(conversions.filter((c) => c.factor !== factor)).factor;
		const wrong = rng.chance(0.5) ? amount * otherFactor : nearMiss(rng, result);
		return {
			prompt: rng.pick(phrasings)(`${amount} ${from}`, to),
			answer: stated(result),
			bare: String(result),
			wrong: stated(wrong)
		};
	}
};
