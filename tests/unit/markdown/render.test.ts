// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '$lib/markdown/render';

function rendered(source: string): HTMLElement {
	const div = document.createElement('div');
	div.innerHTML = renderMarkdown(source);
	return div;
}

/** Every attribute of every element, to look for anything that could run code. */
function attributes(root: HTMLElement): string[] {
	return Array.from(root.querySelectorAll('*')).flatMap((el) =>
		Array.from(el.attributes).map((a) => `${el.tagName.toLowerCase()}[${a.name}=${a.value}]`)
	);
}

describe('renderMarkdown sanitising', () => {
	it('drops event handlers and does not load the image', () => {
		const root = rendered(
			'look <img src=x onerror="alert(1)"> <a href="https://a.example" onmouseover="alert(2)">a</a> <details open ontoggle="alert(3)">d</details>'
		);
		expect(attributes(root).filter((a) => /\[on/i.test(a))).toEqual([]);
		expect(root.querySelector('img')).toBeNull();
		expect(root.textContent).toContain('look');
	});
	it('removes script elements and their content', () => {
		const root = rendered(
			'before<script>window.pwned = 1</script>after\n\n<script src="/x.js"></script>'
		);
		expect(root.querySelector('script')).toBeNull();
		expect(root.innerHTML).not.toContain('pwned');
	});
	it.each([
		'[click](javascript:alert(1))',
		'<a href="javascript:alert(1)">click</a>',
		'<a href="jav&#x09;ascript:alert(1)">click</a>',
		'<a href=" JAVASCRIPT:alert(1)">click</a>',
		'[click](vbscript:msgbox)',
		'<a href="data:text/html,<script>alert(1)</script>">click</a>'
	])('neutralises the link in %s', (source) => {
		const link = rendered(source).querySelector('a');
		expect(link?.textContent).toBe('click');
		expect(link?.getAttribute('href') ?? '').not.toMatch(/^\s*(javascript|vbscript|data):/i);
		expect(link?.getAttribute('href') ?? '').not.toMatch(/script/i);
	});
	it('keeps ordinary links and opens them away from the app', () => {
		const link = rendered('[docs](https://example.org/a?b=1)').querySelector('a')!;
		expect(link.getAttribute('href')).toBe('https://example.org/a?b=1');
		expect(link.getAttribute('target')).toBe('_blank');
		expect(link.getAttribute('rel')).toContain('noopener');
	});
	it('strips inline styles, forms and forged copy buttons', () => {
		const root = rendered(
			'<div style="position:fixed;inset:0">over</div><form action="https://evil"><input name=p><button data-copy>go</button></form>'
		);
		expect(attributes(root).filter((a) => a.includes('style') || a.includes('data-'))).toEqual([]);
		expect(root.querySelector('form, input, button')).toBeNull();
	});
	it('turns markdown images into links instead of fetching them', () => {
		const root = rendered('![a cat](https://tracker.example/p.png?chat=secret)');
		expect(root.querySelector('img')).toBeNull();
		const link = root.querySelector('a')!;
		expect(link.textContent).toContain('a cat');
		expect(link.getAttribute('href')).toBe('https://tracker.example/p.png?chat=secret');
	});
	it('drops svg and iframes', () => {
		const root = rendered('<svg><script>alert(1)</script></svg><iframe src="https://x"></iframe>');
		expect(root.querySelector('svg, iframe, script')).toBeNull();
	});
});

describe('renderMarkdown formatting', () => {
	it('renders ordinary Markdown', () => {
		const root = rendered('# Title\n\n**bold** and `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |');
		expect(root.querySelector('h1')?.textContent).toBe('Title');
		expect(root.querySelector('strong')?.textContent).toBe('bold');
		expect(root.querySelector('td')?.textContent).toBe('1');
	});
	it('highlights a known language and adds a copy button', () => {
		const root = rendered('```python\ndef f(x):\n    return "<b>"\n```');
		const block = root.querySelector('.code-block')!;
		expect(block.querySelector('.code-toolbar span')?.textContent).toBe('python');
		expect(block.querySelector('button[data-copy]')?.textContent).toBe('Copy');
		const code = block.querySelector('pre > code')!;
		expect(code.querySelector('.hljs-keyword')?.textContent).toBe('def');
		expect(code.textContent).toBe('def f(x):\n    return "<b>"\n');
		expect(code.querySelector('b')).toBeNull();
	});
	it('leaves an unknown language plain and escaped', () => {
		const code = rendered('```brainfudge\n<img src=x onerror=alert(1)>\n```').querySelector(
			'pre code'
		)!;
		expect(code.querySelector('span, img')).toBeNull();
		expect(code.textContent).toBe('<img src=x onerror=alert(1)>\n');
	});
	it('renders an unterminated fence mid-stream as a code block', () => {
		const root = rendered('Here:\n\n```js\nconst a = 1;');
		expect(root.querySelector('pre code')?.textContent).toContain('const a = 1;');
	});
});
