import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run dev` starts the sync server on its own port and names it here, so the dev server
// forwards the API and the model registry to it, as the sync server serves them in production.
const api = process.env.HEARTH_DEV_API_URL;

export default defineConfig({
	plugins: [sveltekit()],
	worker: { format: 'es' },
	optimizeDeps: { exclude: ['onnxruntime-web', '@mlc-ai/web-llm'] },
	// Rolldown warns when plugins take "significant time", which on two cores is every build:
	// twenty lines of profiling advice in each `npm start` that nobody can act on.
	build: { rolldownOptions: { checks: { bundlerTimings: false } } },
	server: api ? { proxy: { '/api': api, '/registry': api } } : undefined
});
