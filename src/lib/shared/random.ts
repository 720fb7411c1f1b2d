// A small seeded generator (mulberry32). Seeded draws make seed data byte-identical on every
// machine, let tests replay the server's task choices, and give the same reply for the same
// sampling seed in the browser and in a unit test, which Math.random cannot promise.
// Good enough for all of those; never for secrets.

/** Returns a float in [0, 1), the same contract as Math.random. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
