import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComponentProps } from 'svelte';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ModelCard from '$lib/components/models/ModelCard.svelte';
import type { ModelInstall } from '$lib/db/model-installs';
import { fitModel } from '$lib/engine/model-choice';
import { modelRecords } from '$lib/engine/model-records';
import { emptyStatus, type ModelStatus } from '$lib/models/model-manager.svelte';
import type { DeviceProbe } from '$lib/protocol/inference';

const record = (id: string) => {
	const found = modelRecords.find((r) => r.id === id);
	if (!found) throw new Error(`no model record ${id}`);
	return found;
};
const demo = record('hearth-demo');
const smol = record('smollm2-360m-instruct-q4f16_1');

/** A laptop without WebGPU: ONNX models run on WebAssembly, web-llm ones not at all. */
const noGpu: DeviceProbe = {
	gpu: null,
	gpuUnavailableReason: 'this browser does not offer WebGPU',
	deviceMemoryGB: 8,
	hardwareConcurrency: 8,
	crossOriginIsolated: true,
	wasmThreads: true
};

const install = (overrides: Partial<ModelInstall> = {}): ModelInstall => ({
	recordId: demo.id,
	version: 3,
	files: [],
	complete: true,
	updatedAt: 1_000,
	...overrides
});

function status(overrides: Partial<ModelStatus> = {}): ModelStatus {
	return { ...emptyStatus(), ...overrides };
}

function props(overrides: Partial<ComponentProps<typeof ModelCard>> = {}) {
	return {
		record: demo,
		fit: fitModel(demo, noGpu),
		status: status(),
		chosen: false,
		preferred: false,
		loaded: false,
		updateAvailable: false,
		onDownload: vi.fn(),
		onPause: vi.fn(),
		onRemove: vi.fn(),
		onChoose: vi.fn(),
		...overrides
	};
}

const state = () => screen.getByTestId('model-state');
const buttonNames = () =>
	screen.getAllByRole('button').map((b) => b.textContent?.replace(/\s+/g, ' ').trim());

afterEach(() => {
	vi.restoreAllMocks();
});

