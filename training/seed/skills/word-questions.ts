// The two questions about one word, each the other's follow-up: how many letters it has and
// how it is spelled backwards. They share this file because each builds the other.
import type { Random } from '../random';
import { nearMiss, type Question } from '../skill';

/** `text` with two neighbouring, different letters swapped: a near-miss spelling. */
function swapNeighbours(rng: Random, text: string): string {
	const positions = [...text.slice(1)].flatMap((c, i) => (c !== text[i] ? [i] : []));
	const i = rng.pick(positions);
	return text.slice(0, i) + text[i + 1] + text[i] + text.slice(i + 2);
}

/** `word` is as the question wrote it (upper case in an ALL CAPS question); replies copy it. */
export function backwardsQuestion(rng: Random, word: string, prompt: string): Question {
	const reversed = [...word].reverse().join('');
	const stated = (spelling: string) => `"${word}" backwards is "${spelling}".`;
	return {
		prompt,
		answer: stated(reversed),
		bare: reversed,
		wrong: stated(swapNeighbours(rng, reversed)),
		followUp: (next) => letterCountFollowUp(next, word)
	};
}

/** After a question about `word`: spell it backwards, without naming it again. */
export function backwardsFollowUp(rng: Random, word: string): Question {
	const prompt = rng.pick([
		'Now spell it backwards.',
		'And backwards?',
		'Can you spell it backwards?',
		'Now reverse it.',
		'How is it spelled backwards?'
	]);
	return backwardsQuestion(rng, word, prompt);
}

/** `word` is as the question wrote it (upper case in an ALL CAPS question); replies copy it. */
export function letterCountQuestion(rng: Random, word: string, prompt: string): Question {
	const stated = (n: number) => `The word "${word}" has ${n} letters.`;
	return {
		prompt,
		answer: stated(word.length),
		bare: String(word.length),
		wrong: stated(nearMiss(rng, word.length)),
		followUp: (next) => backwardsFollowUp(next, word)
	};
}

/** After a question about `word`: count its letters, without naming it again. */
export function letterCountFollowUp(rng: Random, word: string): Question {
	const prompt = rng.pick([
		'How many letters does it have?',
		'And how many letters is that?',
		'How many letters are in it?',
		'How long is the word?'
	]);
	return letterCountQuestion(rng, word, prompt);
}
