// The Settings page's view of this device's account on the sync server: the user id to give an
// admin who makes you a moderator, the role the server holds, claiming the admin role with the
// operator's HEARTH_ADMIN_TOKEN, for an admin, giving another user a role, and deleting the
// account with everything it wrote. Created by the
// page (not a module singleton: each page and test gets its own, and a second tab's state is
// never mixed in); the sync engine owns the device token and registration.
import type { DeletedAccount } from '$lib/protocol/donations';
import type { Me, RegisteredDevice, Role } from '$lib/protocol/identity';
import { describeSyncError, type HearthApi } from '$lib/sync/api-client';

/** What the account needs of the sync engine. */
export interface AccountEngine {
	knownDevice(): Promise<RegisteredDevice | null>;
	/** A sync registers the device first when it has no account yet. */
	sync(): Promise<unknown>;
	deleteAccount(confirmDisplayName: string): Promise<DeletedAccount>;
	readonly api: Pick<HearthApi, 'me' | 'claimAdmin' | 'setRole'>;
}

export class Account {
	/** Null until read, and while the device has no account on the server. */
	device = $state<RegisteredDevice | null>(null);
	/** What the server says now; null offline or before it answered. */
	me = $state<Me | null>(null);
	loaded = $state(false);
	error = $state<string | null>(null);

	readonly userId = $derived(this.me?.userId ?? this.device?.userId ?? null);
	readonly role = $derived<Role | null>(this.me?.role ?? this.device?.role ?? null);

	constructor(private readonly engine: () => Promise<AccountEngine>) {}

	/** Reads the device's account, then asks the server for its current role (offline: the stored one). */
	async load(): Promise<void> {
		try {
			const engine = await this.engine();
			this.device = await engine.knownDevice();
			if (this.device) this.me = await engine.api.me();
			this.error = null;
		} catch (error) {
			this.error = describeSyncError(error);
		} finally {
			this.loaded = true;
		}
	}

	/** Creates this device's account now rather than at its first contribution. */
	async register(): Promise<void> {
		let failed: unknown = null;
		try {
			await (await this.engine()).sync();
		} catch (error) {
			failed = error;
		}
		// The device is registered before anything else a sync does, so it may have an account
		// even when the rest of the sync failed.
		await this.load();
		if (failed && !this.device) this.error = describeSyncError(failed);
	}

	/** Becomes admin with the server's HEARTH_ADMIN_TOKEN; throws the server's refusal as a sentence. */
	async claimAdmin(adminToken: string): Promise<void> {
		const token = adminToken.trim();
		if (!token) throw new Error('Enter the admin token.');
		this.me = await this.#call((api) => api.claimAdmin(token));
	}

	/** Admins only: gives `userId` a role; throws the server's refusal as a sentence. */
	async setRole(userId: string, role: Role): Promise<void> {
		const id = userId.trim();
		if (!id) throw new Error('Enter the user id.');
		await this.#call((api) => api.setRole(id, role));
		if (id === this.userId && this.me) this.me = { ...this.me, role };
	}

	/**
	 * Deletes the account and everything it wrote on the server, then forgets it on this device;
	 * resolves to what was erased. Throws the server's refusal (a name that does not match) as a
	 * sentence.
	 */
	async deleteAccount(confirmDisplayName: string): Promise<DeletedAccount> {
		const engine = await this.engine();
		try {
			const deleted = await engine.deleteAccount(confirmDisplayName);
			this.device = null;
			this.me = null;
			return deleted;
		} catch (error) {
			throw new Error(describeSyncError(error), { cause: error });
		}
	}

	async #call<T>(request: (api: AccountEngine['api']) => Promise<T>): Promise<T> {
		const engine = await this.engine();
		if (!(await engine.knownDevice())) throw new Error('This device has no account yet.');
		try {
			return await request(engine.api);
		} catch (error) {
			throw new Error(describeSyncError(error), { cause: error });
		}
	}
}
