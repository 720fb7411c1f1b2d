// zod's validation failures as readable field paths (`body.messages[2].text: Required`), one
// way for every reader of untrusted input: API bodies, config files, model files, worker
// requests. Pure: zod's types only.
import type { z } from 'zod';

export interface FieldIssue {
	/** Where, under `root`: `body.messages[2].text`; the root itself when the whole value is wrong. */
	path: string;
	message: string;
}

/** `['messages', 2, 'text']` under `body` → `body.messages[2].text`; under `''` → `messages[2].text`. */
export function formatIssuePath(root: string, path: readonly PropertyKey[]): string {
	let out = root;
	for (const key of path) {
		out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
	}
	return root ? out : out.replace(/^\./, '');
}

/** Each issue located under `root`; a single unknown key is named in the path itself. */
export function zodIssues(error: z.ZodError, root = ''): FieldIssue[] {
	return error.issues.map((issue) => {
		const unknownKey = issue.code === 'unrecognized_keys' && issue.keys.length === 1;
		const path = unknownKey ? [...issue.path, issue.keys[0]] : issue.path;
		return { path: formatIssuePath(root, path), message: issue.message };
	});
}

/** One `path: message` line per issue, `(root)` standing for the whole value. */
export function zodProblems(error: z.ZodError, root = ''): string[] {
	return zodIssues(error, root).map(({ path, message }) => `${path || '(root)'}: ${message}`);
}
