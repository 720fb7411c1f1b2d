import type { HearthDatabase } from './database';
import type { StoredModelBlob } from './records/model-blob';

export class ModelBlobsRepository {
	constructor(private readonly db: HearthDatabase) {}

	/** Records a blob after its sha-256 was verified and its bytes stored. */
	async record(blob: StoredModelBlob): Promise<void> {
		await this.db.modelBlobs.put({ ...blob });
	}

	get(sha256: string): Promise<StoredModelBlob | undefined> {
		return this.db.modelBlobs.get(sha256);
	}

	ofModel(model: string): Promise<StoredModelBlob[]> {
		return this.db.modelBlobs.where('model').equals(model).toArray();
	}

	remove(sha256s: readonly string[]): Promise<void> {
		return this.db.modelBlobs.bulkDelete([...sha256s]);
	}
}
