// Markdown from a model or a person → safe HTML. Model output is untrusted input (a prompt can
// make a model write anything), so everything marked produces goes through DOMPurify before
// it reaches the page: no scripts, no event handlers, no `javascript:` links, no forms or
// inline styles that could dress up as our own UI. Our own additions (highlighting, copy
// buttons) are made after sanitising, on the clean DOM.
//
// Heavy (marked + DOMPurify + highlight.js): import this module dynamically so it stays off
// the entry bundle.
import { Marked } from 'marked';
import createDOMPurify, { type Config } from 'dompurify';
import { highlightCode } from './highlight';

const marked = new Marked({ gfm: true, async: false });

const SANITIZE: Config = {
	USE_PROFILES: { html: true },
	FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option'],
	FORBID_ATTR: ['style'],
	// Our copy buttons are found by a data attribute: a model must not be able to forge one.
	ALLOW_DATA_ATTR: false
};

let purifier: ReturnType<typeof createDOMPurify> | null = null;

// A private DOMPurify instance: its hook must not leak into other users of the library.
function purify(): ReturnType<typeof createDOMPurify> {
	if (purifier) return purifier;
	purifier = createDOMPurify(window);
	purifier.addHook('afterSanitizeAttributes', (node) => {
		if (node.tagName === 'A' && node.hasAttribute('href')) {
			node.setAttribute('target', '_blank');
			node.setAttribute('rel', 'noopener noreferrer nofollow');
		}
	});
	return purifier;
}

/**
 * Images become links: loading a URL a model chose would tell a third party that (and, through
 * the URL, what) the user is chatting — nothing leaves the device unless the user clicks.
 */
function imagesToLinks(root: DocumentFragment): void {
	for (const img of Array.from(root.querySelectorAll('img'))) {
		const link = root.ownerDocument.createElement('a');
		const src = img.getAttribute('src') ?? '';
		if (/^https?:/i.test(src)) link.setAttribute('href', src);
		link.setAttribute('target', '_blank');
		link.setAttribute('rel', 'noopener noreferrer nofollow');
		link.textContent = `🖼 ${img.getAttribute('alt') || 'image'}`;
		img.replaceWith(link);
	}
}

function decorateCodeBlocks(root: DocumentFragment): void {
	const doc = root.ownerDocument;
	for (const code of Array.from(root.querySelectorAll('pre > code'))) {
		const pre = code.parentElement!;
		const language = /\blanguage-([\w+-]+)/.exec(code.className)?.[1]?.toLowerCase() ?? '';
		const highlighted = highlightCode(code.textContent ?? '', language);
		if (highlighted !== null) {
			code.innerHTML = highlighted;
			code.classList.add('hljs');
		}
		const block = doc.createElement('div');
		block.className = 'code-block';
		const toolbar = doc.createElement('div');
		toolbar.className = 'code-toolbar';
		const label = doc.createElement('span');
		label.textContent = language || 'text';
		const copy = doc.createElement('button');
		copy.type = 'button';
		copy.dataset.copy = '';
		copy.textContent = 'Copy';
		copy.setAttribute('aria-label', `Copy ${language || 'code'} to clipboard`);
		toolbar.append(label, copy);
		pre.replaceWith(block);
		block.append(toolbar, pre);
	}
}

/** Sanitised HTML for `source`; an unterminated fence mid-stream renders as an open block. */
export function renderMarkdown(source: string): string {
	const html = marked.parse(source) as string;
	const fragment = purify().sanitize(html, { ...SANITIZE, RETURN_DOM_FRAGMENT: true });
	imagesToLinks(fragment);
	decorateCodeBlocks(fragment);
	const container = fragment.ownerDocument.createElement('div');
	container.append(fragment);
	return container.innerHTML;
}
