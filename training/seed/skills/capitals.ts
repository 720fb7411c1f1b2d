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
			return capitalQuestion(next, other, `And what about ${capitals[other][0]}?`);
		}
	};
}

export const capitalCities: Skill = {
	name: 'capitals',
	ask(rng) {
		const index = rng.int(0, capitals.length - 1);
		const country = capitals[index][0];
		const prompt = rng.pick([
			`What is the capital of ${country}?`,
			`Name the capital city of ${country}.`
		]);
		return capitalQuestion(rng, index, prompt);
	}
};
