// Builds the seed conversations: oasst trees whose prompter turns each carry 2–3 ranked assistant
// replies. Rankers here order replies by how far they are from the ideal one: the correct reply
// in the house form ranks 0; a reply in that form with one wrong detail (a digit, a day, a city)
// comes next, one edit away; a sloppy reply (right fact, no sentence, hedging, shouting) is last,
// since it needs rewriting. So the reward model has signal it can learn from form alone and
// signal that needs the facts.
// Two trees in five go on for a second or third question: a follow-up of the previous
// question when it has one ("Now spell it backwards."), or, more often, a fresh question of
// another skill, so a model learns to answer whatever comes after an unrelated exchange. Every
// question is written in a style of its own (variation.ts): quotes, capitalisation, punctuation.
// A question of a tool skill is answered by a reply that calls the tool first: the assistant
// message's `text` is the final answer and its `tool_steps` the calls with their results.
import {
	CHECKABLE_ORIGIN,
	type OasstMessage,
	type OasstTree,
	type ToolStep
} from '../datasets/oasst-tree';
import { Random } from './random';
import type { Question, Skill } from './skill';
import { skills } from './skills/index';
import { sloppyReply } from './sloppy';
import { drawStyle, styled, type Style } from './variation';

/** How many questions a conversation asks, with their shares. */
const TURN_COUNTS = [
	{ turns: 1, share: 0.6 },
	{ turns: 2, share: 0.25 },
	{ turns: 3, share: 0.15 }
];
/** A later question follows up on the one before it this often, when that one has a follow-up. */
const FOLLOW_UP_SHARE = 0.4;
const START_DATE = Date.UTC(2025, 0, 1);

type ReplyKind = 'correct' | 'wrong' | 'sloppy';
const QUALITY: Record<ReplyKind, number> = { correct: 1, wrong: 0.5, sloppy: 0.25 };
// Which worse replies join the correct one, best first; half the turns get a three-way ranking.
const WORSE_REPLY_SETS: ReplyKind[][] = [
	['wrong', 'sloppy'],
	['wrong', 'sloppy'],
	['wrong'],
	['sloppy']
];

type SeedMessage = OasstMessage & { replies: OasstMessage[] };
export type SeedTree = OasstTree & { origin: string };

/** Conversations whose first question is of a direct skill (skills/index.ts). */
export function generateTrees(count: number, seed: number): SeedTree[] {
	return generateFrom(new Random(seed), count, skills, skills);
}

/**
 * `count` conversations whose first question is of one of `firstSkills`, in turn; later
 * questions are of any of `laterSkills`. `rng` draws everything, the ids included.
 */
export function generateFrom(
	rng: Random,
	count: number,
	firstSkills: readonly Skill[],
	laterSkills: readonly Skill[]
): SeedTree[] {
	const users = Array.from({ length: 40 }, () => rng.uuid());
	const trees: SeedTree[] = [];
	for (let i = 0; i < count; i++) {
		// Round-robin over skills for the first question keeps every skill equally present.
		const first = firstSkills[i % firstSkills.length];
		trees.push(buildTree(rng, users, first, laterSkills, START_DATE + i * 600_000));
	}
	return trees;
}

function turnCount(rng: Random): number {
	let r = rng.next();
	for (const { turns, share } of TURN_COUNTS) {
		r -= share;
		if (r < 0) return turns;
	}
	return TURN_COUNTS[TURN_COUNTS.length - 1].turns;
}

/**
 * The questions of one conversation. A follow-up counts as its question's skill (the parity of
 * a sum is part of the addition skill); a fresh question is of any other skill than the one
 * before it.
 */
function planTurns(
	rng: Random,
	firstSkill: Skill,
	laterSkills: readonly Skill[]
): { skill: Skill; question: Question }[] {
	const count = turnCount(rng);
	const written = (make: (style: Style) => Question): Question => {
		const style = drawStyle(rng);
		const question = make(style);
		return { ...question, prompt: styled(question.prompt, style) };
	};
	const turns = [{ skill: firstSkill, question: written((style) => firstSkill.ask(rng, style)) }];
	while (turns.length < count) {
		const previous = turns[turns.length - 1];
		const { followUp } = previous.question;
		if (followUp && rng.chance(FOLLOW_UP_SHARE)) {
			turns.push({ skill: previous.skill, question: written((style) => followUp(rng, style)) });
		} else {
			const next = rng.pick(laterSkills.filter((s) => s !== previous.skill));
			turns.push({ skill: next, question: written((style) => next.ask(rng, style)) });
		}
	}
	return turns;
}

function buildTree(
	rng: Random,
	users: string[],
	firstSkill: Skill,
	laterSkills: readonly Skill[],
	startMs: number
): SeedTree {
	const turns = planTurns(rng, firstSkill, laterSkills);

	let clock = startMs;
	const message = (
		parentId: string | null,
		role: 'prompter' | 'assistant',
		text: string,
		rank: number | null,
		quality: number,
		toolSteps?: ToolStep[]
	): SeedMessage => {
		clock += rng.int(5, 120) * 1000;
		return {
			message_id: rng.uuid(),
			parent_id: parentId,
			user_id: rng.pick(users),
			created_date: new Date(clock).toISOString(),
			text,
			...(toolSteps ? { tool_steps: toolSteps } : {}),
			role,
			lang: 'en',
			review_count: 3,
			review_result: true,
			deleted: false,
			rank,
			synthetic: true,
			model_name: 'hearth-seed-generator',
			emojis: {},
			labels: { spam: { value: 0, count: 3 }, quality: { value: quality, count: 3 } },
			replies: []
		};
	};

	const prompts: SeedMessage[] = [];
	let parent: SeedMessage | null = null;
	for (const { question } of turns) {
		const prompt = message(parent?.message_id ?? null, 'prompter', question.prompt, null, 0.75);
		parent?.replies.push(prompt);
		prompts.push(prompt);
		const kinds: ReplyKind[] = ['correct', ...rng.pick(WORSE_REPLY_SETS)];
		const replies = kinds.map((kind, rank) => {
			const { text, toolSteps } = reply(rng, question, kind);
			return message(prompt.message_id, 'assistant', text, rank, QUALITY[kind], toolSteps);
		});
		// Exports list siblings in no particular order; readers must go by rank.
		prompt.replies = rng.shuffle(replies);
		parent = replies[0];
	}
	return {
		message_tree_id: prompts[0].message_id,
		tree_state: 'ready_for_export',
		prompt: prompts[0],
		// The last question is the one evaluation asks, so the origin names its skill.
		origin: `${CHECKABLE_ORIGIN}/${turns[turns.length - 1].skill.name}`
	};
}

/**
 * The reply of a kind. To a tool question the wrong reply makes the same calls and misstates
 * their result, and the sloppy one skips the tool and guesses.
 */
function reply(
	rng: Random,
	question: Question,
	kind: ReplyKind
): { text: string; toolSteps?: ToolStep[] } {
	const { tools } = question;
	if (kind === 'correct') return { text: question.answer, toolSteps: tools?.steps };
	if (kind === 'wrong') return { text: question.wrong, toolSteps: tools?.steps };
	return { text: tools ? tools.guess : sloppyReply(rng, question) };
}
