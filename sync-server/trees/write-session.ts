// One write transaction's view of the contribution data: the transaction, the time it runs at,
// the configuration, and the users whose own messages it changed. Pull follows a per-user change
// counter: before commit, `flush` bumps the counter of every such user once and stamps their
// changed messages with it. The counter lives on the user row, so two transactions changing the
// same user's messages take turns, and versions commit in increasing order.
import type { HearthDatabase } from '../db/database';
import { lockRows, type Trx } from '../db/transaction';
import type { Service } from '../service/service';
import type { TreeManagerConfig } from '../tree-manager/config';

export class WriteSession {
	private readonly touched = new Map<string, Set<string>>();
	private readonly memo = new Map<string, unknown>();
	/** Languages whose prompt lottery should run before commit (a slot or a prompt appeared). */
	readonly lotteryLangs = new Set<string>();

	constructor(
		readonly trx: Trx,
		readonly service: Service,
		readonly now: number
	) {}

	get treeConfig(): TreeManagerConfig {
		return this.service.config.treeManager;
	}

	get database(): HearthDatabase {
		return this.service.database;
	}

	/** Records that `authorId`'s message changed in a way its author should see on pull. */
	touch(authorId: string, messageId: string): void {
		const ids = this.touched.get(authorId) ?? new Set();
		ids.add(messageId);
		this.touched.set(authorId, ids);
	}

	/**
	 * A value loaded once per transaction and kept current by the caller (`remember`), so a push
	 * of many mutations does not query it again for each. Values are replaced, never mutated,
	 * which lets `checkpoint` restore them.
	 */
	async recall<T>(key: string, load: () => Promise<T>): Promise<T> {
		if (!this.memo.has(key)) this.memo.set(key, await load());
		return this.memo.get(key) as T;
	}

	remember<T>(key: string, value: T): void {
		this.memo.set(key, value);
	}

	/** Returns a function that forgets what was recorded after this call (a rolled-back savepoint). */
	checkpoint(): () => void {
		const touched = new Map([...this.touched].map(([user, ids]) => [user, new Set(ids)]));
		const langs = new Set(this.lotteryLangs);
		const memo = new Map(this.memo);
		return () => {
			this.touched.clear();
			for (const [user, ids] of touched) this.touched.set(user, ids);
			this.lotteryLangs.clear();
			for (const lang of langs) this.lotteryLangs.add(lang);
			this.memo.clear();
			for (const [key, value] of memo) this.memo.set(key, value);
		};
	}

	/** Stamps the changed messages with their authors' next version. Call once, before commit. */
	async flush(): Promise<void> {
		const users = [...this.touched.keys()].sort();
		await lockRows(this.trx, this.database, 'users', users);
		for (const userId of users) {
			const { version } = await this.trx
				.updateTable('users')
				.set((eb) => ({ version: eb('version', '+', 1) }))
				.where('id', '=', userId)
				.returning('version')
				.executeTakeFirstOrThrow();
			await this.trx
				.updateTable('messages')
				.set({ version })
				.where('id', 'in', [...this.touched.get(userId)!])
				.execute();
		}
		this.touched.clear();
	}
}
