import { describe, expect, it } from 'vitest';
import { chooseModel, standInNotice, type Availability } from '$lib/engine/model-choice';
import type { ModelRecord } from '$lib/protocol/model-record';
import { describeDevice } from '$lib/engine/device-summary';
import { modelRecords } from '$lib/engine/model-records';
import { wasmThreadsFor, type DeviceProbe, type GpuProbe } from '$lib/protocol/inference';

const MB = 2 ** 20;
const gpu = (overrides: Partial<GpuProbe> = {}): GpuProbe => ({
	vendor: 'acme',
	architecture: 'rdna-9',
	description: '',
	isFallbackAdapter: false,
	shaderF16: true,
	maxBufferSize: 2048 * MB,
	maxStorageBufferBindingSize: 2048 * MB,
	...overrides
});
const device = (overrides: Partial<DeviceProbe> = {}): DeviceProbe => ({
	gpu: gpu(),
	gpuUnavailableReason: null,
	deviceMemoryGB: 8,
	hardwareConcurrency: 8,
	crossOriginIsolated: true,
	wasmThreads: true,
	...overrides
});
const noGpu = { gpu: null, gpuUnavailableReason: 'this browser does not offer WebGPU' };
const verdict = (probe: DeviceProbe, id: string) =>
	chooseModel(probe, modelRecords).fits.find((fit) => fit.record.id === id)!;

