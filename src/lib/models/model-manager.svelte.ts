// The app's models: what this device can run and why, what is downloaded, downloads in
// progress, updates, and the one model loaded in the inference worker. Created once by the
// root layout and handed down through context (not a module singleton: tests and pages each
// get their own, and nothing about the device leaks between them); both the Models page and
// the chat read it, so a download started on one continues while the user is on the other.
import {
	chooseModel,
	type Availability,
	type ModelChoice,
	type ModelFit
} from '$lib/engine/model-choice';
import type { ModelInstallState } from '$lib/db/model-installs';
import type { SettingsRepository } from '$lib/db/settings';
import { readStorageReport, type StorageReport } from '$lib/db/storage-estimate';
import type {
	DeviceProbe,
	InferenceWorkerApi,
	LoadedModel,
	LoadProgress,
	OnnxDevice
} from '$lib/protocol/inference';
import type { ModelRecord, OnnxModelRecord } from '$lib/protocol/model-record';
import type { ModelSkill } from '$lib/protocol/registry';
import type { DownloadProgress, PlannedFile } from './download';
import { ModelError, messageOf } from './errors';
import { formatBytes } from '$lib/format/bytes';
import type { ModelStore } from './model-store';
import { planFromManifest, planFromRecord, registryName } from './plan';
import { SharedDownloads } from './shared-downloads';
import type { RegistryClient } from './registry-client';
import { versionNotes, type UpdateOffer, type VersionNotes } from './version-notes';

/** The worker as the model manager uses it (the inference client satisfies it). */
export type ModelEngine = Pick<InferenceWorkerApi, 'probe' | 'generate' | 'interrupt' | 'unload'> &
	Partial<{ keepWorkerFiles(): Promise<void> }> & {
		load(
			record: ModelRecord,
			files: Awaited<ReturnType<ModelStore['files']>>,
			onProgress: (progress: LoadProgress) => void,
			options?: { device?: OnnxDevice }
		): Promise<LoadedModel>;
	};

export interface ModelStatus {
	install: ModelInstallState;
	/** Bytes of this model's files on the device. */
	bytes: number;
	/** The registry's newest version; null when unknown (not a registry model, or not reachable). */
	latest: number | null;
	/** A download or web-llm fetch under way. */
	progress: DownloadProgress | null;
	/** web-llm reports its own download as text and a fraction. */
	loadProgress: LoadProgress | null;
	busy: boolean;
	error: string | null;
	/** Its last download or start failed (a pause is not a failure): chat leaves it until retried. */
	failed: boolean;
	/** A newer version the user has not turned down, with its figures and download size. */
	offer: UpdateOffer | null;
	/** Why the last update was not switched to; chat stays on the version it had. */
	updateError: string | null;
	/** What the held version and the newest say about themselves, newest first. */
	versions: VersionNotes[];
}

const PREFERRED_MODEL = 'models.preferred';
const PREFERRED_DEVICE = 'models.device';
const LAST_WORKED = 'models.lastWorked';
/** `models.skills.<registry name>`: the skill list last read from that model's manifest. */
const SKILLS = 'models.skills.';
/** `models.declined.<registry name>`: the newest version the user said "not now" to, or that failed to start. */
const DECLINED = 'models.declined.';

/** A model's status before anything is known of it. */
export function emptyStatus(): ModelStatus {
	return {
		install: { current: null, pending: null },
		bytes: 0,
		latest: null,
		progress: null,
		loadProgress: null,
		busy: false,
		error: null,
		failed: false,
		offer: null,
		updateError: null,
		versions: []
	};
}

export class ModelManager {
	readonly records: readonly ModelRecord[];
	probe = $state<DeviceProbe | null>(null);
	probeError = $state<string | null>(null);
	/** The user's own pick; null = automatic. */
	preferredId = $state<string | null>(null);
	/** Where to run ONNX models; null = automatic. */
	preferredDevice = $state<OnnxDevice | null>(null);
	statuses = $state<Record<string, ModelStatus>>({});
	loaded = $state<LoadedModel | null>(null);
	/** The model that last loaded on this device: what chat falls back on when another fails. */
	lastWorkedId = $state<string | null>(null);
	storageReport = $state<StorageReport | null>(null);
	/** What each registry model was trained to do, by record id, once `loadSkills` read it. */
	skills = $state<Record<string, readonly ModelSkill[]>>({});

