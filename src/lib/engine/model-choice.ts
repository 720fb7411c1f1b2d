// Which model to run here, and why (docs/architecture.md, "Model choice"): WebGPU with shader-f16 →
// q4f16 models; WebGPU without it → q4f32; no WebGPU → the ONNX model on WASM; and only what fits
// the device's memory and GPU buffer limits. Pure: the Models page shows the reasons verbatim.
import { wasmThreadsFor, type DeviceProbe, type OnnxDevice } from '$lib/protocol/inference';
import type { ModelRecord } from '$lib/protocol/model-record';

/** The share of the device's memory a model may take; the OS, the browser and other tabs need the rest. */
export const MEMORY_SHARE = 0.5;
/** wasm32 addresses 4 GiB; leave room for the runtime's own heap. */
export const WASM_MEMORY_LIMIT_MB = 3500;

export interface ModelFit {
	record: ModelRecord;
	fits: boolean;
	/** Where it would run; null when it cannot run here at all. */
	device: OnnxDevice | null;
	/** Why it fits or not, one short sentence each, the decisive one first. */
	reasons: string[];
	/** Lower is preferred for this device; only meaningful when it fits. */
	tier: number;
}

export interface ModelChoice {
	record: ModelRecord | null;
	device: OnnxDevice | null;
	/** The model chat would use had it not just failed to download or start; `record` stands in. */
	replaces: ModelRecord | null;
	reason: string;
	/** Every record with its verdict, in the order they were given. */
	fits: ModelFit[];
}

export function formatMegabytes(megabytes: number): string {
	return megabytes >= 1000 ? `${(megabytes / 1024).toFixed(1)} GB` : `${Math.round(megabytes)} MB`;
}

function memoryBudgetMB(probe: DeviceProbe): number | null {
	return probe.deviceMemoryGB === null ? null : probe.deviceMemoryGB * 1024 * MEMORY_SHARE;
}

function memoryReason(record: ModelRecord, probe: DeviceProbe): { ok: boolean; text: string } {
	const budget = memoryBudgetMB(probe);
	const need = formatMegabytes(record.vram_required_MB);
	if (budget === null) {
		return {
			ok: true,
			text: `needs about ${need} of memory (this browser does not report how much the device has)`
		};
	}
	const ok = record.vram_required_MB <= budget;
	return {
		ok,
		text: ok
			? `needs about ${need} of memory; this device has about ${probe.deviceMemoryGB} GB`
			: `needs about ${need} of memory, more than half of this device's ${probe.deviceMemoryGB} GB`
	};
}

function gpuBufferReason(record: ModelRecord, probe: DeviceProbe): string | null {
	const need = record.buffer_size_required_bytes;
	const limit = probe.gpu?.maxStorageBufferBindingSize;
	if (need === undefined || limit === undefined || need <= limit) return null;
	return `needs GPU buffers of ${formatMegabytes(need / 2 ** 20)}; this GPU allows ${formatMegabytes(limit / 2 ** 20)}`;
}

function fitWebllm(record: ModelRecord, probe: DeviceProbe): ModelFit {
	const gpu = probe.gpu;
	if (!gpu) {
		return {
			record,
			fits: false,
			device: null,
			tier: Infinity,
			reasons: [
				`needs WebGPU, which is not available here (${probe.gpuUnavailableReason ?? 'no adapter'})`
			]
		};
	}
	const blockers: string[] = [];
	if (record.required_features.includes('shader-f16') && !gpu.shaderF16) {
		blockers.push('needs half-precision GPU shaders (shader-f16), which this GPU does not offer');
	}
	const buffer = gpuBufferReason(record, probe);
	if (buffer) blockers.push(buffer);
	const memory = memoryReason(record, probe);
	if (!memory.ok) blockers.push(memory.text);
	if (blockers.length)
		return { record, fits: false, device: null, tier: Infinity, reasons: blockers };

	const f16 = record.quantization === 'q4f16_1';
	const reasons = [
		f16
			? 'runs on the GPU with half-precision shaders (q4f16)'
			: gpu.shaderF16
				? 'runs on the GPU in single precision (q4f32); a q4f16 model would be smaller and faster here'
				: 'runs on the GPU in single precision (q4f32), as this GPU has no half-precision shaders',
		memory.text
	];
	if (gpu.isFallbackAdapter)
		reasons.push('the GPU is a software renderer here, so it will be slow');
	// Software adapters are slower than WASM threads; a real GPU with f16 prefers the q4f16 build.
	const tier = gpu.isFallbackAdapter ? 3 : f16 ? 0 : gpu.shaderF16 ? 1 : 0;
	return { record, fits: true, device: 'webgpu', tier, reasons };
}

