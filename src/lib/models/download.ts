// Downloads a model's files one after another into Cache Storage, verifying each before it is
// stored. A file is in the cache only once verified, so "in the cache" means "good": after a
// closed tab or a lost network the next run skips what is there and resumes at the first
// missing file, and a new version only fetches files (content-addressed URLs) not yet held.
import { badStatus, fetchFailed, isQuotaError, ModelError, quotaExceeded } from './errors';
import { RateMeter } from './rate-meter';
import { sha256Hex } from './sha256';

export interface PlannedFile {
	/** Path inside the model layout, e.g. `onnx/model.onnx_data_3`. */
	path: string;
	/** Absolute URL; also the Cache Storage key. */
	url: string;
	size: number;
	/** Expected digest; null only for third-party files whose record gives none (size is still checked). */
	sha256: string | null;
}

export interface DownloadProgress {
	/** Bytes of the whole model, and how many are held (including files held before this run). */
	totalBytes: number;
	doneBytes: number;
	fileCount: number;
	/** Files held so far. */
	filesDone: number;
	/** The file being fetched now; null before the first and after the last. */
	path: string | null;
	bytesPerSecond: number | null;
	secondsLeft: number | null;
}

/** The part of the Cache interface the downloader needs. */
export type BlobCache = Pick<Cache, 'match' | 'put' | 'delete'>;

export interface DownloadOptions {
	cache: BlobCache;
	fetch?: typeof globalThis.fetch;
	signal?: AbortSignal;
	onProgress?: (progress: DownloadProgress) => void;
	/** Called once a verified file is in the cache, with its digest (null for a file without one). */
	onStored?: (file: PlannedFile, sha256: string | null) => Promise<void> | void;
	storage?: StorageManager;
	rate?: RateMeter;
}

export interface DownloadSummary {
	fetchedFiles: number;
	fetchedBytes: number;
	reusedFiles: number;
	/** Files that arrived corrupted and were fetched again successfully. */
	refetchedFiles: number;
}

class CorruptFile extends Error {}

/** The whole body, into one buffer of the expected size (so a large file is never copied twice). */
async function readBody(
	response: Response,
	file: PlannedFile,
	onBytes: (n: number) => void
): Promise<Uint8Array<ArrayBuffer>> {
	const bytes = new Uint8Array(file.size);
	if (!response.body) {
		const whole = new Uint8Array(await response.arrayBuffer());
		if (whole.byteLength !== file.size)
			throw new CorruptFile(
				`it has ${whole.byteLength} bytes where the manifest lists ${file.size}`
			);
		bytes.set(whole);
		onBytes(whole.byteLength);
		return bytes;
	}
	const reader = response.body.getReader();
	let received = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		// A server that keeps sending past the expected size is wrong; stop reading it.
		if (received + value.byteLength > file.size) {
			await reader.cancel();
			throw new CorruptFile(`it is larger than the ${file.size} bytes the manifest lists`);
		}
		bytes.set(value, received);
		received += value.byteLength;
		onBytes(value.byteLength);
	}
	if (received !== file.size)
		throw new CorruptFile(`it has ${received} bytes where the manifest lists ${file.size}`);
	return bytes;
}

async function fetchFile(
	file: PlannedFile,
	fetchFn: typeof globalThis.fetch,
	signal: AbortSignal | undefined
): Promise<Response> {
	let response: Response;
	try {
		// Cache Storage is where verified files live; the HTTP cache would hold a second copy
		// and, worse, could hand a corrupted immutable response back on the retry.
		response = await fetchFn(file.url, { signal, cache: 'no-store' });
	} catch (error) {
		throw fetchFailed(file.url, error);
	}
	if (!response.ok) throw badStatus(file.url, response.status);
	return response;
}

function cachedResponse(
	file: PlannedFile,
	body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>
): Response {
	return new Response(body, {
		headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(file.size) }
	});
}

/**
 * A file with a digest: read into memory, hashed, and stored only when the hash matches.
 * Registry weights are split per layer, so each piece is small enough to hold.
 */
