import type { Random } from '../random';
import type { Question, Skill } from '../skill';

const capitals: [country: string, capital: string][] = [
	['France', 'Paris'],
	['Spain', 'Madrid'],
	['Italy', 'Rome'],
	['Germany', 'Berlin'],
	['Portugal', 'Lisbon'],
	['Greece', 'Athens'],
	['Poland', 'Warsaw'],
	['Austria', 'Vienna'],
	['Norway', 'Oslo'],
	['Sweden', 'Stockholm'],
	['Finland', 'Helsinki'],
	['Ireland', 'Dublin'],
	['Egypt', 'Cairo'],
	['Kenya', 'Nairobi'],
	['Japan', 'Tokyo'],
	['China', 'Beijing'],
	['India', 'New Delhi'],
	['Thailand', 'Bangkok'],
	['Canada', 'Ottawa'],
	['Mexico', 'Mexico City'],
	['Peru', 'Lima'],
	['Chile', 'Santiago'],
	['Argentina', 'Buenos Aires'],
	['Australia', 'Canberra']
];

/** The house form of the answer. */
export const capitalAnswer = (country: string, city: string) =>
	`The capital of ${country} is ${city}.`;

/** The ways a question about a capital is asked, first and as a follow-up. */
export const capitalPhrasings: ((country: string) => string)[] = [
	(c) => `What is the capital of ${c}?`,
	(c) => `Name the capital city of ${c}.`,
	(c) => `What's the capital of ${c}?`,
	(c) => `Which city is the capital of ${c}?`,
	(c) => `Tell me the capital of ${c}.`,
	(c) => `What is the capital city of ${c}?`,
	(c) => `Capital of ${c}?`,
	(c) => `Do you know the capital of ${c}?`,
	(c) => `Which city is ${c}'s capital?`
];
export const capitalFollowUps: ((country: string) => string)[] = [
	(c) => `And what about ${c}?`,
	(c) => `What about ${c}?`,
	(c) => `And the capital of ${c}?`,
	(c) => `And ${c}?`
];

function capitalQuestion(rng: Random, index: number, prompt: string): Question {
	const [country, capital] = capitals[index];
	const otherCapital = rng.pick(capitals.filter((_, i) => i !== index))[1];
	const stated = (city: string) => capitalAnswer(country, city);
	return {
		prompt,
		answer: stated(capital),
		bare: capital,
		wrong: stated(otherCapital),
		followUp: (next) => {
			const other = (index + next.int(1, capitals.length - 1)) % capitals.length;
			const name = capitals[other][0];
			const followUp = next.pick(capitalFollowUps.map((ask) => ask(name)));
			return capitalQuestion(next, other, followUp);
		}
	};
}

// Country names are facts, not words to copy: the reply names them as the house writes them
// ("france" in a lower-case question is still "France" in the reply).
export const capitalCities: Skill = {
	name: 'capitals',
	ask(rng) {
		const index = rng.int(0, capitals.length - 1);
		return capitalQuestion(rng, index, rng.pick(capitalPhrasings)(capitals[index][0]));
	}
};
