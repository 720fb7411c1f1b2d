/**
 * The chat box's text, saved as a draft on every change so nothing typed is lost, and restored
 * per conversation. Reading a saved draft takes a moment; if the user starts typing in that
 * moment, what they type wins over the draft that arrives late.
 */
export class ComposerDraft {
	text = $state('');
	#conversationId: string | null = null;
	#typedSinceSwitch = false;
	#switches = 0;

	constructor(
		private readonly load: (conversationId: string | null) => Promise<string>,
		private readonly save: (conversationId: string | null, text: string) => Promise<void>
	) {}

	async switchTo(conversationId: string | null): Promise<void> {
		const switchNumber = ++this.#switches;
		this.#conversationId = conversationId;
		this.#typedSinceSwitch = false;
		const saved = await this.load(conversationId);
		if (switchNumber === this.#switches && !this.#typedSinceSwitch) this.text = saved;
	}

	input(text: string): Promise<void> {
		this.text = text;
		this.#typedSinceSwitch = true;
		return this.save(this.#conversationId, text);
	}

	/** The text to send, leaving the box empty (the session drops the saved draft once sent). */
	take(): { text: string; conversationId: string | null } {
		const text = this.text;
		this.text = '';
		return { text, conversationId: this.#conversationId };
	}

	/**
	 * A send that was refused gives its text back, so nothing typed is lost: to the box when it
	 * still shows that conversation and the user has not typed anew, else to the conversation's
	 * saved draft when that is empty.
	 */
	async giveBack(taken: { text: string; conversationId: string | null }): Promise<void> {
		if (taken.conversationId === this.#conversationId) {
			if (!this.text) await this.input(taken.text);
		} else if (!(await this.load(taken.conversationId))) {
			await this.save(taken.conversationId, taken.text);
		}
	}
}
