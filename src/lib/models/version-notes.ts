// What a published version says about itself, read from its manifest for people: how many held-out
// questions it answers, against the version before it on the same questions (the release gate
// evaluated both), which skills moved, and what it learnt from. The update offer and the Models
// page both read it, so the figures a user is shown are the pipeline's own.
import { formatBytes } from '$lib/format/bytes';
import type { GateCheck, VersionManifest } from '$lib/protocol/registry';

/** A skill whose held-out exact match moved by at least this much is named as changed. */
const NOTABLE_CHANGE = 0.05;

export interface SkillChange {
	skill: string;
	before: number;
	after: number;
}

export interface VersionNotes {
	version: number;
	parent: number | null;
	createdAt: string;
	/** Share of the held-out questions the graph the device runs answers exactly; null when not evaluated. */
	heldOut: number | null;
	/** The parent's figure on the same held-out questions, when the release gate compared them. */
	parentHeldOut: number | null;
	/** Skills that moved against the parent, largest change first. */
	skillChanges: SkillChange[];
	/** Community trees the version learnt from; null for a version trained on seed data only. */
	communityTrees: number | null;
}

interface GateRecord {
	parent: { version: number };
	checks: GateCheck[];
}

function gateOf(evaluation: Record<string, unknown>): GateRecord | null {
	const gate = evaluation.gate as Partial<GateRecord> | undefined;
	return gate?.parent && Array.isArray(gate.checks) ? (gate as GateRecord) : null;
}

/** The report's figure prefix for the graph a record runs (`onnx/model_q4.onnx` → `onnx.q4`). */
function figurePrefix(quantization: string): string {
	return `onnx.${quantization}.exact_match`;
}

export function versionNotes(
	manifest: Pick<
		VersionManifest,
		'version' | 'parent' | 'created_at' | 'evaluation' | 'training_data'
	>,
	quantization: string
): VersionNotes {
	const prefix = figurePrefix(quantization);
	const figure = manifest.evaluation[prefix];
	const gate = gateOf(manifest.evaluation);
	const compared = gate?.parent.version === manifest.parent ? gate : null;
	const overall = compared?.checks.find((c) => c.figure === prefix);
	const skillChanges = (compared?.checks ?? [])
		.filter((c) => c.figure.startsWith(`${prefix}.`) && c.parent !== null)
		.map((c) => ({ skill: c.figure.slice(prefix.length + 1), before: c.parent!, after: c.child }))
		.filter((c) => Math.abs(c.after - c.before) >= NOTABLE_CHANGE)
		.sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
	const trees = manifest.training_data?.trees;
	return {
		version: manifest.version,
		parent: manifest.parent,
		createdAt: manifest.created_at,
		heldOut: typeof figure === 'number' ? figure : null,
		parentHeldOut: overall?.parent ?? null,
		skillChanges,
		communityTrees: trees ? Object.values(trees).reduce((sum, n) => sum + n, 0) : null
	};
}

export const percent = (share: number) => `${Math.round(share * 100)} %`;

/** A newer version than the one the device holds, with what it would cost to take it. */
export interface UpdateOffer {
	recordId: string;
	name: string;
	/** The version the device holds, and the one offered. */
	from: number;
	notes: VersionNotes;
	/** The held version's figure: on the same questions when the gate compared them, else its own. */
	fromHeldOut: number | null;
	/** Bytes of the new version's files this device does not hold yet. */
	downloadBytes: number;
}

/** "Hearth demo v3 — answers 52 % of the held-out questions (v2: 44 %) — 0.3 MB to download". */
export function offerSentence(offer: UpdateOffer): string {
	const parts = [`${offer.name} v${offer.notes.version}`];
	if (offer.notes.heldOut !== null) {
		const before =
			offer.fromHeldOut === null ? '' : ` (v${offer.from}: ${percent(offer.fromHeldOut)})`;
		parts.push(`answers ${percent(offer.notes.heldOut)} of the held-out questions${before}`);
	}
	parts.push(`${formatBytes(offer.downloadBytes)} to download`);
	return parts.join(' — ');
}
