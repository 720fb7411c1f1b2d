// A curriculum for the simulated crowd: the capitals of countries that do not exist. The demo
// model knows the form ("The capital of France is Paris.") from its seed data but cannot know
// these, so whatever it answers about them after an update it learnt from the crowd. Most
// contributors answer right, some confuse two capitals, and rankers prefer the right answer:
// the trees carry demonstrations for SFT and preferences for the reward model and DPO.
import type { CrowdTexts, Turn, Writer } from '../../../scripts/crowd-sim';
import { pickOne } from '../../../sync-server/tree-manager/random';
import {
	capitalAnswer,
	capitalFollowUps,
	capitalPhrasings
} from '../../../training/seed/skills/capitals';

export const INVENTED_CAPITALS: readonly [country: string, capital: string][] = [
	['Zorblat', 'Quennik'],
	['Varnesse', 'Oltrup'],
	['Kelmoria', 'Dastien'],
	['Pruvia', 'Embrel']
];

// The seed's phrasings, so the question is one the model knows and only the country is new.
const phrasings = [...capitalPhrasings, (c: string) => `I need the capital of ${c}.`];

/** People open differently; with the phrasings, enough distinct prompts for the server's duplicate check. */
const openings = ['', 'Quick question: ', 'Hi! ', 'Hello. ', 'Help me out: '];

/** Share of answers that name another invented capital: the crowd is not always right. */
const CONFUSED = 0.25;

const answerFor = (country: string) =>
	capitalAnswer(country, INVENTED_CAPITALS.find(([c]) => c === country)![1]);

/** The invented country a question names. */
function countryIn(question: string): string {
	const found = INVENTED_CAPITALS.find(([country]) => question.includes(country));
	if (!found) throw new Error(`the curriculum did not write this question: ${question}`);
	return found[0];
}

/** The right answer to a question the curriculum wrote. */
export const truthFor = (question: string) => answerFor(countryIn(question));

const askedAbout = (conversation: readonly Turn[]) =>
	countryIn(conversation.findLast((turn) => turn.role === 'prompter')?.text ?? '');

const pick = <T>(items: readonly T[], writer: Writer): T => pickOne(items, writer.random);

export const inventedCapitals: CrowdTexts = {
	prompt: (writer) =>
		pick(openings, writer) + pick(phrasings, writer)(pick(INVENTED_CAPITALS, writer)[0]),
	reply(role, conversation, writer) {
		const country = askedAbout(conversation);
		if (role === 'prompter') {
			const other = pick(
				INVENTED_CAPITALS.filter(([c]) => c !== country),
				writer
			)[0];
			return pick(capitalFollowUps, writer)(other);
		}
		if (writer.random() >= CONFUSED) return answerFor(country);
		const wrong = pick(
			INVENTED_CAPITALS.filter(([c]) => c !== country),
			writer
		)[1];
		return capitalAnswer(country, wrong);
	},
	taste: (reply, conversation) => {
		const last = conversation.at(-1);
		// Follow-up questions are all fine; answers are right or wrong.
		if (last?.role === 'assistant') return 0.5;
		return reply === answerFor(askedAbout(conversation)) ? 1 : 0;
	}
};
