// The demo model — what a newcomer chats with — ships in shipped-models/ so nobody waits for a
// training run. These checks hold the shipped files to what the pipeline promised when it
// published them: every blob hashes to its manifest, each version's trainer checkpoint builds
// into that version's graphs, and the latest version's int4 graph, run through onnxruntime with
// the model's own chat template and tokenizer, answers the seed questions of every skill, and
// questions it never trained on: other operands, other wordings, quotes and capitalisation, and
// questions asked later in a conversation. Re-creating the shipped versions is one command
// (`npm run pipeline:ship-demo`); the `ci` config proves in this suite that the pipeline learns.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_REGISTRY } from '../../scripts/shipped-models.mjs';
import { buildModelDir } from '../../training/build/model-dir';
import { OnnxDecoder } from '../../training/build/onnx-decoder';
import { parseSafetensors } from '../../training/build/safetensors';
import { stopIdsOf } from '../../training/build/onnx-evaluation';
import { loadConfig } from '../../training/configs/config';
import { loadChatFormat } from '../../training/datasets/load-chat-format';
import { bestThread, toUserChat } from '../../training/datasets/conversations';
import { checkableSkill } from '../../training/datasets/oasst-tree';
import type { ChatMessage } from '../../src/lib/shared/chat-format';
import { variationKinds } from '../../training/datasets/variations';
import { publishedVersions } from '../../registry-store/versions';
import { verifyRegistry } from '../../training/publish/verify';
import { generateTrees } from '../../training/seed/generate';
import { toolSkills } from '../../training/seed/skills/tool-skills';
import {
	manifestBlobs,
	parseRegistryIndex,
	parseVersionManifest,
	registryPaths,
	type RegistryFile,
	type VersionManifest
} from '../../src/lib/protocol/registry';
import { onnxVariantFiles, parseModelRecord } from '../../src/lib/protocol/model-record';

const MODEL = 'hearth-demo';
const SKILLS = 14;
const PER_SKILL = 4;
/** Held-out questions per skill: first questions, and questions asked in a later turn. */
const HELD_OUT = { first: 4, later: 2 };
/** The bars of the demo model on its ~600 held-out questions, through the int4 graph. */
const HELD_OUT_BARS = { overall: 0.85, perSkill: 0.6 };
const MAX_NEW_TOKENS = 48;
/**
 * How much better it answers the held-out questions of each tool skill with its tools than the
 * same questions without them (through int4). Without tools it gets none of them.
 */