describe('ModelCard', () => {
	it('a model not yet on the device: what it is, that it fits, and Download', async () => {
		const user = userEvent.setup();
		const p = props();
		render(ModelCard, p);

		expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Hearth demo (q4)');
		expect(screen.getByTestId('model-card')).toHaveAttribute('data-model-id', 'hearth-demo');
		expect(screen.getByText(demo.description)).toBeInTheDocument();
		expect(screen.getByText('about 1.8 MB')).toBeInTheDocument();
		expect(screen.getByText('ONNX Runtime, q4')).toBeInTheDocument();
		expect(screen.getByText('2,411,520')).toBeInTheDocument();
		expect(screen.getByTestId('model-fit')).toHaveTextContent(
			`Fits — ${fitModel(demo, noGpu).reasons.join('; ')}`
		);
		expect(state()).toHaveTextContent('Not downloaded');
		expect(buttonNames()).toEqual(['Download', 'Use this model']);
		expect(screen.queryByText('Your choice')).not.toBeInTheDocument();

		await user.click(screen.getByRole('button', { name: 'Download' }));
		await user.click(screen.getByRole('button', { name: 'Use this model' }));
		expect(p.onDownload).toHaveBeenCalledTimes(1);
		expect(p.onChoose).toHaveBeenCalledTimes(1);
	});

	it('says "Checking…" until the device is probed, and does not hold Download back', () => {
		render(ModelCard, props({ fit: null }));
		expect(screen.getByTestId('model-fit')).toHaveTextContent('Checking…');
		expect(screen.getByRole('button', { name: 'Download' })).toBeEnabled();
	});

	it('a model that does not fit says why, and can be neither downloaded nor chosen', () => {
		const fit = fitModel(smol, noGpu);
		render(ModelCard, props({ record: smol, fit }));

		expect(fit.fits).toBe(false);
		expect(screen.getByTestId('model-fit')).toHaveTextContent(
			`Does not fit — ${fit.reasons.join('; ')}`
		);
		expect(screen.getByText('WebLLM (WebGPU), q4f16_1')).toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Download' })).toBeDisabled();
		expect(screen.getByRole('button', { name: 'Use this model' })).toBeDisabled();
	});

	it('the badges: the user’s own choice, the automatic one, and loaded', async () => {
		const { rerender } = render(ModelCard, props({ chosen: true, preferred: true, loaded: true }));
		expect(screen.getByText('Your choice')).toBeInTheDocument();
		expect(screen.getByText('Loaded')).toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Use this model' })).not.toBeInTheDocument();

		// Chosen automatically: the user can still make it their own pick.
		await rerender(props({ chosen: true, preferred: false }));
		expect(screen.getByText('Chosen for this device')).toBeInTheDocument();
		expect(screen.queryByText('Loaded')).not.toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Use this model' })).toBeEnabled();
	});

	it('a downloaded model: its version and size, and Delete only after a yes', async () => {
		const user = userEvent.setup();
		const confirm = vi
			.spyOn(window, 'confirm')
			.mockReturnValueOnce(false)
			.mockReturnValueOnce(true);
		const p = props({
			status: status({ install: { current: install(), pending: null }, bytes: 612_345 })
		});
		render(ModelCard, p);

		expect(state()).toHaveTextContent('Downloaded (version 3), 612 KB');
		expect(screen.queryByTestId('update-available')).not.toBeInTheDocument();
		expect(buttonNames()).toEqual(['Use this model', 'Delete']);

		await user.click(screen.getByRole('button', { name: 'Delete' }));
		expect(confirm).toHaveBeenCalledWith(
			'Delete Hearth demo (q4) from this device? You can download it again later.'
		);
		expect(p.onRemove).not.toHaveBeenCalled();

		await user.click(screen.getByRole('button', { name: 'Delete' }));
		expect(p.onRemove).toHaveBeenCalledTimes(1);
	});

	it('a model served from its own URL shows no version', () => {
		render(
			ModelCard,
			props({ status: status({ install: { current: install({ version: null }), pending: null } }) })
		);
		expect(state()).toHaveTextContent(/^Downloaded$/);
	});

	it('an update: says which version, and Update downloads it', async () => {
		const user = userEvent.setup();
		const p = props({
			status: status({ install: { current: install(), pending: null }, bytes: 600_000, latest: 4 }),
			updateAvailable: true
		});
		render(ModelCard, p);

		expect(screen.getByTestId('update-available')).toHaveTextContent(
			'— update available: version 4'
		);
		await user.click(screen.getByRole('button', { name: 'Update to version 4' }));
		expect(p.onDownload).toHaveBeenCalledTimes(1);
	});

	it('a download stopped halfway is resumed, or deleted', () => {
		render(
			ModelCard,
			props({
				status: status({
					install: { current: null, pending: install({ complete: false }) },
					bytes: 250_000
				})
			})
		);
		expect(state()).toHaveTextContent('Partly downloaded (250 KB); resume to finish');
		expect(buttonNames()).toEqual(['Resume download', 'Use this model', 'Delete']);
	});

	it('a download that stored nothing reads as not downloaded', () => {
		render(
			ModelCard,
			props({
				status: status({ install: { current: null, pending: install({ complete: false }) } })
			})
		);
		expect(state()).toHaveTextContent('Not downloaded');
		expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
	});

	it('downloading an ONNX model: progress, Pause, and no Delete meanwhile', async () => {
		const user = userEvent.setup();
		const p = props({
			status: status({
				install: { current: null, pending: install({ complete: false }) },
				bytes: 300_000,
				busy: true,
				progress: {
					totalBytes: 600_000,
					doneBytes: 300_000,
					fileCount: 4,
					filesDone: 2,
					path: 'onnx/model_q4.onnx',
					bytesPerSecond: 100_000,
					secondsLeft: 3
				}
			})
		});
		render(ModelCard, p);

		const bar = screen.getByRole('progressbar', { name: 'Downloading Hearth demo (q4)' });
		expect(bar).toHaveAttribute('value', '300000');
		expect(bar).toHaveAttribute('max', '600000');
		expect(screen.getByTestId('download-progress')).toHaveTextContent(
			'300 KB of 600 KB 100 KB/s 3 s left file 3 of 4'
		);
		expect(screen.queryByRole('button', { name: /Download/ })).not.toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Delete' })).toBeDisabled();

		await user.click(screen.getByRole('button', { name: 'Pause' }));
		expect(p.onPause).toHaveBeenCalledTimes(1);
	});

	it('web-llm fetching its own files: its words and fraction, and no Pause', () => {
		render(
			ModelCard,
			props({
				record: smol,
				fit: null,
				status: status({
					busy: true,
					loadProgress: { text: 'Fetching param cache[3/10]', fraction: 0.304 }
				})
			})
		);
		expect(screen.getByRole('status')).toHaveTextContent('Fetching param cache[3/10] (30%)');
		expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
		expect(screen.queryByRole('button', { name: 'Pause' })).not.toBeInTheDocument();
		expect(buttonNames()).toEqual(['Use this model']);
	});

	it('load progress without a fraction shows only the words', () => {
		render(
			ModelCard,
			props({
				status: status({
					busy: true,
					loadProgress: { text: 'Compiling the model', fraction: null }
				})
			})
		);
		expect(screen.getByRole('status')).toHaveTextContent(/^Compiling the model$/);
	});

	it('a failed download or start is shown as an alert, and can be retried', () => {
		render(
			ModelCard,
			props({
				status: status({ error: 'The download failed: the server did not answer.', failed: true })
			})
		);
		expect(screen.getByRole('alert')).toHaveTextContent(
			'The download failed: the server did not answer.'
		);
		expect(screen.getByTestId('model-error')).toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Download' })).toBeEnabled();
	});

	it('works from the keyboard: Tab to each action, Enter or Space to use it', async () => {
		const user = userEvent.setup();
		const p = props();
		render(ModelCard, p);

		await user.tab();
		expect(screen.getByRole('button', { name: 'Download' })).toHaveFocus();
		await user.keyboard('{Enter}');
		await user.tab();
		expect(screen.getByRole('button', { name: 'Use this model' })).toHaveFocus();
		await user.keyboard(' ');
		expect(p.onDownload).toHaveBeenCalledTimes(1);
		expect(p.onChoose).toHaveBeenCalledTimes(1);
		expect(within(screen.getByTestId('model-card')).getAllByRole('button')).toHaveLength(2);
	});
});
