// What this device offers for running a model, asked from inside the worker (the same context
// the model runs in: a worker may see WebGPU even where the page's own checks would differ).
import type { DeviceProbe, GpuProbe } from '$lib/protocol/inference';

// The few WebGPU shapes we read; TypeScript's DOM library has no WebGPU types yet.
interface GpuAdapterLike {
	features: { has(name: string): boolean };
	limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
	info?: {
		vendor?: string;
		architecture?: string;
		description?: string;
		isFallbackAdapter?: boolean;
	};
	isFallbackAdapter?: boolean;
}
interface GpuLike {
	requestAdapter(options?: {
		powerPreference?: 'high-performance' | 'low-power';
	}): Promise<GpuAdapterLike | null>;
}

/** The GPU entry point where the browser has one. */
export function webgpu(): GpuLike | undefined {
	return (navigator as Navigator & { gpu?: GpuLike }).gpu;
}

async function probeGpu(): Promise<{ gpu: GpuProbe | null; reason: string | null }> {
	const api = webgpu();
	if (!api) return { gpu: null, reason: 'this browser does not offer WebGPU' };
	let adapter: GpuAdapterLike | null;
	try {
		adapter = await api.requestAdapter({ powerPreference: 'high-performance' });
	} catch (error) {
		return { gpu: null, reason: `asking for a WebGPU adapter failed: ${(error as Error).message}` };
	}
	if (!adapter) return { gpu: null, reason: 'the browser offers WebGPU but found no usable GPU' };
	const info = adapter.info ?? {};
	return {
		gpu: {
			vendor: info.vendor ?? '',
			architecture: info.architecture ?? '',
			description: info.description ?? '',
			// Newer browsers report it in `info`, older ones on the adapter itself.
			isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
			shaderF16: adapter.features.has('shader-f16'),
			maxBufferSize: adapter.limits.maxBufferSize,
			maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize
		},
		reason: null
	};
}

export async function probeDevice(): Promise<DeviceProbe> {
	const { gpu, reason } = await probeGpu();
	const deviceMemory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
	return {
		gpu,
		gpuUnavailableReason: reason,
		deviceMemoryGB: typeof deviceMemory === 'number' ? deviceMemory : null,
		hardwareConcurrency: navigator.hardwareConcurrency || 1,
		crossOriginIsolated: self.crossOriginIsolated,
		wasmThreads: self.crossOriginIsolated && typeof SharedArrayBuffer === 'function'
	};
}
