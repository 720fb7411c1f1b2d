// Reads an oasst file as OpenAssistant publishes it — trees (`*.trees.jsonl`) or messages
// (`*.messages.jsonl`), plain or gzip, fields left out when null — through the same reader as the
// server's import (src/lib/protocol/oasst-file.ts). Any problem stops the stage with `file:line`
// and what is wrong, because a silently skipped line would quietly change what the model learns.
// Trees listed without a prompt hold nothing to learn from and are left out.
import { gunzipSync } from 'node:zlib';
import { readOasstText } from '../../src/lib/protocol/oasst-file';
import { readFileNamed } from '../files';
import type { OasstTree } from './oasst-tree';

const SHOWN_PROBLEMS = 20;

export function readTrees(path: string): OasstTree[] {
	return parseTrees(readOasstFile(path), path);
}

/** The text of an oasst file, unzipped when it is gzip. */
export function readOasstFile(path: string): string {
	const bytes = readFileNamed(path);
	try {
		const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
		return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
	} catch (error) {
		throw new Error(`${path}: not a readable gzip file (${(error as Error).message})`, {
			cause: error
		});
	}
}

/** The trees of an oasst text; problems are reported as `<name>:<line>: …`. */
export function parseTrees(text: string, name: string): OasstTree[] {
	const file = readOasstText(text, name);
	const problems = file.problems;
	if (problems.length > 0) {
		const more = problems.length - SHOWN_PROBLEMS;
		throw new Error(
			problems.slice(0, SHOWN_PROBLEMS).join('\n') +
				(more > 0 ? `\n… and ${more} more problem(s)` : '')
		);
	}
	return file.trees.map((tree) => ({
		message_tree_id: tree.message_tree_id,
		tree_state: tree.tree_state,
		prompt: tree.prompt,
		origin: tree.origin,
		tags: tree.tags
	}));
}