function fitOnnx(
	record: ModelRecord,
	probe: DeviceProbe,
	preferredDevice: OnnxDevice | null
): ModelFit {
	const memory = memoryReason(record, probe);
	if (!memory.ok)
		return { record, fits: false, device: null, tier: Infinity, reasons: [memory.text] };

	const gpu = probe.gpu;
	const buffer = gpuBufferReason(record, probe);
	const onGpu =
		gpu &&
		!buffer &&
		(preferredDevice === 'webgpu' || (!preferredDevice && !gpu.isFallbackAdapter));
	if (gpu && onGpu) {
		const chosen = preferredDevice === 'webgpu' ? ', as you chose' : '';
		return {
			record,
			fits: true,
			device: 'webgpu',
			tier: gpu.isFallbackAdapter ? 3 : 2,
			reasons: [
				`runs on the GPU with ONNX Runtime (WebGPU)${chosen}`,
				...(gpu.isFallbackAdapter
					? ['the GPU is a software renderer here, so it will be slow']
					: []),
				memory.text
			]
		};
	}
	if (record.vram_required_MB > WASM_MEMORY_LIMIT_MB) {
		return {
			record,
			fits: false,
			device: null,
			tier: Infinity,
			reasons: [
				`needs about ${formatMegabytes(record.vram_required_MB)}, more than WebAssembly can address (${formatMegabytes(WASM_MEMORY_LIMIT_MB)})`,
				...(buffer ? [buffer] : [])
			]
		};
	}
	const why = !gpu
		? ON_CPU_WITHOUT_GPU
		: buffer
			? `runs on the CPU with WebAssembly, as it ${buffer}`
			: preferredDevice === 'wasm'
				? 'runs on the CPU with WebAssembly, as you chose'
				: ON_CPU_BESIDE_SOFTWARE_GPU;
	const threadCount = wasmThreadsFor(probe, record.parameters);
	const threads = !probe.wasmThreads
		? 'uses one CPU thread (the page is not cross-origin isolated)'
		: threadCount === 1
			? 'uses one CPU thread (it is too small to gain from more)'
			: `uses ${threadCount} CPU threads`;
	return {
		record,
		fits: true,
		device: 'wasm',
		tier: gpu && !gpu.isFallbackAdapter ? 4 : 0,
		reasons: [why, threads, memory.text]
	};
}

/**
 * Whether and how `record` runs on this device. `preferredDevice` is the user's choice of where
 * ONNX models run (null: automatic); it is followed where the device allows, and the reasons say
 * where the model really runs.
 */
export function fitModel(
	record: ModelRecord,
	probe: DeviceProbe,
	preferredDevice: OnnxDevice | null = null
): ModelFit {
	return record.runtime === 'webllm'
		? fitWebllm(record, probe)
		: fitOnnx(record, probe, preferredDevice);
}

// Where a model runs for the same reason the device's situation gives (deviceSituation): a choice
// that states the situation does not say it again.
const ON_CPU_WITHOUT_GPU = 'runs on the CPU with WebAssembly, as there is no WebGPU here';
const ON_CPU_BESIDE_SOFTWARE_GPU =
	"runs on the CPU with WebAssembly, faster than this device's software GPU";

/** " It <where it runs>.", unless the choice's lead stated the device's situation, which says so. */
function whereItRuns(fit: ModelFit, leadStatesSituation: boolean): string {
	const said =
		leadStatesSituation &&
		[ON_CPU_WITHOUT_GPU, ON_CPU_BESIDE_SOFTWARE_GPU].includes(fit.reasons[0]);
	return said ? '' : ` It ${fit.reasons[0]}.`;
}

function deviceSituation(probe: DeviceProbe): string {
	if (!probe.gpu) return 'This device has no WebGPU, so models run on the CPU with WebAssembly';
	if (probe.gpu.isFallbackAdapter) {
		return "This device's WebGPU is a software renderer, so models run faster on the CPU with WebAssembly";
	}
	return probe.gpu.shaderF16
		? 'This device has WebGPU with half-precision shaders, so q4f16 models run on its GPU'
		: 'This device has WebGPU without half-precision shaders, so q4f32 models run on its GPU';
}

/**
 * How readily a model can start answering. A model already held answers at once, offline too; one
 * from this Hearth server's registry is reachable whenever the app is; a third party's host may be
 * blocked or gone (it is on some networks, and on all of ours).
 */
export type Availability = 'held' | 'served' | 'remote';

const AVAILABILITY_RANK: Record<Availability, number> = { held: 0, served: 1, remote: 2 };
const AVAILABILITY_NOTE: Record<Availability, string> = {
	held: ', already on this device',
	served: ', served by this Hearth server',
	remote: ''
};

export interface ChoiceOptions {
	/** The user's own pick; null or absent: automatic. */
	preferredId?: string | null;
	/** Where the user wants ONNX models to run; null or absent: automatic. */
	preferredDevice?: OnnxDevice | null;
	availability?: (record: ModelRecord) => Availability;
	/** Whether a model's download or start just failed: not picked again until the user retries it. */
	failed?: (record: ModelRecord) => boolean;
	/** The model that last loaded here: what chat falls back on when the model it wants fails. */
	lastWorkedId?: string | null;
}