async function storeVerified(
	file: PlannedFile & { sha256: string },
	response: Response,
	cache: BlobCache,
	onBytes: (n: number) => void
): Promise<string> {
	let bytes: Uint8Array<ArrayBuffer>;
	try {
		bytes = await readBody(response, file, onBytes);
	} catch (error) {
		if (error instanceof CorruptFile) throw error;
		throw fetchFailed(file.url, error);
	}
	const sha256 = await sha256Hex(bytes);
	if (sha256 !== file.sha256)
		throw new CorruptFile(`its SHA-256 is ${sha256} where the manifest lists ${file.sha256}`);
	await cache.put(file.url, cachedResponse(file, bytes));
	return sha256;
}

/**
 * A third-party file without a digest (a record lists only its size): streamed straight into
 * the cache, since such files can be hundreds of megabytes, and removed again when its size
 * turns out wrong.
 */
async function storeSized(
	file: PlannedFile,
	response: Response,
	cache: BlobCache,
	onBytes: (n: number) => void
): Promise<null> {
	let received = 0;
	const counted = (response.body ?? new Blob([]).stream()).pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				received += chunk.byteLength;
				if (received > file.size)
					throw new CorruptFile(`it is larger than the ${file.size} bytes the record lists`);
				onBytes(chunk.byteLength);
				controller.enqueue(chunk);
			}
		})
	);
	try {
		await cache.put(file.url, cachedResponse(file, counted));
	} catch (error) {
		await cache.delete(file.url);
		if (error instanceof CorruptFile || isQuotaError(error)) throw error;
		throw fetchFailed(file.url, error);
	}
	if (received !== file.size) {
		await cache.delete(file.url);
		throw new CorruptFile(`it has ${received} bytes where the record lists ${file.size}`);
	}
	return null;
}

export async function downloadFiles(
	files: readonly PlannedFile[],
	options: DownloadOptions
): Promise<DownloadSummary> {
	const { cache, signal, onProgress, onStored } = options;
	const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
	const rate = options.rate ?? new RateMeter();
	const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
	const summary: DownloadSummary = {
		fetchedFiles: 0,
		fetchedBytes: 0,
		reusedFiles: 0,
		refetchedFiles: 0
	};
	let doneBytes = 0;
	let filesDone = 0;
	const report = (path: string | null) =>
		onProgress?.({
			totalBytes,
			doneBytes,
			fileCount: files.length,
			filesDone,
			path,
			bytesPerSecond: rate.bytesPerSecond(),
			secondsLeft: rate.secondsLeft(totalBytes - doneBytes)
		});

	for (const file of files) {
		if (signal?.aborted)
			throw fetchFailed(file.url, signal.reason ?? new DOMException('', 'AbortError'));
		if (await cache.match(file.url)) {
			doneBytes += file.size;
			filesDone++;
			summary.reusedFiles++;
			report(null);
			continue;
		}
		report(file.path);
		let sha256: string | null | undefined;
		for (let attempt = 1; sha256 === undefined; attempt++) {
			const before = doneBytes;
			const onBytes = (n: number) => {
				doneBytes += n;
				rate.add(n);
				report(file.path);
			};
			try {
				const response = await fetchFile(file, fetchFn, signal);
				sha256 =
					file.sha256 === null
						? await storeSized(file, response, cache, onBytes)
						: await storeVerified({ ...file, sha256: file.sha256 }, response, cache, onBytes);
			} catch (error) {
				doneBytes = before;
				if (isQuotaError(error))
					throw await quotaExceeded(totalBytes - doneBytes, error, options.storage);
				if (!(error instanceof CorruptFile)) throw error;
				if (attempt === 2)
					throw new ModelError(
						'integrity',
						`The model file ${file.path} arrived corrupted twice (${error.message}), so it was discarded and not used. The server may hold a damaged or tampered copy; try again later.`
					);
				summary.refetchedFiles++;
			}
		}
		await onStored?.(file, sha256);
		filesDone++;
		summary.fetchedFiles++;
		summary.fetchedBytes += file.size;
		report(null);
	}
	return summary;
}
