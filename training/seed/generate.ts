// Builds the seed conversations: oasst trees whose prompter turns each carry 2–3 ranked assistant
// replies. Rankers here order replies by how far they are from the ideal one: the correct reply
// in the house form ranks 0; a reply in that form with one wrong detail (a digit, a day, a city)
// comes next, one edit away; a sloppy reply (right fact, no sentence, hedging, shouting) is last,
// since it needs rewriting. So the reward model has signal it can learn from form alone and
// signal that needs the facts. A quarter of the trees continue with a second question.
import { CHECKABLE_ORIGIN, type OasstMessage, type OasstTree } from '../datasets/oasst-tree';
import { Random } from './random';
import type { Question, Skill } from './skill';
import { skills } from './skills/index';
import { sloppyReply } from './sloppy';

const MULTI_TURN_SHARE = 0.25;
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

export function generateTrees(count: number, seed: number): SeedTree[] {
	const rng = new Random(seed);
	const users = Array.from({ length: 40 }, () => rng.uuid());
	const trees: SeedTree[] = [];
	for (let i = 0; i < count; i++) {
		// Round-robin over skills for the first question keeps every skill equally present.
		const first = skills[i % skills.length];
		trees.push(buildTree(rng, users, first, START_DATE + i * 600_000));
	}
	return trees;
}

function buildTree(rng: Random, users: string[], firstSkill: Skill, startMs: number): SeedTree {
	const turns: { skill: Skill; question: Question }[] = [
		{ skill: firstSkill, question: firstSkill.ask(rng) }
	];
	if (rng.chance(MULTI_TURN_SHARE)) {
		const { followUp } = turns[0].question;
		if (followUp) turns.push({ skill: firstSkill, question: followUp(rng) });
		else {
			const next = rng.pick(skills.filter((s) => s !== firstSkill));
			turns.push({ skill: next, question: next.ask(rng) });
		}
	}

	let clock = startMs;
	const message = (
		parentId: string | null,
		role: 'prompter' | 'assistant',
		text: string,
		rank: number | null,
		quality: number
	): SeedMessage => {
		clock += rng.int(5, 120) * 1000;
		return {
			message_id: rng.uuid(),
			parent_id: parentId,
			user_id: rng.pick(users),
			created_date: new Date(clock).toISOString(),
			text,
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
		const replies = kinds.map((kind, rank) =>
			message(prompt.message_id, 'assistant', replyText(rng, question, kind), rank, QUALITY[kind])
		);
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

function replyText(rng: Random, question: Question, kind: ReplyKind): string {
	if (kind === 'correct') return question.answer;
	if (kind === 'wrong') return question.wrong;
	return sloppyReply(rng, question);
}
