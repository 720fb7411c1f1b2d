import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

// `npm run dev` starts the sync server on its own port and names it here, so the dev server
// forwards the API and the model registry to it, as the sync server serves them in production.
const api = process.env.HEARTH_DEV_API_URL;

export default defineConfig({
	plugins: [sveltekit()],
	worker: { format: 'es' },
	optimizeDeps: { exclude: ['onnxruntime-web', '@mlc-ai/web-llm'] },
	build: {
		// Rolldown warns when plugins take "significant time", which on two cores is every build:
		// twenty lines of profiling advice in each `npm start` that nobody can act on.
		rolldownOptions: { checks: { bundlerTimings: false } },
		// Vite warns of chunks over 500 kB as if a page loaded them; ours that big load on demand:
		// mathjs with the tools, on the first reply that may use one (0.7 MB), and web-llm in the
		// worker once such a model is chosen (6.1 MB). What a first visit loads has its own budget, which a test holds
		// (bench/bundle-size.ts, tests/e2e/bundle-budget.spec.ts).
		chunkSizeWarningLimit: 6500
	},
	server: api ? { proxy: { '/api': api, '/registry': api } } : undefined
});
