// The Chromium that tests and benchmarks drive: Debian's, not a downloaded one (nothing but npm
// and Debian's archive is reachable here), launched the same way everywhere.

export const chromiumPath = '/usr/bin/chromium';

export const chromiumArgs = [
	// A software WebGPU adapter (SwiftShader) so WebGPU code paths run without a GPU.
	'--enable-unsafe-webgpu',
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run'
];
