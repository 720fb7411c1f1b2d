// Row types of the server's tables, as Kysely sees them. Each migration that changes a table
// changes its interface here. Portable across SQLite and PostgreSQL: text ids (generated in
// the app), integer timestamps in epoch milliseconds, JSON stored as text, no booleans.
import type { Generated } from 'kysely';

export type Role = 'contributor' | 'moderator' | 'admin';

export interface UsersTable {
	id: string;
	display_name: string;
	role: Generated<Role>;
	created_at: number;
}

/** A device holds one bearer token; the server keeps only its SHA-256. */
export interface DevicesTable {
	id: string;
	user_id: string;
	token_hash: string;
	created_at: number;
	last_seen_at: number | null;
}

/** One outbox stream (a device's local database); `last_seq` is the last applied push entry. */
export interface ClientsTable {
	id: string;
	device_id: string;
	last_seq: Generated<number>;
	created_at: number;
}

/** Every pushed mutation, applied or rejected, so a retried push is answered identically. */
export interface MutationsTable {
	client_id: string;
	seq: number;
	name: string;
	/** The mutation's arguments as JSON text. */
	args: string;
	status: 'applied' | 'rejected';
	reason: string | null;
	processed_at: number;
}

export interface Tables {
	users: UsersTable;
	devices: DevicesTable;
	clients: ClientsTable;
	mutations: MutationsTable;
}