describe('chooseModel', () => {
	it('WebGPU with shader-f16: the largest q4f16 model, on the GPU', () => {
		const choice = chooseModel(device(), modelRecords);
		expect(choice.record?.id).toBe('llama-3.2-1b-instruct-q4f16_1');
		expect(choice.device).toBe('webgpu');
		expect(choice.reason).toBe(
			'This device has WebGPU with half-precision shaders, so q4f16 models run on its GPU: ' +
				'Llama 3.2 1B Instruct (q4f16), the largest that fits. It runs on the GPU with half-precision shaders (q4f16).'
		);
	});

	it('WebGPU without shader-f16: a q4f32 model, and each q4f16 model says why not', () => {
		const probe = device({ gpu: gpu({ shaderF16: false }) });
		const choice = chooseModel(probe, modelRecords);
		expect(choice.record?.id).toBe('qwen2.5-0.5b-instruct-q4f32_1');
		expect(choice.reason).toMatch(/^This device has WebGPU without half-precision shaders/);
		expect(verdict(probe, 'smollm2-360m-instruct-q4f16_1')).toMatchObject({
			fits: false,
			reasons: ['needs half-precision GPU shaders (shader-f16), which this GPU does not offer']
		});
	});

	it('no WebGPU: the ONNX model on WebAssembly, and web-llm models say they need WebGPU', () => {
		const probe = device(noGpu);
		const choice = chooseModel(probe, modelRecords);
		expect(choice.record?.id).toBe('qwen2.5-0.5b-instruct-onnx-q4');
		expect(choice.device).toBe('wasm');
		expect(verdict(probe, 'llama-3.2-1b-instruct-q4f16_1').reasons).toEqual([
			'needs WebGPU, which is not available here (this browser does not offer WebGPU)'
		]);
		expect(verdict(probe, 'qwen2.5-0.5b-instruct-onnx-q4').reasons).toContain('uses 4 CPU threads');
		expect(verdict(probe, 'hearth-demo').reasons).toContain(
			'uses one CPU thread (it is too small to gain from more)'
		);
	});

	it('a software WebGPU adapter: WebAssembly first; web-llm models fit but warn that they will be slow', () => {
		const probe = device({ gpu: gpu({ isFallbackAdapter: true, shaderF16: false }) });
		const choice = chooseModel(probe, modelRecords);
		expect(choice.record?.id).toBe('qwen2.5-0.5b-instruct-onnx-q4');
		expect(choice.device).toBe('wasm');
		// The device's situation says where it runs; the choice does not say it twice.
		expect(choice.reason).toBe(
			"This device's WebGPU is a software renderer, so models run faster on the CPU with WebAssembly: " +
				'Qwen2.5 0.5B Instruct (ONNX q4), the largest that fits.'
		);
		expect(verdict(probe, 'smollm2-360m-instruct-q4f32_1')).toMatchObject({
			fits: true,
			device: 'webgpu'
		});
		expect(verdict(probe, 'smollm2-360m-instruct-q4f32_1').reasons).toContain(
			'the GPU is a software renderer here, so it will be slow'
		);
	});

	it('a phone with 2 GB and no WebGPU: only the demo model fits', () => {
		const probe = device({
			...noGpu,
			deviceMemoryGB: 2,
			hardwareConcurrency: 4,
			crossOriginIsolated: false,
			wasmThreads: false
		});
		const choice = chooseModel(probe, modelRecords);
		expect(choice.record?.id).toBe('hearth-demo');
		expect(verdict(probe, 'qwen2.5-0.5b-instruct-onnx-q4')).toMatchObject({
			fits: false,
			reasons: ["needs about 1.1 GB of memory, more than half of this device's 2 GB"]
		});
		expect(verdict(probe, 'hearth-demo').reasons).toContain(
			'uses one CPU thread (the page is not cross-origin isolated)'
		);
	});

	it('little memory with a good GPU: the largest q4f16 model that fits in half of it', () => {
		const choice = chooseModel(device({ deviceMemoryGB: 1 }), modelRecords);
		expect(choice.record?.id).toBe('smollm2-360m-instruct-q4f16_1');
		expect(verdict(device({ deviceMemoryGB: 1 }), 'llama-3.2-1b-instruct-q4f16_1').reasons).toEqual(
			["needs about 879 MB of memory, more than half of this device's 1 GB"]
		);
	});

	it('an ONNX model whose weights exceed the GPU buffer limit runs on WebAssembly instead', () => {
		const probe = device({ gpu: gpu({ shaderF16: false, maxStorageBufferBindingSize: 128 * MB }) });
		const fit = verdict(probe, 'qwen2.5-0.5b-instruct-onnx-q4');
		expect(fit.device).toBe('wasm');
		expect(fit.reasons[0]).toBe(
			'runs on the CPU with WebAssembly, as it needs GPU buffers of 519 MB; this GPU allows 128 MB'
		);
		expect(verdict(probe, 'hearth-demo').device).toBe('webgpu');
	});

	it('unknown device memory blocks nothing and says so', () => {
		const fit = verdict(device({ deviceMemoryGB: null }), 'llama-3.2-1b-instruct-q4f16_1');
		expect(fit.fits).toBe(true);
		expect(fit.reasons).toContain(
			'needs about 879 MB of memory (this browser does not report how much the device has)'
		);
	});

	it("honours the user's pick when it fits, and explains when it does not", () => {
		const mine = chooseModel(device(), modelRecords, { preferredId: 'hearth-demo' });
		expect(mine.record?.id).toBe('hearth-demo');
		expect(mine.device).toBe('webgpu');
		expect(mine.reason).toBe(
			'You chose Hearth demo (q4); it runs on the GPU with ONNX Runtime (WebGPU).'
		);

		const impossible = chooseModel(device(noGpu), modelRecords, {
			preferredId: 'smollm2-360m-instruct-q4f16_1'
		});
		expect(impossible.record?.id).toBe('qwen2.5-0.5b-instruct-onnx-q4');
		expect(impossible.reason).toMatch(
			/^SmolLM2 360M Instruct \(q4f16\) cannot run here: it needs WebGPU, which is not available here \(this browser does not offer WebGPU\)\. This device has no WebGPU/
		);
		expect(chooseModel(device(), modelRecords, { preferredId: 'gone' }).reason).toMatch(
			/^The model you chose \(gone\) is no longer available\. /
		);
	});

	describe('availability decides between models placed alike', () => {
		const served = (record: ModelRecord): Availability =>
			record.runtime === 'onnx' && record.source.startsWith('registry:') ? 'served' : 'remote';
		const holding =
			(id: string) =>
			(record: ModelRecord): Availability =>
				record.id === id ? 'held' : served(record);

		it("a newcomer with no GPU gets the model this server serves, not a third party's", () => {
			const choice = chooseModel(device(noGpu), modelRecords, { availability: served });
			expect(choice.record?.id).toBe('hearth-demo');
			expect(choice.device).toBe('wasm');
			expect(choice.reason).toBe(
				'This device has no WebGPU, so models run on the CPU with WebAssembly: ' +
					'Hearth demo (q4), served by this Hearth server.'
			);
		});

		it("the device's tiers still come first: a GPU with shader-f16 gets a q4f16 model", () => {
			expect(chooseModel(device(), modelRecords, { availability: served }).record?.id).toBe(
				'llama-3.2-1b-instruct-q4f16_1'
			);
		});

		it('a model already on the device wins over larger ones that would need a download', () => {
			const choice = chooseModel(device(), modelRecords, {
				availability: holding('smollm2-360m-instruct-q4f16_1')
			});
			expect(choice.record?.id).toBe('smollm2-360m-instruct-q4f16_1');
			expect(choice.reason).toContain('SmolLM2 360M Instruct (q4f16), already on this device.');
		});

		it('a model whose download failed gives way to the next one, and the choice says so', () => {
			const choice = chooseModel(device(noGpu), modelRecords, {
				availability: served,
				failed: (record) => record.id === 'hearth-demo'
			});
			expect(choice.record?.id).toBe('hearth-demo-fp32');
			expect(choice.replaces?.id).toBe('hearth-demo');
			expect(choice.reason).toBe(
				'This device has no WebGPU, so models run on the CPU with WebAssembly: Hearth demo (q4), ' +
					'but it could not be loaded, so chat uses Hearth demo (fp32), served by this Hearth server, the next best.'
			);
		});

		it("never overrides the user's own pick, nor a model that does not fit", () => {
			const pick = chooseModel(device(), modelRecords, {
				preferredId: 'hearth-demo-fp32',
				availability: holding('hearth-demo')
			});
			expect(pick.record?.id).toBe('hearth-demo-fp32');
			const heldButTooBig = chooseModel(device({ ...noGpu, deviceMemoryGB: 2 }), modelRecords, {
				availability: holding('qwen2.5-0.5b-instruct-onnx-q4')
			});
			expect(heldButTooBig.record?.id).toBe('hearth-demo');
		});
	});

	describe('a chosen model that failed to download or start', () => {
		const qwen = 'qwen2.5-0.5b-instruct-onnx-q4';
		const options = {
			preferredId: qwen,
			failed: (record: ModelRecord) => record.id === qwen,
			availability: (record: ModelRecord): Availability =>
				record.id === 'hearth-demo' ? 'held' : 'remote'
		};

		it('falls back to the model that last worked, and says so', () => {
			const choice = chooseModel(device(noGpu), modelRecords, {
				...options,
				lastWorkedId: 'hearth-demo'
			});
			expect(choice.record?.id).toBe('hearth-demo');
			expect(choice.replaces?.id).toBe(qwen);
			expect(choice.reason).toBe(
				'You chose Qwen2.5 0.5B Instruct (ONNX q4), but it could not be loaded, so chat uses ' +
					'Hearth demo (q4), the model that last worked here. It runs on the CPU with WebAssembly, as there is no WebGPU here.'
			);
			expect(
				standInNotice(choice, 'hearth-demo', 'Could not reach huggingface.co to download the model')
			).toBe(
				'Qwen2.5 0.5B Instruct (ONNX q4) could not be loaded: Could not reach huggingface.co to download the model. ' +
					'Hearth demo (q4), the model that last worked here, answers instead until you choose again on the Models page.'
			);
			// An error that names the model already is not prefixed with its name again.
			expect(
				standInNotice(
					choice,
					'hearth-demo',
					'Qwen2.5 0.5B Instruct (ONNX q4) could not be started: the graph is not valid'
				)
			).toBe(
				'Qwen2.5 0.5B Instruct (ONNX q4) could not be started: the graph is not valid. ' +
					'Hearth demo (q4), the model that last worked here, answers instead until you choose again on the Models page.'
			);
		});

		it('with nothing that worked yet, falls back to the best of the rest', () => {
			const choice = chooseModel(device(noGpu), modelRecords, options);
			expect(choice.record?.id).toBe('hearth-demo');
			expect(choice.replaces?.id).toBe(qwen);
			expect(choice.reason).toContain(
				'so chat uses Hearth demo (q4), already on this device, the next best.'
			);
			expect(standInNotice(choice, null, null)).toBe(
				'Qwen2.5 0.5B Instruct (ONNX q4) could not be loaded. Hearth demo (q4) answers instead until you choose again on the Models page.'
			);
		});

		it('stays chosen when nothing else could stand in, and a working pick is never replaced', () => {
			const alone = chooseModel(
				device(noGpu),
				modelRecords.filter((r) => r.id === qwen),
				options
			);
			expect(alone.record?.id).toBe(qwen);
			expect(alone.replaces).toBeNull();
			expect(standInNotice(alone, null, 'down')).toBeNull();
			const working = chooseModel(device(noGpu), modelRecords, {
				...options,
				failed: () => false,
				lastWorkedId: 'hearth-demo'
			});
			expect(working.record?.id).toBe(qwen);
			expect(working.replaces).toBeNull();
		});
	});

	describe('where the user asks ONNX models to run', () => {
		const software = device({ gpu: gpu({ isFallbackAdapter: true, shaderF16: false }) });

		it('on the GPU: the page says the GPU, even on a software adapter, and warns it is slow', () => {
			const choice = chooseModel(software, modelRecords, {
				preferredId: 'hearth-demo',
				preferredDevice: 'webgpu'
			});
			expect(choice.device).toBe('webgpu');
			expect(choice.reason).toBe(
				'You chose Hearth demo (q4); it runs on the GPU with ONNX Runtime (WebGPU), as you chose.'
			);
			expect(
				chooseModel(software, modelRecords, { preferredDevice: 'webgpu' }).fits.find(
					(fit) => fit.record.id === 'hearth-demo'
				)?.reasons
			).toEqual([
				'runs on the GPU with ONNX Runtime (WebGPU), as you chose',
				'the GPU is a software renderer here, so it will be slow',
				'needs about 16 MB of memory; this device has about 8 GB'
			]);
		});

		it('on the CPU: the page says the CPU, even with a good GPU', () => {
			const fit = chooseModel(device(), modelRecords, { preferredDevice: 'wasm' }).fits.find(
				(f) => f.record.id === 'hearth-demo'
			);
			expect(fit?.device).toBe('wasm');
			expect(fit?.reasons[0]).toBe('runs on the CPU with WebAssembly, as you chose');
		});

		it('a GPU asked for where its buffers are too small runs on the CPU, and says why', () => {
			const small = device({ gpu: gpu({ maxStorageBufferBindingSize: 128 * MB }) });
			const fit = chooseModel(small, modelRecords, { preferredDevice: 'webgpu' }).fits.find(
				(f) => f.record.id === 'qwen2.5-0.5b-instruct-onnx-q4'
			);
			expect(fit?.device).toBe('wasm');
			expect(fit?.reasons[0]).toMatch(/^runs on the CPU with WebAssembly, as it needs GPU buffers/);
		});
	});

	it('says plainly when nothing fits', () => {
		const onlyWebllm = modelRecords.filter((r) => r.runtime === 'webllm');
		const choice = chooseModel(device(noGpu), onlyWebllm);
		expect(choice.record).toBeNull();
		expect(choice.reason).toBe(
			'No model fits this device. This device has no WebGPU, so models run on the CPU with WebAssembly.'
		);
	});
});

