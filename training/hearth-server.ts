// Talking to a Hearth server as a trainer: the export stage reads trees from it and the publish
// stage sends versions to it, both with a trainer token (`npm run admin -- trainer-token create
// <name>` on the server). The token comes from HEARTH_TRAINER_TOKEN, an environment variable, so
// it shows in no process list.
import { apiErrorSchema } from '../src/lib/protocol/errors';

export interface Server {
	/** The server's origin, e.g. `https://hearth.example.org`. */
	url: string;
	token: string;
}

/** The server at `url` with the token from the environment; without one, says how to get one. */
export function trainerServer(url: string, flag: string): Server {
	const token = process.env.HEARTH_TRAINER_TOKEN;
	if (!token) {
		throw new Error(
			`${flag} needs a trainer token in HEARTH_TRAINER_TOKEN (on the server: npm run admin -- trainer-token create <name>)`
		);
	}
	try {
		new URL(url);
	} catch {
		throw new Error(`${flag} ${url}: not a URL (expected e.g. https://hearth.example.org)`);
	}
	return { url, token };
}

/** One request; any status outside `expect` becomes an error naming the server's reason. */
export async function callServer(
	server: Server,
	method: string,
	path: string,
	options: {
		expect: number[];
		auth?: boolean;
		headers?: Record<string, string>;
		body?: string | ReadableStream;
	}
): Promise<Response> {
	const url = new URL(path, server.url);
	let response: Response;
	try {
		response = await fetch(url, {
			method,
			headers: {
				...(options.auth === false ? {} : { authorization: `Bearer ${server.token}` }),
				...options.headers
			},
			body: options.body,
			// A stream body goes out as it is read, not buffered first.
			...(options.body instanceof ReadableStream ? { duplex: 'half' } : {})
		} as RequestInit);
	} catch (error) {
		throw new Error(`${method} ${url}: ${(error as Error).message}`, { cause: error });
	}
	if (options.expect.includes(response.status)) return response;
	const text = await response.text();
	const parsed = apiErrorSchema.safeParse(safeJson(text));
	const reason = parsed.success ? parsed.data.error.message : text.slice(0, 200);
	throw new Error(`${method} ${url}: HTTP ${response.status}: ${reason}`);
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}
