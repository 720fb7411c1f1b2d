// Request rate limits on the API, per device token and per client address (both must allow a
// request), plus a stricter bucket for registering devices and linking them (minting accounts,
// guessing link codes). Over the limit: 429 with Retry-After and the usual JSON error.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiHttpError, sendApiError } from '../http/api-error';
import type { ServiceConfig } from '../service/service-config';
import { TokenBuckets } from './token-bucket';

declare module 'fastify' {
	interface FastifyContextConfig {
		/** The route also spends from the registration bucket. */
		registrationLimited?: boolean;
	}
}

export function installRateLimits(app: FastifyInstance, config: ServiceConfig): void {
	const perToken = new TokenBuckets(config.rateLimit.perToken, config.clock);
	const perAddress = new TokenBuckets(config.rateLimit.perAddress, config.clock);
	const registrations = new TokenBuckets(config.rateLimit.registrationsPerAddress, config.clock);

	app.addHook('onRequest', async (request: FastifyRequest, reply) => {
		if (!request.url.startsWith('/api/') || request.url.startsWith('/api/health')) return;
		const token = request.headers.authorization;
		const checks: [TokenBuckets, string, string][] = [
			[perAddress, request.ip, 'from this address']
		];
		if (typeof token === 'string') checks.push([perToken, token, 'for this device']);
		if (request.routeOptions.config?.registrationLimited) {
			checks.push([registrations, request.ip, 'to register or link devices from this address']);
		}
		for (const [buckets, key, what] of checks) {
			const wait = buckets.take(key);
			if (wait > 0) {
				reply.header('retry-after', String(wait));
				return sendApiError(
					reply,
					new ApiHttpError(429, 'rate_limited', `too many requests ${what}; retry in ${wait} s`)
				);
			}
		}
	});
}
