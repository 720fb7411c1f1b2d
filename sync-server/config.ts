// The server's whole configuration, read from the environment once at start. Each variable is
// checked here so a typo stops the server with a message naming it, not a crash later.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DatabaseConfig } from './db/database';
import { zodIssues } from '../src/lib/shared/zod-issues';

export interface ServerConfig {
	port: number;
	host: string;
	database: DatabaseConfig;
	/** The built app (`vite build` output). */
	staticDir: string;
	/** The model registry: `blobs/sha256/<hex>` and `<model>/versions/<n>.json`. */
	registryDir: string;
	/** Largest accepted request body. */
	bodyLimitBytes: number;
	logLevel: LogLevel;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof logLevels)[number];

export class ConfigError extends Error {}

/** A sync push of a full lease (20 tasks of 2,000 characters) is about 100 KB; 1 MiB leaves room. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const envSchema = z.object({
	PORT: z.coerce
		.number({ error: 'must be a number' })
		.int('must be a whole number')
		.min(0, 'must be from 0 to 65535')
		.max(65535, 'must be from 0 to 65535')
		.default(8787),
	// Loopback by default (Fastify binds both 127.0.0.1 and ::1 for `localhost`): the server
	// has no TLS, and a PWA needs a secure context, which plain http only has on localhost.
	// Set HOST=0.0.0.0 to serve other machines, behind a TLS-terminating proxy.
	HOST: z.string().trim().min(1, 'must not be empty').default('localhost'),
	HEARTH_DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
	DATABASE_URL: z
		.string()
		.refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL')
		.optional(),
	HEARTH_STATIC_DIR: z.string().min(1, 'must not be empty').default('./build'),
	HEARTH_REGISTRY_DIR: z.string().min(1, 'must not be empty').default('./registry'),
	// Warnings and errors only: the start-up lines a person needs are printed by main.ts, and
	// `info` adds Fastify's own (JSON) lines for operators who want them.
	HEARTH_LOG_LEVEL: z
		.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` })
		.default('warn')
});

function isPostgresUrl(value: string): boolean {
	try {
		return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

/** Reads the configuration; relative paths are resolved against `cwd`. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): ServerConfig {
	// An empty variable (`PORT=`) means "not set", as in most shells' habits.
	const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
	const parsed = envSchema.safeParse(present);
	if (!parsed.success) {
		const problems = zodIssues(parsed.error).map((issue) => {
			const name = issue.path;
			// A database URL may carry a password: never echo it.
			const got = name === 'DATABASE_URL' ? '' : ` (got ${JSON.stringify(env[name])})`;
			return `${name} ${issue.message}${got}`;
		});
		throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
	}
	const e = parsed.data;
	return {
		port: e.PORT,
		host: e.HOST,
		database: e.DATABASE_URL
			? { dialect: 'postgres', url: e.DATABASE_URL }
			: { dialect: 'sqlite', file: resolve(cwd, e.HEARTH_DATA_DIR, 'hearth.sqlite') },
		staticDir: resolve(cwd, e.HEARTH_STATIC_DIR),
		registryDir: resolve(cwd, e.HEARTH_REGISTRY_DIR),
		bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
		logLevel: e.HEARTH_LOG_LEVEL
	};
}
