// Fastify's JSON parser answers any broken body with one fixed sentence. Ours keeps its
// protection against prototype poisoning but says where the JSON breaks, so a client developer
// can find the fault.
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiHttpError } from './api-error';

export function installJsonBodyParser(app: FastifyInstance): void {
	const secureParse = app.getDefaultJsonParser('error', 'error');
	app.removeContentTypeParser('application/json');
	app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
		secureParse(request, String(body), (error, value) => {
			if ((error as FastifyError | null)?.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
				done(new ApiHttpError(400, 'invalid_json', describeJsonFault(String(body))), undefined);
			} else {
				done(error, value);
			}
		});
	});
}

function describeJsonFault(body: string): string {
	try {
		JSON.parse(body);
	} catch (syntax) {
		return `request body is not valid JSON: ${(syntax as Error).message}`;
	}
	return 'request body is refused: it contains a "__proto__" or "constructor.prototype" key';
}
