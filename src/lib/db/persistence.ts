/**
 * Asks the browser to keep Hearth's storage under pressure (`navigator.storage.persist()`),
 * once, the first time something the user would miss is saved — not at start-up, where a
 * browser that prompts (Firefox) would ask before the user has any reason to agree.
 */
export class PersistenceRequest {
	#asked = false;

	constructor(private readonly storage: StorageManager | undefined) {}

	/**
	 * Starts the request and returns at once: repositories call this inside Dexie
	 * transactions, where awaiting a foreign promise would commit the transaction early.
	 */
	ensure(): void {
		if (this.#asked) return;
		this.#asked = true;
		void this.#ask();
	}

	async #ask(): Promise<void> {
		if (!this.storage?.persist) return;
		try {
			if (!(await this.storage.persisted())) await this.storage.persist();
		} catch {
			// A refused or failed request leaves storage best-effort, which still works.
		}
	}
}