/**
 * Picks the model to run: the user's own pick when it fits; else the best-placed for this device
 * (see the tiers above), then the most available (see Availability), then the largest (the
 * smaller download of two builds of one model). When that model just failed, the one that last
 * worked stands in for it (else the best of the rest), and the choice names the one it replaces.
 */
export function chooseModel(
	probe: DeviceProbe,
	records: readonly ModelRecord[],
	options: ChoiceOptions = {}
): ModelChoice {
	const { preferredId = null, preferredDevice = null } = options;
	const availability = options.availability ?? (() => 'remote');
	const failed = options.failed ?? (() => false);
	const fits = records.map((record) => fitModel(record, probe, preferredDevice));
	const rank = (fit: ModelFit) => AVAILABILITY_RANK[availability(fit.record)];
	const candidates = fits
		.filter((fit) => fit.fits)
		.sort(
			(a, b) =>
				a.tier - b.tier ||
				rank(a) - rank(b) ||
				b.record.parameters - a.record.parameters ||
				a.record.download_size_MB - b.record.download_size_MB
		);
	const usable = (fit: ModelFit | undefined) => fit?.fits && !failed(fit.record);
	const lastWorked = fits.find((fit) => fit.record.id === options.lastWorkedId);
	const standIn = (instead: ModelFit) =>
		lastWorked !== instead && usable(lastWorked)
			? { fit: lastWorked!, why: ', the model that last worked here' }
			: candidates
					.filter((fit) => usable(fit) && fit !== instead)
					.map((fit) => ({
						fit,
						why: `${AVAILABILITY_NOTE[availability(fit.record)]}, the next best`
					}))[0];

	/** What runs when `failedFit` just failed, its reason led by `lead`; undefined when it did not. */
	const standInChoice = (
		failedFit: ModelFit,
		lead: string,
		leadStatesSituation: boolean
	): ModelChoice | undefined => {
		const stand = failed(failedFit.record) ? standIn(failedFit) : undefined;
		if (!stand) return undefined;
		return {
			record: stand.fit.record,
			device: stand.fit.device,
			replaces: failedFit.record,
			reason: `${lead}${failedFit.record.name}, but it could not be loaded, so chat uses ${stand.fit.record.name}${stand.why}.${whereItRuns(stand.fit, leadStatesSituation)}`,
			fits
		};
	};

	const preferred = preferredId ? fits.find((fit) => fit.record.id === preferredId) : undefined;
	if (preferred?.fits) {
		const stand = standInChoice(preferred, 'You chose ', false);
		if (stand) return stand;
		return {
			record: preferred.record,
			device: preferred.device,
			replaces: null,
			reason: `You chose ${preferred.record.name}; it ${preferred.reasons[0]}.`,
			fits
		};
	}
	const instead = preferred
		? `${preferred.record.name} cannot run here: it ${preferred.reasons[0]}. `
		: preferredId
			? `The model you chose (${preferredId}) is no longer available. `
			: '';
	const best = candidates[0];
	if (!best) {
		return {
			record: null,
			device: null,
			replaces: null,
			reason: `${instead}No model fits this device. ${deviceSituation(probe)}.`,
			fits
		};
	}
	const lead = `${instead}${deviceSituation(probe)}: `;
	const stand = standInChoice(best, lead, true);
	if (stand) return stand;
	const smaller = candidates.some(
		(fit) =>
			fit.tier === best.tier &&
			rank(fit) === rank(best) &&
			fit.record.parameters < best.record.parameters
	);
	const largest = smaller ? ', the largest that fits' : '';
	const note = AVAILABILITY_NOTE[availability(best.record)];
	return {
		record: best.record,
		device: best.device,
		replaces: null,
		reason: `${lead}${best.record.name}${note}${largest}.${whereItRuns(best, true)}`,
		fits
	};
}

/**
 * What chat says while a model stands in for one that failed (see chooseModel); null when none
 * does. `error` is why the replaced model failed, as its card shows it.
 */
export function standInNotice(
	choice: ModelChoice | null,
	lastWorkedId: string | null,
	error: string | null
): string | null {
	const replaced = choice?.replaces;
	const standIn = choice?.record;
	if (!replaced || !standIn) return null;
	const sentence = (text: string) => text.replace(/\.?$/, '.');
	// An error that already names the model (as the card shows it) leads on its own.
	const lead = !error
		? `${replaced.name} could not be loaded.`
		: error.startsWith(`${replaced.name} `)
			? sentence(error)
			: `${replaced.name} could not be loaded: ${sentence(error)}`;
	const which = standIn.id === lastWorkedId ? ', the model that last worked here,' : '';
	return `${lead} ${standIn.name}${which} answers instead until you choose again on the Models page.`;
}
