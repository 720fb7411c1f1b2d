import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVersionManifest } from '../../../src/lib/protocol/registry';
import { REQUIRED_FILES, publishVersion } from '../../../training/publish/publish';
import {
	inheritSkills,
	readSkills,
	skillsOf,
	type SeenLine
} from '../../../training/publish/skills';

const ask = (skill: string, ...turns: string[]): SeenLine => ({
	skill,
	messages: turns.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content }))
});
const seen = [
	ask('backwards', 'Spell "lamp" backwards.'),
	ask('addition', 'What is 23 + 45?'),
	ask('addition', 'Add 10 and 12.'),
	ask('letter-count', 'Spell "cat" backwards.', 'tac', 'How many letters is that?'),
	ask('letter-count', 'How many letters are in "window"?')
];
const report = {
	'exact_match.seen': 0.9,
	'exact_match.seen.addition': 1,
	'exact_match.seen.backwards': 0.7
};

describe('skillsOf', () => {
	it('lists each skill once, by name, with its first single-turn question and its exact match', () => {
		expect(skillsOf(seen, report)).toEqual([
			{ name: 'addition', example: 'What is 23 + 45?', exact_match: 1 },
			{ name: 'backwards', example: 'Spell "lamp" backwards.', exact_match: 0.7 },
			{ name: 'letter-count', example: 'How many letters are in "window"?', exact_match: null }
		]);
	});

	it('leaves out a skill with no question that starts a conversation', () => {
		expect(skillsOf([seen[3]], report)).toEqual([]);
	});
});

describe('inheritSkills', () => {
	const parent = [
		{ name: 'addition', example: 'What is 1 + 2?', exact_match: 0.8 },
		{ name: 'capitals', example: 'What is the capital of Peru?', exact_match: 0.9 },
		{ name: 'repeat', example: 'Say "hi" twice.', exact_match: 0.5 }
	];

	it('keeps the parent’s skills the child’s replay had no question of, with the child’s figures', () => {
		const own = skillsOf(seen, report);
		expect(inheritSkills(own, parent, { ...report, 'exact_match.seen.repeat': 0.25 })).toEqual([
			{ name: 'addition', example: 'What is 23 + 45?', exact_match: 1 },
			{ name: 'backwards', example: 'Spell "lamp" backwards.', exact_match: 0.7 },
			// Not measured on the child: no figure rather than the parent's.
			{ name: 'capitals', example: 'What is the capital of Peru?', exact_match: null },
			{ name: 'letter-count', example: 'How many letters are in "window"?', exact_match: null },
			{ name: 'repeat', example: 'Say "hi" twice.', exact_match: 0.25 }
		]);
	});

	it('stays without a list when neither version has one', () => {
		expect(inheritSkills(null, [], report)).toBeNull();
		expect(inheritSkills(null, parent, {})?.map((s) => s.name)).toEqual([
			'addition',
			'capitals',
			'repeat'
		]);
	});
});

describe('publishing the skill list', () => {
	let root: string;
	beforeEach(async () => {
		root = await mkdtemp(join(tmpdir(), 'hearth-skills-'));
	});
	afterEach(() => rm(root, { recursive: true, force: true }));

	it('reads the data directory and puts the list in the manifest the app reads', async () => {
		await writeFile(
			join(root, 'eval.seen.jsonl'),
			seen
				.map((line) => JSON.stringify({ tree_id: 't', prompt_ids: [1], answer: 'x', ...line }))
				.join('\n') + '\n'
		);
		const skills = await readSkills(root, report);
		expect(skills?.map((s) => s.name)).toEqual(['addition', 'backwards', 'letter-count']);

		const modelDir = join(root, 'model');
		for (const path of REQUIRED_FILES) {
			await mkdir(dirname(join(modelDir, path)), { recursive: true });
			await writeFile(join(modelDir, path), path);
		}
		const { manifest } = await publishVersion({
			registry: join(root, 'registry'),
			model: 'hearth-demo',
			modelDir,
			evaluation: report,
			dataDigest: 'a'.repeat(64),
			skills
		});
		expect(parseVersionManifest(JSON.parse(JSON.stringify(manifest)), 'manifest').skills).toEqual(
			skills
		);
	});

	it('has no list for data made before eval.seen.jsonl existed', async () => {
		expect(await readSkills(root, report)).toBeNull();
	});
});
