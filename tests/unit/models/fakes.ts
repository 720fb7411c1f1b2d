// Stand-ins for the browser's Cache Storage and a registry server, for Node. They keep the
// behaviour the model manager relies on: a cache entry is a whole Response keyed by URL, a
// server answers per URL and can be told to fail, corrupt or go away.
import { createHash } from 'node:crypto';

export class MemoryCache implements Pick<Cache, 'match' | 'put' | 'delete' | 'keys'> {
	readonly entries = new Map<string, Blob>();
	/** When set, the next put fails as a full disk does. */
	quotaLeft = Infinity;

	async match(request: RequestInfo | URL): Promise<Response | undefined> {
		const blob = this.entries.get(String(request instanceof Request ? request.url : request));
		return blob ? new Response(blob) : undefined;
	}
	async put(request: RequestInfo | URL, response: Response): Promise<void> {
		const blob = await response.blob();
		if (blob.size > this.quotaLeft) throw new DOMException('quota', 'QuotaExceededError');
		this.quotaLeft -= blob.size;
		this.entries.set(String(request instanceof Request ? request.url : request), blob);
	}
	async delete(request: RequestInfo | URL): Promise<boolean> {
		return this.entries.delete(String(request instanceof Request ? request.url : request));
	}
	async keys(): Promise<readonly Request[]> {
		return [...this.entries.keys()].map((url) => new Request(url));
	}
}

export class MemoryCacheStorage implements Pick<CacheStorage, 'open' | 'delete'> {
	readonly caches = new Map<string, MemoryCache>();
	async open(name: string): Promise<Cache> {
		if (!this.caches.has(name)) this.caches.set(name, new MemoryCache());
		return this.caches.get(name) as unknown as Cache;
	}
	async delete(name: string): Promise<boolean> {
		return this.caches.delete(name);
	}
}

export const sha256 = (bytes: Uint8Array | string) =>
	createHash('sha256').update(bytes).digest('hex');

type Behaviour = 'ok' | 'corrupt' | 'corrupt-once' | 'down' | 'missing';

/** A registry-like server: `body(url)` serves registered files, a behaviour per URL breaks them. */
export class FakeServer {
	readonly files = new Map<string, Uint8Array>();
	readonly behaviour = new Map<string, Behaviour>();
	readonly requests: string[] = [];
	/** Fail every request after this many succeed (a network that drops mid-download). */
	dropAfter = Infinity;

	serve(url: string, body: Uint8Array | string | object): void {
		const bytes =
			body instanceof Uint8Array
				? body
				: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));
		this.files.set(url, bytes);
	}

	readonly fetch: typeof globalThis.fetch = async (input) => {
		const url = String(input instanceof Request ? input.url : input);
		this.requests.push(url);
		if (this.requests.length > this.dropAfter) throw new TypeError('Failed to fetch');
		const behaviour = this.behaviour.get(url) ?? 'ok';
		if (behaviour === 'down') throw new TypeError('Failed to fetch');
		const bytes = this.files.get(url);
		if (!bytes || behaviour === 'missing') return new Response('not found', { status: 404 });
		if (behaviour === 'corrupt' || behaviour === 'corrupt-once') {
			if (behaviour === 'corrupt-once') this.behaviour.delete(url);
			const tampered = bytes.slice();
			tampered[0] ^= 0xff;
			return new Response(tampered);
		}
		return new Response(bytes.slice());
	};
}
