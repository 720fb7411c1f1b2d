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

function capitalQuestion(rng: Random, index: number, prompt: string): Question {
	const [country, capital] = capitals[index];
	const otherCapital = rng.pick(capitals.filter((_, i) => i !== index))[1];
	const stated = (city: string) => `The capital of ${country} is ${city}.`;
	return {
		prompt,
		answer: stated(capital),
		bare: capital,
		wrong: stated(otherCapital),
		followUp: (next) => {
			const other = (index + next.int(1, capitals.length - 1)) % capitals.length;
			const name = capitals[other][0];
			const followUp = next.pick([
				`And what about ${name}?`,
				`What about ${name}?`,
				`And the capital of ${name}?`,
				`And ${name}?`
			]);
			return capitalQuestion(next, other, followUp);
		}
	};
}

const phrasings: ((country: string) => string)[] = [
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

// Country names are facts, not words to copy: the reply names them as the house writes them
// ("france" in a lower-case question is still "France" in the reply).
export const capitalCities: Skill = {
	name: 'capitals',
	ask(rng) {
		const index = rng.int(0, capitals.length - 1);
		return capitalQuestion(rng, index, rng.pick(phrasings)(capitals[index][0]));
	}
};
