// Every way getting a model can fail, as a message a person can act on. The Models page shows
// `message` as it is, so each one says what happened and what to do.
import { formatBytes } from '$lib/format/bytes';

export type ModelErrorKind =
	'offline' | 'unreachable' | 'http' | 'manifest' | 'integrity' | 'quota' | 'missing' | 'aborted';

export class ModelError extends Error {
	constructor(
		readonly kind: ModelErrorKind,
		message: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
		this.name = 'ModelError';
	}
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

/** fetch() rejected: no answer at all (offline, DNS, refused, blocked by CORS or CSP). */
export function fetchFailed(
	url: string,
	cause: unknown,
	online = globalThis.navigator?.onLine
): ModelError {
	if (cause instanceof ModelError) return cause;
	if (cause instanceof DOMException && cause.name === 'AbortError')
		return new ModelError('aborted', 'The download was paused.', { cause });
	if (online === false)
		return new ModelError(
			'offline',
			`You are offline, so ${hostOf(url)} cannot be reached. The download resumes where it stopped once you are back online.`,
			{ cause }
		);
	return new ModelError(
		'unreachable',
		`Could not reach ${hostOf(url)} to download the model: the server did not answer (it may be down, blocked on this network, or not allow this site). Nothing else is affected; try again later or pick another model.`,
		{ cause }
	);
}

/** The server answered, but not with the file. */
export function badStatus(url: string, status: number): ModelError {
	const what =
		status === 404
			? 'does not have this file (404); the model may have been removed or its record is out of date'
			: status >= 500
				? `had an error (${status}); try again later`
				: `refused the request (${status})`;
	return new ModelError('http', `${hostOf(url)} ${what}. (${url})`);
}

/** A full origin quota, also when Dexie reports it as the inner cause of an aborted transaction. */
export function isQuotaError(error: unknown): boolean {
	if (!(error instanceof DOMException || error instanceof Error)) return false;
	if (error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED')
		return true;
	const inner = (error as { inner?: unknown }).inner ?? error.cause;
	return inner !== undefined && isQuotaError(inner);
}

/** Cache Storage refused a write: the origin's quota is used up. */
export async function quotaExceeded(
	neededBytes: number,
	cause: unknown,
	storage: StorageManager | undefined = globalThis.navigator?.storage
): Promise<ModelError> {
	let room = '';
	try {
		const estimate = await storage?.estimate();
		if (estimate?.quota)
			room = ` This browser lets Hearth use ${formatBytes(estimate.quota)} and ${formatBytes(estimate.usage ?? 0)} is taken.`;
	} catch {
		// Without an estimate the message still says what to do.
	}
	return new ModelError(
		'quota',
		`Not enough storage space for this model (it needs ${formatBytes(neededBytes)} more).${room} Delete another model or free up space on the device, then try again.`,
		{ cause }
	);
}

/** A readable message for anything thrown while getting a model. */
export function messageOf(error: unknown): string {
	if (error instanceof ModelError) return error.message;
	if (error instanceof Error) return error.message;
	return String(error);
}
