// A trainer token for a test app's database, made as `npm run admin -- trainer-token create` does.
import type { DatabaseConfig } from '../../../sync-server/db/database';
import { openDatabase } from '../../../sync-server/db/database';
import { createTrainerToken } from '../../../sync-server/identity/trainer-tokens';
import { createService } from '../../../sync-server/service/service';

export async function trainerToken(database: DatabaseConfig, name: string): Promise<string> {
	const opened = openDatabase(database);
	try {
		return await createTrainerToken(createService(opened, {}), name);
	} finally {
		await opened.close();
	}
}