	readonly choice: ModelChoice | null = $derived.by(() =>
		this.probe
			? chooseModel(this.probe, this.records, {
					preferredId: this.preferredId,
					preferredDevice: this.preferredDevice,
					availability: (record) => this.#availability(record),
					failed: (record) => this.statuses[record.id]?.failed ?? false,
					lastWorkedId: this.lastWorkedId
				})
			: null
	);

	/** Updates on offer, one per model the device holds an older version of. */
	readonly offers: UpdateOffer[] = $derived.by(() =>
		this.records.flatMap((r) => {
			const offer = this.statuses[r.id]?.offer;
			return offer ? [offer] : [];
		})
	);

	readonly #downloads = new SharedDownloads();
	#loading: Promise<string> | null = null;
	/** Replies being generated: a staged update is not switched to under one. */
	#generating = 0;

	constructor(
		records: readonly ModelRecord[],
		private readonly engine: ModelEngine,
		private readonly store: ModelStore,
		private readonly registry: RegistryClient,
		private readonly settings: SettingsRepository,
		private readonly storage: StorageManager | undefined = globalThis.navigator?.storage
	) {
		this.records = records;
		for (const record of records) this.statuses[record.id] = emptyStatus();
	}

	/** Reads what is on the device and probes it; looks for updates without waiting for them. */
	async init(): Promise<void> {
		this.preferredId = await this.settings.get<string | null>(PREFERRED_MODEL, null);
		this.preferredDevice = await this.settings.get<OnnxDevice | null>(PREFERRED_DEVICE, null);
		this.lastWorkedId = await this.settings.get<string | null>(LAST_WORKED, null);
		await this.refresh();
		try {
			this.probe = await this.engine.probe();
		} catch (error) {
			this.probeError = `Could not inspect this device: ${messageOf(error)}`;
		}
		void this.checkUpdates();
	}

