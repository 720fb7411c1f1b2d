// The CSP is only right if a real browser agrees: the hashed bootstrap runs, injected inline
// script does not, and the page is cross-origin isolated (WASM threads need that).
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app';
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs';

let t: TestApp;
let browser: Browser;
let origin: string;

beforeAll(async () => {
	// Headers do not depend on the database, so one dialect is enough here.
	t = await createTestApp('sqlite');
	await t.app.listen({ port: 0, host: '127.0.0.1' });
	origin = `http://localhost:${(t.app.server.address() as AddressInfo).port}`;
	browser = await chromium.launch({
		executablePath: chromiumPath,
		args: chromiumArgs
	});
});
afterAll(async () => {
	await browser?.close();
	await t.close();
});

it('runs the hashed bootstrap, blocks other inline script, and is cross-origin isolated', async () => {
	const page = await browser.newPage();
	const violations: string[] = [];
	await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) =>
			(window as unknown as { reportViolation(v: string): void }).reportViolation(
				`${e.violatedDirective} ${e.blockedURI}`
			)
		);
	});
	await page.goto(`${origin}/chat/42`);
	// The inline bootstrap ran and then imported the hashed entry module.
	await page.waitForFunction(
		() => (window as unknown as { __booted?: string }).__booted === 'module'
	);
	expect(violations).toEqual([]);
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

	const injectedRan = await page.evaluate(async () => {
		const script = document.createElement('script');
		script.textContent = 'window.__injected = true';
		document.body.append(script);
		await new Promise((r) => setTimeout(r, 50));
		return (window as unknown as { __injected?: boolean }).__injected === true;
	});
	expect(injectedRan).toBe(false);
	expect(violations).toEqual([expect.stringMatching(/^script-src-elem inline$/)]);
	// WebAssembly may compile ('wasm-unsafe-eval'), which the model runtimes need.
	const compiled = await page.evaluate(async () => {
		const module = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
		return module instanceof WebAssembly.Module;
	});
	expect(compiled).toBe(true);
	await page.close();
});
