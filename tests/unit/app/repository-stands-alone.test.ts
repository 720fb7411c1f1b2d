// A clone of the repository is all a contributor gets, so nothing in it may point outside it:
// no tracked file names the old design notes that lived beside the repository, every relative
// link in the top-level docs reaches a file (and heading) that exists, and every section of
// docs/architecture.md that a comment cites by name is still there.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ARCHITECTURE = 'docs/architecture.md';

// Written as patterns so that this file does not match them itself.
const outsideReferences = [/\.\.\/shared(?![\w-])/, /DESIGN\.md/];
const sectionCitation = /docs\/architecture\.md,?\s*"([^"\n]+)"/g;

interface TextFile {
	path: string;
	text: string;
}

/** Tracked files as they are in the working tree (deleted and binary files left out). */
function trackedTextFiles(): TextFile[] {
	const listing = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
	const files: TextFile[] = [];
	for (const path of listing.split('\0').filter(Boolean)) {
		const absolute = join(root, path);
		if (!existsSync(absolute) || !statSync(absolute).isFile()) continue;
		const bytes = readFileSync(absolute);
		if (bytes.includes(0)) continue;
		files.push({ path, text: bytes.toString('utf8') });
	}
	return files;
}

function lineOf(text: string, index: number): number {
	return text.slice(0, index).split('\n').length;
}

/** Blanks code (fenced blocks and inline spans) but keeps the line breaks, so lines still count. */
function withoutCode(markdown: string): string {
	const blank = (code: string) => code.replace(/[^\n]/g, ' ');
	return markdown
		.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, blank)
		.replace(/`[^`\n]*`/g, blank);
}

/** GitHub's anchors for the headings of a Markdown file. */
function headingAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const heading of headingTexts(markdown)) {
		const slug = heading
			.replace(/`/g, '')
			.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.trim()
			.replace(/\s/g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}
	return anchors;
}

function headingTexts(markdown: string): string[] {
	const headings: string[] = [];
	let fence: string | null = null;
	for (const line of markdown.split('\n')) {
		const marker = /^(```|~~~)/.exec(line)?.[1];
		if (marker && (fence === null || fence === marker)) fence = fence === null ? marker : null;
		else if (fence === null) {
			const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
			if (heading) headings.push(heading[1]);
		}
	}
	return headings;
}

/** Relative link targets of a Markdown file: inline links, images and reference definitions. */
function relativeLinks(markdown: string): { target: string; line: number }[] {
	const text = withoutCode(markdown);
	const links: { target: string; line: number }[] = [];
	const patterns = [
		/\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g,
		/^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm
	];
	for (const pattern of patterns) {
		for (const match of text.matchAll(pattern)) {
			const target = match[1];
			if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
			links.push({ target, line: lineOf(text, match.index) });
		}
	}
	return links;
}

/** Where a link lands, or why it does not: `null` when it reaches an existing file (and heading). */
function brokenLink(from: string, target: string): string | null {
	const [pathPart, fragment] = target.split('#', 2) as [string, string | undefined];
	const path = decodeURIComponent(pathPart.split('?')[0]);
	const absolute = path.startsWith('/')
		? join(root, path)
		: path === ''
			? join(root, from)
			: resolve(root, dirname(from), path);
	const shown = relative(root, absolute) || '.';
	if (!absolute.startsWith(root) && absolute !== root.replace(/\/$/, '')) {
		return `${target} leaves the repository`;
	}
	if (!existsSync(absolute)) return `${target}: no file ${shown}`;
	if (fragment && absolute.endsWith('.md')) {
		const anchors = headingAnchors(readFileSync(absolute, 'utf8'));
		if (!anchors.has(fragment.toLowerCase()))
			return `${target}: ${shown} has no heading #${fragment}`;
	}
	return null;
}

describe('the repository stands alone', () => {
	const files = trackedTextFiles();

	it('has no tracked file that points at notes outside the repository', () => {
		const found: string[] = [];
		for (const { path, text } of files) {
			text.split('\n').forEach((line, i) => {
				for (const pattern of outsideReferences) {
					const match = pattern.exec(line);
					if (match) found.push(`${path}:${i + 1}: mentions ${match[0]}`);
				}
			});
		}
		expect(found, 'point these at docs/architecture.md instead').toEqual([]);
	});

	it('has relative links in README.md and docs/*.md that reach existing files and headings', () => {
		const docs = readdirSync(join(root, 'docs'))
			.filter((name) => name.endsWith('.md'))
			.map((name) => `docs/${name}`);
		expect(docs).toContain(ARCHITECTURE);
		const broken: string[] = [];
		for (const path of ['README.md', ...docs]) {
			for (const { target, line } of relativeLinks(readFileSync(join(root, path), 'utf8'))) {
				const problem = brokenLink(path, target);
				if (problem) broken.push(`${path}:${line}: ${problem}`);
			}
		}
		expect(broken).toEqual([]);
	});

	it('has every architecture section that a file cites by name', () => {
		const headings = new Set(headingTexts(readFileSync(join(root, ARCHITECTURE), 'utf8')));
		const missing: string[] = [];
		for (const { path, text } of files) {
			for (const match of text.matchAll(sectionCitation)) {
				if (!headings.has(match[1])) {
					missing.push(`${path}:${lineOf(text, match.index)}: no section "${match[1]}"`);
				}
			}
		}
		expect(missing, `sections of ${ARCHITECTURE}: ${[...headings].join(', ')}`).toEqual([]);
	});

	it('reads links and headings the way GitHub does', () => {
		const sample = [
			'# Sync protocol',
			'## Sync protocol',
			'### `lib/db` and the outbox!',
			'```',
			'# not a heading [no](missing.md)',
			'```',
			'See [the API](sync-server/sync/API.md "API"), `[code](nowhere.md)`, [web](https://x.y).',
			'[ref]: training/README.md'
		].join('\n');
		expect([...headingAnchors(sample)]).toEqual([
			'sync-protocol',
			'sync-protocol-1',
			'libdb-and-the-outbox'
		]);
		expect(relativeLinks(sample)).toEqual([
			{ target: 'sync-server/sync/API.md', line: 7 },
			{ target: 'training/README.md', line: 8 }
		]);
		expect(brokenLink('README.md', 'docs/architecture.md#sync-protocol')).toBeNull();
		expect(brokenLink('README.md', 'docs/architecture.md#no-such-section')).toMatch(
			/has no heading #no-such-section/
		);
		expect(brokenLink('docs/architecture.md', 'missing.md')).toMatch(/no file docs\/missing\.md/);
	});
});