	#availability(record: ModelRecord): Availability {
		if (this.statuses[record.id]?.install.current) return 'held';
		return registryName(record) ? 'served' : 'remote';
	}

	status(id: string): ModelStatus {
		return (this.statuses[id] ??= emptyStatus());
	}

	fit(id: string): ModelFit | null {
		return this.choice?.fits.find((f) => f.record.id === id) ?? null;
	}

	/** The device a record runs on: the user's pick for ONNX models where the device allows it. */
	deviceFor(record: ModelRecord): OnnxDevice | null {
		if (record.runtime === 'webllm') return 'webgpu';
		return this.fit(record.id)?.device ?? null;
	}

	/** The registry version installed on this device: the one a load of the model runs. */
	/** The service worker took over the page: see `InferenceClient.keepWorkerFiles`. */
	keepWorkerFiles(): Promise<void> {
		return this.engine.keepWorkerFiles?.() ?? Promise.resolve();
	}

	async versionOf(id: string): Promise<number | null> {
		return this.status(id).install.current?.version ?? null;
	}

	/** How the loaded model takes tools and how much it reads; null when `id` is not the one loaded. */
	async toolUse(id: string): Promise<Pick<LoadedModel, 'toolUse' | 'contextWindow'> | null> {
		return this.loaded?.modelId === id ? this.loaded : null;
	}

	/** True when the registry has a newer version than the one installed. */
	updateAvailable(id: string): boolean {
		const { install, latest } = this.status(id);
		const version = install.current?.version;
		return latest !== null && version !== null && version !== undefined && latest > version;
	}

	async refresh(): Promise<void> {
		const [states, bytes, report] = await Promise.all([
			this.store.all(),
			this.store.bytesByModel(),
			readStorageReport(this.storage)
		]);
		for (const record of this.records) {
			const status = this.status(record.id);
			status.install = states.get(record.id) ?? { current: null, pending: null };
			status.bytes = bytes.get(record.id) ?? 0;
		}
		this.storageReport = report;
	}

	/**
	 * Asks the registry for each registry model's newest version (a conditional request: the
	 * server answers 304 while nothing was published) and, for a model the device holds an older
	 * version of, prepares the offer: the new version's figures and the bytes it would fetch.
	 * Offline, nothing changes.
	 */
	async checkUpdates(): Promise<void> {
		const latest: Record<string, Promise<number | null>> = {};
		for (const record of this.records) {
			const name = registryName(record);
			if (!name) continue;
			latest[name] ??= this.registry.latestVersion(name).catch(() => null);
			const version = await latest[name];
			this.status(record.id).latest = version;
			if (version !== null && record.runtime === 'onnx')
				await this.#describeVersions(record, name, version).catch(() => {});
		}
	}

	async #describeVersions(record: OnnxModelRecord, name: string, latest: number): Promise<void> {
		const status = this.status(record.id);
		const held = status.install.current?.version ?? null;
		const newest = await this.registry.manifest(name, latest);
		const notes = versionNotes(newest, record.quantization);
		if (held === null || held >= latest) {
			status.versions = [notes];
			status.offer = null;
			return;
		}
		const heldNotes = versionNotes(await this.registry.manifest(name, held), record.quantization);
		status.versions = [notes, heldNotes];
		const declined = await this.settings.get<number>(DECLINED + name, 0);
		status.offer =
			declined >= latest
				? null
				: {
						recordId: record.id,
						name: record.name,
						from: held,
						notes,
						// The gate's figure for the held version is on the new version's questions.
						fromHeldOut: (newest.parent === held ? notes.parentHeldOut : null) ?? heldNotes.heldOut,
						downloadBytes: await this.store.missingBytes(
							planFromManifest(record, newest, this.registry.base)
						)
					};
	}

	/** "Not now": the offer of this version goes away; a later version is offered again. */
	async declineOffer(id: string): Promise<void> {
		const status = this.status(id);
		const record = this.#record(id);
		const name = registryName(record);
		const version = status.offer?.notes.version ?? status.latest;
		if (name && version) await this.settings.set(DECLINED + name, version);
		status.offer = null;
		status.updateError = null;
	}

	/**
	 * Reads what a registry model was trained to do from its manifest: the version on the device,
	 * else the newest. Kept in settings, so it shows offline too; empty when never read or when
	 * the manifest has no skill list.
	 */
	async loadSkills(id: string): Promise<readonly ModelSkill[]> {
		const record = this.#record(id);
		const name = registryName(record);
		if (!name) return (this.skills[id] = []);
		let skills: readonly ModelSkill[];
		try {
			const held = this.status(id).install.current?.version;
			const manifest = held
				? await this.registry.manifest(name, held)
				: (await this.registry.latest(name)).manifest;
			skills = manifest.skills ?? [];
			await this.settings.set(SKILLS + name, skills);
		} catch {
			skills = await this.settings.get<ModelSkill[]>(SKILLS + name, []);
		}
		return (this.skills[id] = skills);
	}

	async choose(id: string | null): Promise<void> {
		this.preferredId = id;
		await this.settings.set(PREFERRED_MODEL, id);
	}

	async chooseDevice(device: OnnxDevice | null): Promise<void> {
		this.preferredDevice = device;
		await this.settings.set(PREFERRED_DEVICE, device);
		// The next reply loads the model again on the new device.
		if (this.loaded && this.loaded.device !== device) await this.#unload();
	}

	/**
	 * Downloads (or resumes, or updates to the newest version of) a model. A second call while
	 * one is running joins it, so the chat and the Models page can both wait for the same download.
	 */
	download(id: string, onProgress?: (progress: DownloadProgress) => void): Promise<void> {
		return this.#downloads.join(id, onProgress, (signal, emit) => this.#download(id, signal, emit));
	}

	async #download(
		id: string,
		signal: AbortSignal,
		emit: (progress: DownloadProgress) => void
	): Promise<void> {
		const record = this.#record(id);
		const status = this.status(id);
		status.busy = true;
		status.error = null;
		status.updateError = null;
		status.failed = false;
		const showLoad = (p: LoadProgress) => {
			status.loadProgress = p;
		};
		try {
			if (record.runtime === 'webllm') {
				await this.#load(record, showLoad);
				await this.store.markInstalled(id);
			} else {
				const { version, files } = await this.#plan(record);
				// An update waits beside the version in use until it has loaded once.
				const updating = !!status.install.current?.complete;
				await this.store.install(id, version, files, {
					signal,
					stage: updating,
					onProgress: (p) => {
						status.progress = p;
						emit(p);
					}
				});
				if (version !== null) status.latest = Math.max(status.latest ?? 0, version);
				status.progress = null;
				await this.refresh();
				// Switched now unless a reply is being written or another model is loaded; then
				// the model's next reply switches.
				const idle = !this.#generating && (!this.loaded || this.loaded.modelId === id);
				if (updating && idle) await this.#switchToStaged(record, showLoad);
			}
		} catch (error) {
			this.#failed(id, error);
			throw error;
		} finally {
			status.busy = false;
			status.progress = null;
			status.loadProgress = null;
			await this.refresh();
		}
	}

	/** Stops a download; what arrived is kept and the next download resumes after it. */
	pause(id: string): void {
		this.#downloads.pause(id);
	}

	async remove(id: string): Promise<void> {
		const record = this.#record(id);
		this.pause(id);
		if (this.loaded?.modelId === id) await this.#unload();
		await this.store.remove(id, record.runtime === 'webllm' ? record : undefined);
		this.status(id).error = null;
		this.status(id).failed = false;
		await this.refresh();
	}

	/**
	 * Makes sure the chosen model is loaded in the worker, downloading it first when needed, and
	 * returns its id. Chat calls this before every reply; progress is for the reply's placeholder.
	 * When the model fails to download or start, the choice falls back (see chooseModel) and the
	 * stand-in is loaded for the same reply; `choice.replaces` then tells the user.
	 */
	ready(onProgress: (progress: LoadProgress) => void): Promise<string> {
		const record = this.choice?.record;
		if (!this.choice) {
			return Promise.reject(
				new ModelError('missing', this.probeError ?? 'The device is still being inspected.')
			);
		}
		if (!record) return Promise.reject(new ModelError('missing', this.choice.reason));
		if (this.loaded?.modelId === record.id && !this.status(record.id).install.pending?.complete)
			return Promise.resolve(record.id);
		this.#loading ??= this.#prepareOrFallBack(record, onProgress).finally(
			() => (this.#loading = null)
		);
		return this.#loading;
	}

	generate: ModelEngine['generate'] = async (messages, params, onToken) => {
		this.#generating++;
		try {
			return await this.engine.generate(messages, params, onToken);
		} finally {
			this.#generating--;
		}
	};

	interrupt(): ReturnType<ModelEngine['interrupt']> {
		return this.engine.interrupt();
	}

	async #prepareOrFallBack(
		record: ModelRecord,
		onProgress: (p: LoadProgress) => void
	): Promise<string> {
		try {
			return await this.#prepare(record, onProgress);
		} catch (error) {
			const standIn = this.choice?.replaces?.id === record.id ? this.choice.record : null;
			if (!standIn) throw error;
			onProgress({
				text: `${record.name} could not be loaded; starting ${standIn.name} instead`,
				fraction: null
			});
			if (this.loaded?.modelId === standIn.id) return standIn.id;
			try {
				return await this.#prepare(standIn, onProgress);
			} catch (second) {
				throw new ModelError(
					'missing',
					`${record.name} could not be loaded: ${messageOf(error)} ${standIn.name}, tried instead, could not be loaded either: ${messageOf(second)}`,
					{ cause: second }
				);
			}
		}
	}

	async #prepare(record: ModelRecord, onProgress: (p: LoadProgress) => void): Promise<string> {
		const switched =
			record.runtime === 'onnx' &&
			!!this.status(record.id).install.pending?.complete &&
			(await this.#switchToStaged(record, onProgress));
		if (switched) return this.#worked(record);
		if (record.runtime === 'onnx' && !this.status(record.id).install.current?.complete) {
			await this.download(record.id, (p) =>
				onProgress({
					text: `Downloading ${record.name}: ${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`,
					fraction: p.totalBytes ? p.doneBytes / p.totalBytes : null
				})
			);
		}
		try {
			await this.#load(record, onProgress);
		} catch (error) {
			this.#failed(record.id, error);
			throw error;
		}
		if (record.runtime === 'webllm') await this.store.markInstalled(record.id);
		return this.#worked(record);
	}

	async #worked(record: ModelRecord): Promise<string> {
		const status = this.status(record.id);
		status.error = null;
		status.failed = false;
		if (this.lastWorkedId !== record.id) {
			this.lastWorkedId = record.id;
			await this.settings.set(LAST_WORKED, record.id);
		}
		await this.refresh();
		return record.id;
	}

	/**
	 * Loads the downloaded update and, once it has loaded, makes it the version in use. One that
	 * will not start is discarded and not offered again; the version in use stays, so chat goes on.
	 */
	async #switchToStaged(
		record: ModelRecord,
		onProgress: (p: LoadProgress) => void
	): Promise<boolean> {
		const status = this.status(record.id);
		const { current, pending } = status.install;
		const version = pending?.version ?? null;
		try {
			await this.#load(record, onProgress, 'staged');
		} catch (error) {
			await this.store.discardPending(record.id);
			const name = registryName(record);
			if (name && version !== null) await this.settings.set(DECLINED + name, version);
			status.offer = null;
			// The runtime's own words: the sentence below says what could not be started.
			const reason = messageOf(error instanceof ModelError && error.cause ? error.cause : error);
			status.updateError = `Version ${version} of ${record.name} could not be started (${reason}), so it was not switched to; chat stays on version ${current?.version}.`;
			await this.refresh();
			return false;
		} finally {
			status.loadProgress = null;
		}
		await this.store.promote(record.id);
		status.offer = null;
		await this.refresh();
		if (status.versions.length > 1) status.versions = status.versions.slice(0, 1);
		return true;
	}

	/** Records why a model could not be had; a pause is not a failure, so the choice stays. */
	#failed(id: string, error: unknown): void {
		const status = this.status(id);
		status.error = messageOf(error);
		status.failed = !(error instanceof ModelError && error.kind === 'aborted');
	}

	/** Starts `record` in the worker: the version in use, or the update waiting to be switched to. */
	async #load(
		record: ModelRecord,
		onProgress: (p: LoadProgress) => void,
		which: 'current' | 'staged' = 'current'
	): Promise<void> {
		const files = record.runtime === 'onnx' ? await this.store.files(record.id, which) : {};
		const device = this.deviceFor(record) ?? undefined;
		try {
			this.loaded = await this.engine.load(record, files, onProgress, { device });
		} catch (error) {
			this.loaded = null;
			throw new ModelError('missing', `${record.name} could not be started: ${messageOf(error)}`, {
				cause: error
			});
		}
	}

	async #unload(): Promise<void> {
		this.loaded = null;
		await this.engine.unload();
	}

	async #plan(record: OnnxModelRecord): Promise<{ version: number | null; files: PlannedFile[] }> {
		const name = registryName(record);
		if (!name) return { version: null, files: planFromRecord(record) };
		const { version, manifest } = await this.registry.latest(name);
		return { version, files: planFromManifest(record, manifest, this.registry.base) };
	}

	/** The name people read for the model `id`; undefined for a model this device does not list. */
	nameOf(id: string): string | undefined {
		return this.records.find((r) => r.id === id)?.name;
	}

	#record(id: string): ModelRecord {
		const record = this.records.find((r) => r.id === id);
		if (!record) throw new Error(`no model record ${id}`);
		return record;
	}
}
