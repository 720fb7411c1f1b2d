// Every failure leaves the server as `{error: {code, message}}` JSON with a 4xx/5xx status:
// bad input is named, unknown routes are 404, and nothing ever answers with an HTML stack trace.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ApiError, ApiErrorCode, ApiIssue } from '../../src/lib/protocol/errors';

/** Thrown by handlers (or returned by the zod validator) to answer with a specific error. */
export class ApiHttpError extends Error {
	constructor(
		readonly statusCode: number,
		readonly code: ApiErrorCode,
		message: string,
		readonly issues?: ApiIssue[]
	) {
		super(message);
	}
}

export function sendApiError(reply: FastifyReply, error: ApiHttpError): FastifyReply {
	const body: ApiError = { error: { code: error.code, message: error.message } };
	if (error.issues) body.error.issues = error.issues;
	return reply.code(error.statusCode).type('application/json; charset=utf-8').send(body);
}

// Fastify's own 4xx errors (raised while reading the body, before any handler runs), mapped to
// our codes and to messages a client developer can act on.
function fromFastifyError(error: FastifyError, limitBytes: number): ApiHttpError | null {
	switch (error.code) {
		case 'FST_ERR_CTP_INVALID_JSON_BODY':
			return new ApiHttpError(
				400,
				'invalid_json',
				`request body is not valid JSON: ${error.message}`
			);
		case 'FST_ERR_CTP_EMPTY_JSON_BODY':
			return new ApiHttpError(
				400,
				'invalid_json',
				'request body is empty but content-type is application/json'
			);
		case 'FST_ERR_CTP_BODY_TOO_LARGE':
			return new ApiHttpError(
				413,
				'payload_too_large',
				`request body exceeds the limit of ${limitBytes} bytes`
			);
		case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
			return new ApiHttpError(
				415,
				'unsupported_media_type',
				'request body must be application/json'
			);
		case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
			return new ApiHttpError(400, 'invalid_request', 'content-length does not match the body');
	}
	// JSON.parse errors reach us as SyntaxError with statusCode 400; the same for prototype
	// poisoning (`__proto__` keys), which Fastify refuses.
	if (error instanceof SyntaxError || (error.statusCode === 400 && error.code === undefined)) {
		return new ApiHttpError(
			400,
			'invalid_json',
			`request body is not valid JSON: ${error.message}`
		);
	}
	if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
		return new ApiHttpError(
			error.statusCode,
			codeByStatus[error.statusCode] ?? 'invalid_request',
			error.message
		);
	}
	return null;
}

// Statuses that reach us from file serving (`send`): a directory, a stale If-Match, a range
// past the end of a blob.
const codeByStatus: Record<number, ApiErrorCode> = {
	403: 'forbidden',
	404: 'not_found',
	405: 'method_not_allowed',
	412: 'precondition_failed',
	416: 'range_not_satisfiable'
};

export function installErrorHandler(app: FastifyInstance, limitBytes: number): void {
	app.setErrorHandler((error: FastifyError, request, reply) => {
		if (error instanceof ApiHttpError) return sendApiError(reply, error);
		const known = fromFastifyError(error, limitBytes);
		if (known) {
			// `send` attaches headers the status needs, such as a 416's Content-Range.
			const extra = (error as { headers?: Record<string, string> }).headers;
			if (extra) reply.headers(extra);
			return sendApiError(reply, known);
		}
		request.log.error({ err: error }, 'unhandled error');
		return sendApiError(reply, new ApiHttpError(500, 'internal', 'internal server error'));
	});
}