const TOOL_GAIN = 0.25;

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** The shipped manifest of `version` (the index's latest when left out). */
function manifestOf(version?: number): VersionManifest {
	if (version === undefined) {
		const indexPath = join(SHIPPED_REGISTRY, registryPaths.index(MODEL));
		version = parseRegistryIndex(readJson(indexPath), indexPath).latest;
	}
	const path = join(SHIPPED_REGISTRY, registryPaths.manifest(MODEL, version));
	return parseVersionManifest(readJson(path), path);
}

const blobOf = (file: RegistryFile) =>
	readFileSync(join(SHIPPED_REGISTRY, registryPaths.blob(file.sha256)));

/** The model directory a browser assembles from the manifest: each file is its blob. */
function materialize(manifest: VersionManifest, files = manifest.files): string {
	const dir = mkdtempSync(join(tmpdir(), 'hearth-shipped-demo-'));
	for (const { path, sha256 } of files) {
		mkdirSync(dirname(join(dir, path)), { recursive: true });
		copyFileSync(join(SHIPPED_REGISTRY, registryPaths.blob(sha256)), join(dir, path));
	}
	return dir;
}

/** The first single-question seed trees of each skill: their question and best-ranked reply. */
function seedQuestions(): { skill: string; question: string; answer: string }[] {
	const config = loadConfig('training/configs/demo.json');
	const picked = new Map<string, { skill: string; question: string; answer: string }[]>();
	for (const tree of generateTrees(config.seed_trees, config.seed)) {
		const best = tree.prompt.replies?.find((reply) => reply.rank === 0);
		// A tree with a follow-up question names the follow-up's skill, not the first question's.
		if (!best || best.replies?.length) continue;
		const skill = checkableSkill(tree)!;
		const list = picked.get(skill) ?? [];
		if (list.length < PER_SKILL)
			list.push({ skill, question: tree.prompt.text, answer: best.text });
		picked.set(skill, list);
	}
	return [...picked.values()].flat();
}

interface HeldOutQuestion {
	skill: string;
	messages: ChatMessage[];
	answer: string;
	variations: string[];
}

/**
 * Conversations the model never trained on: seed trees of another seed whose last question is
 * none of the training questions, asked with the conversation before it, best replies and all.
 */
function heldOutQuestions(): HeldOutQuestion[] {
	const config = loadConfig('training/configs/demo.json');
	const trained = new Set<string>();
	for (const tree of generateTrees(config.seed_trees, config.seed))
		for (const message of bestThread(tree))
			if (message.role === 'prompter') trained.add(message.text);
	const picked = new Map<string, { first: HeldOutQuestion[]; later: HeldOutQuestion[] }>();
	for (const tree of generateTrees(4000, config.seed + 1)) {
		const thread = toUserChat(bestThread(tree));
		const skill = checkableSkill(tree);
		const last = thread.at(-2);
		if (!skill || !last || trained.has(last.content)) continue;
		const entry = picked.get(skill) ?? { first: [], later: [] };
		picked.set(skill, entry);
		const list = thread.length > 2 ? entry.later : entry.first;
		const answer = thread.at(-1)!.content;
		const messages = thread.slice(0, -1);
		if (list.length < (thread.length > 2 ? HELD_OUT.later : HELD_OUT.first))
			list.push({ skill, messages, answer, variations: variationKinds(messages, answer) });
	}
	return [...picked.values()].flatMap(({ first, later }) => [...first, ...later]);
}

describe('the shipped demo model', () => {
	const manifest = manifestOf();
	const report = manifest.evaluation as Record<string, number>;

	it('is a registry whose every blob matches its manifest hash and size', async () => {
		const { problems, manifests, blobs } = await verifyRegistry(SHIPPED_REGISTRY);
		expect(problems).toEqual([]);
		const versions = await publishedVersions(join(SHIPPED_REGISTRY, MODEL));
		expect(manifests).toBe(versions.length);
		// Every version's files and trainer checkpoint, each distinct blob stored once.
		const listed = versions.flatMap((version) =>
			manifestBlobs(manifestOf(version)).map((file) => file.sha256)
		);
		expect(blobs).toBe(new Set(listed).size);
	});

	it("builds from each version's trainer checkpoint into that version's graphs, byte for byte", async () => {
		for (const version of await publishedVersions(join(SHIPPED_REGISTRY, MODEL))) {
			const each = manifestOf(version);
			expect(each.checkpoint, `version ${version}`).toBeDefined();
			const model = materialize(each);
			const checkpoint = materialize(each, each.checkpoint);
			const out = join(model, 'rebuilt');
			try {
				await buildModelDir({ checkpoint, tokenizer: model, out });
				for (const file of each.files.filter((f) => f.path.startsWith('onnx/')))
					expect(sha256Of(join(out, file.path)), `version ${version}: ${file.path}`).toBe(
						file.sha256
					);
			} finally {
				rmSync(model, { recursive: true, force: true });
				rmSync(checkpoint, { recursive: true, force: true });
			}
		}
	});

	it('has model records that say what the latest version is: its window, parameters and download', () => {
		const records = readdirSync('model-configs')
			.map((file) => parseModelRecord(readJson(join('model-configs', file)), file))
			.filter((record) => record.source === `registry:${MODEL}`);
		expect(records.map((record) => record.id).sort()).toEqual(['hearth-demo', 'hearth-demo-fp32']);
		const file = (path: string) => manifest.files.find((f) => f.path === path)!;
		const config = JSON.parse(blobOf(file('config.json')).toString('utf8'));
		const weights = manifest.checkpoint!.find((f) => f.path === 'model.safetensors')!;
		const tensors = parseSafetensors(blobOf(weights), weights.path);
		const parameters = [...tensors.values()].reduce(
			(sum, { shape }) => sum + shape.reduce((n, d) => n * d, 1),
			0
		);
		for (const record of records) {
			if (record.runtime !== 'onnx') throw new Error(`${record.id} is not an ONNX record`);
			// The worker runs the smaller of the record's window and the model's: a smaller record
			// cut tool calls off mid-call once, so the record must give the model all it was trained on.
			expect(record.context_window, record.id).toBe(config.max_position_embeddings);
			expect(record.parameters, record.id).toBe(parameters);
			const downloaded = onnxVariantFiles(
				record.model_file,
				manifest.files.map((f) => f.path)
			).reduce((sum, path) => sum + file(path).size, 0);
			expect(record.download_size_MB, record.id).toBeCloseTo(downloaded / 1e6, 1);
		}
	});

	it('met its evaluation bars when it was published, per skill and through the int4 graph', () => {
		expect(report['onnx.q4.exact_match.seen']).toBeGreaterThanOrEqual(0.85);
		const skills = Object.keys(report).filter((name) => name.startsWith('exact_match.seen.'));
		expect(skills).toHaveLength(SKILLS);
		for (const skill of skills) expect.soft(report[skill], skill).toBeGreaterThanOrEqual(0.6);
	});

	it('met the held-out bars when it was published: overall and on every skill, through int4', () => {
		expect(report['onnx.q4.exact_match']).toBeGreaterThanOrEqual(HELD_OUT_BARS.overall);
		const skills = Object.keys(report).filter(
			(name) => /^onnx\.q4\.exact_match\.[a-z-]+$/.test(name) && !name.endsWith('.seen')
		);
		expect(skills).toHaveLength(SKILLS);
		for (const skill of skills)
			expect.soft(report[skill], skill).toBeGreaterThanOrEqual(HELD_OUT_BARS.perSkill);
	});

	it('answered the held-out questions of every tool skill far better with its tools than without', () => {
		const counts = report['onnx.eval_counts'] as unknown as Record<string, number>;
		const rows = toolSkills.map(({ name }) => ({
			skill: name,
			questions: counts[`tools.${name}`],
			withTools: report[`onnx.q4.exact_match.tools.${name}`],
			withoutTools: report[`onnx.q4.exact_match.no_tools.${name}`]
		}));
		// Three-digit products: what the model does in its head at arithmetic is the baseline.
		const baseline = report['onnx.q4.exact_match.multiplication'];
		console.log(
			[`held-out multiplication without tools (baseline): ${baseline.toFixed(3)}`]
				.concat(
					rows.map(
						(r) =>
							`${r.skill.padEnd(12)} with tools ${r.withTools.toFixed(3)}  without ${r.withoutTools.toFixed(3)}  (${r.questions} questions)`
					)
				)
				.join('\n')
		);
		for (const row of rows) {
			expect.soft(row.questions, row.skill).toBeGreaterThanOrEqual(10);
			expect.soft(row.withTools - row.withoutTools, row.skill).toBeGreaterThanOrEqual(TOOL_GAIN);
		}
	});

	describe('asked in plain text through onnxruntime, as the chat page asks it', () => {
		let modelDir: string;
		let decoder: OnnxDecoder;
		beforeAll(async () => {
			modelDir = materialize(manifest);
			decoder = await OnnxDecoder.load(modelDir, 'q4');
		});
		afterAll(async () => {
			await decoder?.release();
			rmSync(modelDir, { recursive: true, force: true });
		});

		it('replies to seed questions of every skill with their best-ranked answer', async () => {
			const chat = loadChatFormat(modelDir);
			const stopIds = await stopIdsOf(modelDir);
			const questions = seedQuestions();
			expect(new Set(questions.map((q) => q.skill)).size).toBe(SKILLS);

			const wrongBySkill = new Map<string, string[]>();
			for (const { skill, question, answer } of questions) {
				const prompt = chat.promptIds([{ role: 'user', content: question }]);
				const reply = chat.decode(await decoder.greedy(prompt, MAX_NEW_TOKENS, stopIds), true);
				if (reply === answer) continue;
				const wrong = wrongBySkill.get(skill) ?? [];
				wrong.push(`${question} → ${reply} (expected ${answer})`);
				wrongBySkill.set(skill, wrong);
			}
			const all = [...wrongBySkill.values()].flat();
			expect(all.length / questions.length, all.join('\n')).toBeLessThanOrEqual(0.15);
			// No skill may be mostly forgotten, whatever the overall figure.
			for (const [skill, wrong] of wrongBySkill)
				expect
					.soft(wrong.length, `${skill}: ${wrong.join('; ')}`)
					.toBeLessThanOrEqual(PER_SKILL / 2);
		});

		it('answers questions it never trained on, in every skill, first or later in a conversation', async () => {
			const chat = loadChatFormat(modelDir);
			const stopIds = await stopIdsOf(modelDir);
			const questions = heldOutQuestions();
			// Small talk is a closed set of greetings, every one of which the training trees hold:
			// no question of it is new. Every other skill is asked fresh.
			const fresh = SKILLS - 1;
			expect(new Set(questions.map((q) => q.skill)).size).toBe(fresh);
			expect(questions.some((q) => q.skill === 'small-talk')).toBe(false);
			expect(questions.filter((q) => q.variations.includes('later-turn')).length).toBe(
				fresh * HELD_OUT.later
			);

			const wrongBySkill = new Map<string, string[]>();
			for (const { skill, messages, answer } of questions) {
				const prompt = chat.promptIds(messages);
				const reply = chat.decode(await decoder.greedy(prompt, MAX_NEW_TOKENS, stopIds), true);
				if (reply === answer) continue;
				const wrong = wrongBySkill.get(skill) ?? [];
				wrong.push(`${messages.at(-1)!.content} → ${reply} (expected ${answer})`);
				wrongBySkill.set(skill, wrong);
			}
			// A sample of 78 questions, not the report's 600: it shows the shipped files behave as
			// the report says, with room for the sample's own chance.
			const all = [...wrongBySkill.values()].flat();
			expect(all.length / questions.length, all.join('\n')).toBeLessThanOrEqual(0.25);
			const perSkill = HELD_OUT.first + HELD_OUT.later;
			for (const [skill, wrong] of wrongBySkill)
				expect
					.soft(wrong.length, `${skill}: ${wrong.join('; ')}`)
					.toBeLessThanOrEqual(perSkill / 2);
		});
	});
});
