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
	take(): string {
		const text = this.text;
		this.text = '';
		return text;
	}
}
