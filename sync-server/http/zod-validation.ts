// Request validation with the same zod schemas the app uses (src/lib/protocol), instead of
// Fastify's JSON Schema: a route declares `schema: {body: someZodSchema}`, the handler receives
// the parsed, typed value, and a failure answers 422 naming each bad field.
import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';
import { summariseIssues } from '../../src/lib/protocol/errors';
import { zodIssues } from '../../src/lib/shared/zod-issues';
import { ApiHttpError } from './api-error';

export interface ZodTypeProvider extends FastifyTypeProvider {
	validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
	serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
	const root = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
	return (data) => {
		const result = schema.safeParse(data);
		if (result.success) return { value: result.data };
		const issues = zodIssues(result.error, root);
		return { error: new ApiHttpError(422, 'invalid_request', summariseIssues(issues), issues) };
	};
};
