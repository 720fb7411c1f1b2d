// The model records shipped with the app: every JSON file in model-configs/, validated. Vite
// inlines them at build time, so the list is available offline and without a request.
import { parseModelRecords } from '$lib/protocol/model-record';

const files = import.meta.glob<unknown>('/model-configs/*.json', {
	eager: true,
	import: 'default'
});

/** Valid records, and a readable line for each file that is not (file and field named). */
export const { records: modelRecords, problems: modelRecordProblems } = parseModelRecords(files);
