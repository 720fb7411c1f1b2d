// Loads onnxruntime-web for one device, configured to fetch its WebAssembly from our own origin
// (the CSP allows no other script source). The WebGPU build is the larger binary, so a device
// without WebGPU only ever downloads the plain WASM build. Imported lazily by the worker, so
// neither enters the app's entry bundle.
import type * as Ort from 'onnxruntime-web';
import type { OnnxDevice } from '$lib/protocol/inference';
import wasmBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webgpuBinaryUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export type OrtModule = typeof Ort;

let loaded: { device: OnnxDevice; threads: number; ort: OrtModule } | null = null;

/** The runtime for `device`, and the WASM thread count in effect (fixed when the runtime first starts). */
export async function loadOrt(
	device: OnnxDevice,
	threads: number
): Promise<{ ort: OrtModule; threads: number }> {
	if (loaded) {
		// Each build keeps global state (its WebAssembly instance); switching needs a fresh worker.
		if (loaded.device !== device) {
			throw new Error(
				`ONNX Runtime is already running on ${loaded.device} in this worker; restart the worker to use ${device}`
			);
		}
		return { ort: loaded.ort, threads: loaded.threads };
	}
	const ort =
		device === 'webgpu'
			? await import('onnxruntime-web/webgpu')
			: await import('onnxruntime-web/wasm');
	const binary = device === 'webgpu' ? webgpuBinaryUrl : wasmBinaryUrl;
	ort.env.wasm.wasmPaths = { wasm: new URL(binary, self.location.href).href };
	ort.env.wasm.numThreads = threads;
	loaded = { device, threads, ort };
	return { ort, threads };
}
