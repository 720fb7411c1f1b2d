// The tools a reply may call in the browser, in the order models are shown them (the order the
// pipeline trains with). Loaded on demand: the calculator's mathjs and the search index stay off
// the first visit's bundle.
import type { HearthStorage } from '$lib/db/open';
import { toolDeclarations } from '$lib/shared/tools/declarations';
import { pureTools } from '$lib/shared/tools/pure-tools';
import type { Tool } from '$lib/shared/tools/tool';
import { searchDocumentsTool } from './documents';
import { encyclopediaTool } from './encyclopedia';

export function browserTools(storage: HearthStorage): Tool[] {
	const byName = new Map(
		[...pureTools, searchDocumentsTool(storage), encyclopediaTool()].map((tool) => [
			tool.name,
			tool
		])
	);
	return toolDeclarations.flatMap((declaration) => byName.get(declaration.name) ?? []);
}
