// A reply that answered from passages (the user's documents, the encyclopedia) cites them as
// [1], [2] …, numbered as the last tool result that brought passages listed them. The marks
// become links to the reply's list of sources; each source links to where it came from.
import type { ToolCallRecord, ToolStep } from '$lib/protocol/tools';
import { ENCYCLOPEDIA_ORIGIN } from '$lib/shared/tools/encyclopedia-origin';

export type Source = NonNullable<ToolCallRecord['sources']>[number];

/** The passages a reply's [n] marks refer to: those of its last call that returned passages. */
export function citedSources(steps: readonly ToolStep[] | undefined): Source[] {
	const calls = (steps ?? []).flatMap((step) => step.calls);
	return calls.findLast((call) => call.sources?.length)?.sources ?? [];
}

/** `text` with each [n] that names a source turned into a Markdown link to `#<anchor>-n`. */
export function linkCitations(text: string, sources: readonly Source[], anchor: string): string {
	if (sources.length === 0) return text;
	return text.replace(/\[(\d{1,2})\](?!\()/g, (mark, n: string) =>
		Number(n) >= 1 && Number(n) <= sources.length ? `[\\[${n}\\]](#${anchor}-${n})` : mark
	);
}

/**
 * Where a source opens: an encyclopedia article on Wikipedia itself, a passage of the user's
 * document on the documents page. Anything else a tool result claimed is not linked.
 */
export function sourceTarget(source: Source): { url: string } | { documentId: string } | null {
	if (source.id.startsWith(`${ENCYCLOPEDIA_ORIGIN}/`)) return { url: source.id };
	const documentId = /^([\w-]+)#\d+$/.exec(source.id)?.[1];
	return documentId ? { documentId } : null;
}
