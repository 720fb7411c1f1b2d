// Builds the inference harness page: the app's own InferenceClient and worker, bundled by Vite
// the way the app bundles them, without the rest of the app.
//   npx vite build --config bench/inference-page/vite.config.ts --outDir <dir>
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const path = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
	root: path('.'),
	base: './',
	logLevel: 'warn',
	resolve: { alias: { $lib: path('../../src/lib'), $workers: path('../../workers') } },
	worker: { format: 'es' },
	build: { emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 }
});