describe('wasmThreadsFor', () => {
	const isolated = { crossOriginIsolated: true, hardwareConcurrency: 8 };
	it('uses the cores, capped, for a real model and one thread for a tiny one', () => {
		expect(wasmThreadsFor(isolated, 494_000_000)).toBe(4);
		expect(wasmThreadsFor({ ...isolated, hardwareConcurrency: 2 }, 494_000_000)).toBe(2);
		expect(wasmThreadsFor(isolated, 330_000)).toBe(1);
	});
	it('honours a request up to the cores available, and is 1 without cross-origin isolation', () => {
		expect(wasmThreadsFor(isolated, 330_000, 3)).toBe(3);
		expect(wasmThreadsFor({ ...isolated, hardwareConcurrency: 2 }, 330_000, 4)).toBe(2);
		expect(wasmThreadsFor({ ...isolated, crossOriginIsolated: false }, 494_000_000, 4)).toBe(1);
	});
});

describe('describeDevice', () => {
	it('lists what decides which models run', () => {
		expect(
			describeDevice(device({ gpu: gpu({ isFallbackAdapter: true, shaderF16: false }) }))
		).toEqual([
			'WebGPU: acme rdna-9 (software renderer)',
			'Half-precision shaders (shader-f16): no',
			'Largest GPU buffer: 2.0 GB, largest binding: 2.0 GB',
			'Memory: about 8 GB',
			'CPU threads: 8; WebAssembly threads: yes'
		]);
		expect(describeDevice(device({ ...noGpu, deviceMemoryGB: null, wasmThreads: false }))).toEqual([
			'WebGPU: not available (this browser does not offer WebGPU)',
			'Memory: not reported by this browser',
			'CPU threads: 8; WebAssembly threads: no (the page is not cross-origin isolated)'
		]);
	});
});
