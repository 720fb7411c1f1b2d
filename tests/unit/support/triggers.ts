// Stand-ins for what starts background work in the app: the page's visibility and a timer the
// test fires instead of waiting for.

/** A document whose visibility the test sets. */
export class FakeDocument extends EventTarget {
	visibilityState: DocumentVisibilityState = 'visible';
}

/** The timer the code under test asked for last; the test fires it instead of waiting. */
export class ManualTimer {
	requested: number[] = [];
	#run: (() => void) | null = null;

	readonly schedule = (run: () => void, delayMs: number) => {
		this.requested.push(delayMs);
		this.#run = run;
		return () => {
			if (this.#run === run) this.#run = null;
		};
	};

	get pending(): boolean {
		return this.#run !== null;
	}

	fire(): void {
		const run = this.#run;
		this.#run = null;
		run?.();
	}
}
