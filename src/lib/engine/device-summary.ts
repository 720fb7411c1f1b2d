// The device as a person reads it on the Models page: one short line per fact that decides
// which models run here.
import type { DeviceProbe } from '$lib/protocol/inference';
import { formatMegabytes } from './model-choice';

export function describeDevice(probe: DeviceProbe): string[] {
	const lines: string[] = [];
	const gpu = probe.gpu;
	if (!gpu) {
		lines.push(`WebGPU: not available (${probe.gpuUnavailableReason ?? 'no adapter'})`);
	} else {
		const name =
			[gpu.vendor, gpu.architecture, gpu.description].filter(Boolean).join(' ') ||
			'unnamed adapter';
		lines.push(`WebGPU: ${name}${gpu.isFallbackAdapter ? ' (software renderer)' : ''}`);
		lines.push(`Half-precision shaders (shader-f16): ${gpu.shaderF16 ? 'yes' : 'no'}`);
		lines.push(
			`Largest GPU buffer: ${formatMegabytes(gpu.maxBufferSize / 2 ** 20)}, largest binding: ${formatMegabytes(gpu.maxStorageBufferBindingSize / 2 ** 20)}`
		);
	}
	lines.push(
		probe.deviceMemoryGB === null
			? 'Memory: not reported by this browser'
			: `Memory: about ${probe.deviceMemoryGB} GB`
	);
	lines.push(
		`CPU threads: ${probe.hardwareConcurrency}; WebAssembly threads: ${probe.wasmThreads ? 'yes' : 'no (the page is not cross-origin isolated)'}`
	);
	return lines;
}
