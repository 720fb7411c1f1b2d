// What a version's manifest says about the community data it learnt from, taken from the data
// manifest the datasets stage wrote: the export snapshot's hash and counts, and how many trees of
// each source were trained on and held out after mixing. A seed-only run has none.
import { trainingData, type TrainingData } from '../../src/lib/protocol/registry';
import { zodProblems } from '../../src/lib/shared/zod-issues';
import { snapshotManifestSchema } from '../export/take-snapshot';

export function trainingDataOf(
	dataManifest: Record<string, unknown>,
	source: string
): TrainingData | null {
	if (dataManifest.snapshot === undefined) return null;
	const snapshot = snapshotManifestSchema.safeParse(dataManifest.snapshot);
	if (!snapshot.success)
		throw new Error(`${source}: snapshot ${zodProblems(snapshot.error).join('; ')}`);
	const parsed = trainingData.safeParse({
		snapshot_sha256: snapshot.data.sha256,
		trees: snapshot.data.trees,
		messages: snapshot.data.messages,
		used: dataManifest.sources
	});
	if (!parsed.success) throw new Error(`${source}: ${zodProblems(parsed.error).join('; ')}`);
	return parsed.data;
}
