// highlight.js core with the handful of languages assistants write most: the full bundle is
// ~1 MB, these are a few dozen KB, and an unknown language simply stays plain.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';

for (const [name, language] of Object.entries({
	bash,
	css,
	javascript,
	json,
	python,
	sql,
	typescript,
	xml
}))
	hljs.registerLanguage(name, language);

/** Highlighted HTML for `code` (hljs escapes the text), or null when the language is unknown. */
export function highlightCode(code: string, language: string): string | null {
	if (!language || !hljs.getLanguage(language)) return null;
	return hljs.highlight(code, { language, ignoreIllegals: true }).value;
}
