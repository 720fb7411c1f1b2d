// Kendall's τ between two rankings, over the ids both contain: +1 when they agree on every
// pair, −1 when they disagree on every pair. Rankings here are strict orders (no ties), so
// τ-a and τ-b coincide.

/** null when fewer than two ids are common: there is no pair to agree or disagree on. */
export function kendallTau(a: readonly string[], b: readonly string[]): number | null {
	const inB = new Map(b.map((id, i) => [id, i]));
	const common = a.filter((id) => inB.has(id));
	const n = common.length;
	if (n < 2) return null;
	let balance = 0;
	for (let i = 0; i < n; i++) {
		for (let j = i + 1; j < n; j++) {
			// common is in a's order, so a puts i above j; b agrees when its position is lower too.
			balance += inB.get(common[i])! < inB.get(common[j])! ? 1 : -1;
		}
	}
	return balance / ((n * (n - 1)) / 2);
}
