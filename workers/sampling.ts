// Choosing the next token from a row of logits, and watching the text for stop strings.
// Pure functions over plain arrays so that every backend that hands us logits samples the same
// way, and so that the same seed gives the same reply in the browser and in a unit test.

export interface SamplingSettings {
	/** 0 = greedy. */
	temperature: number;
	/** 0 = no limit. */
	topK: number;
	/** 1 = no limit. */
	topP: number;
	/** 1 = off. */
	repetitionPenalty: number;
}

/**
 * Picks the next token id. `seen` are the ids the repetition penalty applies to (prompt and reply
 * so far, as Hugging Face does). Greedy ties go to the lowest id, like an argmax in NumPy or
 * PyTorch, so our greedy replies match the pipeline's.
 */
export function sampleToken(
	logits: ArrayLike<number>,
	settings: SamplingSettings,
	seen: ReadonlySet<number>,
	random: () => number
): number {
	const penalised = applyRepetitionPenalty(logits, seen, settings.repetitionPenalty);
	if (settings.temperature === 0) return argmax(penalised);

	const candidates = topCandidates(penalised, settings.topK);
	const probabilities = softmaxOfSorted(
		candidates.map((id) => penalised[id] / settings.temperature)
	);
	const kept = nucleus(probabilities, settings.topP);

	let total = 0;
	for (let i = 0; i < kept; i++) total += probabilities[i];
	let target = random() * total;
	for (let i = 0; i < kept; i++) {
		target -= probabilities[i];
		if (target < 0) return candidates[i];
	}
	return candidates[kept - 1];
}

/** A copy of the logits with the penalty applied only where it changes something. */
function applyRepetitionPenalty(
	logits: ArrayLike<number>,
	seen: ReadonlySet<number>,
	penalty: number
): ArrayLike<number> {
	if (penalty === 1 || seen.size === 0) return logits;
	const out = Float32Array.from(logits);
	for (const id of seen) {
		if (id < 0 || id >= out.length) continue;
		// Dividing a positive logit and multiplying a negative one both make the token less likely.
		out[id] = out[id] > 0 ? out[id] / penalty : out[id] * penalty;
	}
	return out;
}

export function argmax(values: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
	return best;
}

/** Token ids ordered by logit, highest first (ties: lower id first), at most `k` of them (0 = all). */
function topCandidates(logits: ArrayLike<number>, k: number): number[] {
	const ids = Array.from({ length: logits.length }, (_, i) => i);
	const byLogit = (a: number, b: number) => logits[b] - logits[a] || a - b;
	if (k <= 0 || k >= logits.length) return ids.sort(byLogit);
	// Keep a sorted window of the best k seen so far: O(V·k) worst case, O(V) typical, no full sort of a 150k vocabulary.
	const best: number[] = [];
	for (const id of ids) {
		if (best.length === k && byLogit(id, best[k - 1]) >= 0) continue;
		let at = best.length < k ? best.length : k - 1;
		if (best.length === k) best.pop();
		while (at > 0 && byLogit(id, best[at - 1]) < 0) at--;
		best.splice(at, 0, id);
	}
	return best;
}

/** Softmax of values sorted highest first (so the first is the maximum). */
function softmaxOfSorted(values: number[]): number[] {
	const max = values[0];
	const exps = values.map((v) => Math.exp(v - max));
	const sum = exps.reduce((a, b) => a + b, 0);
	return exps.map((e) => e / sum);
}

/** How many of the (descending) probabilities make up the top-p nucleus; always at least one. */
function nucleus(probabilities: number[], topP: number): number {
	if (topP >= 1) return probabilities.length;
	let cumulative = 0;
	for (let i = 0; i < probabilities.length; i++) {
		cumulative += probabilities[i];
		if (cumulative >= topP) return i + 1;
	}
	return probabilities.length;
}

/**
 * Streams text while watching for stop strings that may arrive split across tokens. Text that
 * could still turn out to be the start of a stop string is held back until it is decided, so
 * the caller never shows a stop string (or half of one) that later has to be taken back.
 */
export class StopStringWatcher {
	private pending = '';
	private stopped = false;

	constructor(private readonly stops: readonly string[]) {}

	/** Adds new text; returns what is safe to show now, and whether a stop string was reached. */
	push(text: string): { text: string; stopped: boolean } {
		if (this.stopped) return { text: '', stopped: true };
		this.pending += text;
		let stopAt = -1;
		for (const stop of this.stops) {
			const at = this.pending.indexOf(stop);
			if (at !== -1 && (stopAt === -1 || at < stopAt)) stopAt = at;
		}
		if (stopAt !== -1) {
			this.stopped = true;
			const shown = this.pending.slice(0, stopAt);
			this.pending = '';
			return { text: shown, stopped: true };
		}
		const held = this.longestStopPrefixAtEnd();
		const shown = this.pending.slice(0, this.pending.length - held);
		this.pending = this.pending.slice(this.pending.length - held);
		return { text: shown, stopped: false };
	}

	/** The end of the reply: whatever was held back is not a stop string after all. */
	flush(): string {
		const rest = this.stopped ? '' : this.pending;
		this.pending = '';
		return rest;
	}

	private longestStopPrefixAtEnd(): number {
		let longest = 0;
		for (const stop of this.stops) {
			for (
				let length = Math.min(stop.length - 1, this.pending.length);
				length > longest;
				length--
			) {
				if (this.pending.endsWith(stop.slice(0, length))) {
					longest = length;
					break;
				}
			}
		}
		return longest;
	}
}
