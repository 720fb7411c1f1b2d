// Renders Hearth's app icons (static/icons/*.png) from one SVG drawing, in the Chromium the
// tests use, so the committed PNGs can be regenerated with `npx tsx scripts/render-icons.ts`.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from './chromium.mjs';

const outDir = new URL('../static/icons/', import.meta.url);

const flame = `
	<path fill="#fdba74" d="M50 14C58 28 74 38 74 60C74 76 63 88 50 88C37 88 26 76 26 60C26 48 33 40 39 34C39 44 43 50 47 52C45 40 46 26 50 14Z"/>
	<path fill="#fff7ed" d="M50 50C55 58 62 63 62 72C62 80 57 86 50 86C43 86 38 80 38 72C38 66 42 62 45 58C46 63 48 66 50 66C49 60 48 55 50 50Z"/>`;

const ember = `<linearGradient id="ember" x1="0" y1="0" x2="0" y2="1">
	<stop offset="0" stop-color="#c2410c"/><stop offset="1" stop-color="#7c2d12"/></linearGradient>`;

/**
 * `any` icons are a rounded tile the browser shows as is. Maskable icons fill the square
 * edge to edge and keep the flame inside the central circle of 80 % diameter, the part every
 * platform mask (circle, squircle, rounded square) leaves visible.
 */
function drawing(purpose: 'any' | 'maskable'): string {
	const tile =
		purpose === 'any'
			? `<rect x="2" y="2" width="96" height="96" rx="22" fill="url(#ember)"/>`
			: `<rect width="100" height="100" fill="url(#ember)"/>`;
	// The flame spans x 26–74, y 14–88; scaled by 0.66 about (50, 51) its bounding box lies
	// within 29.1 units of the centre, inside the safe circle's radius of 40.
	const art =
		purpose === 'any'
			? flame
			: `<g transform="translate(50 51) scale(0.66) translate(-50 -51)">${flame}</g>`;
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><defs>${ember}</defs>${tile}${art}</svg>`;
}

const outputs: { file: string; purpose: 'any' | 'maskable'; size: number }[] = [
	{ file: 'icon-192.png', purpose: 'any', size: 192 },
	{ file: 'icon-512.png', purpose: 'any', size: 512 },
	{ file: 'maskable-192.png', purpose: 'maskable', size: 192 },
	{ file: 'maskable-512.png', purpose: 'maskable', size: 512 },
	// iOS applies its own rounded mask and shows transparency as black: use the full square.
	{ file: 'apple-touch-icon.png', purpose: 'maskable', size: 180 }
];

writeFileSync(new URL('icon.svg', outDir), drawing('any') + '\n');

const browser = await chromium.launch({
	executablePath: chromiumPath,
	args: chromiumArgs
});
try {
	const page = await browser.newPage();
	for (const { file, purpose, size } of outputs) {
		await page.setViewportSize({ width: size, height: size });
		await page.setContent(
			`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${drawing(purpose)}`
		);
		writeFileSync(new URL(file, outDir), await page.screenshot({ omitBackground: true }));
		console.log(`static/icons/${file} (${purpose}, ${size}×${size})`);
	}
} finally {
	await browser.close();
}
