// The configuration of the contribution service: the tree manager's numbers (an operator's
// JSON over OpenAssistant's defaults, lease caps included), rate limits, the admin bootstrap
// secret, the lottery timer. Read from the environment by the server and the admin commands;
// tests pass options directly, including a clock and a seeded random source.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
	resolveTreeManagerConfig,
	TreeManagerConfigError,
	type TreeManagerConfig
} from '../tree-manager/config';
import type { Random } from '../../src/lib/shared/random';

/** A token bucket: `capacity` requests at once, refilled at `perSecond`. */
export interface BucketConfig {
	capacity: number;
	perSecond: number;
}

export interface ServiceConfig {
	/** Every rule's number, leases (caps, duration, how long expired ones stay listed) included. */
	treeManager: TreeManagerConfig;
	rateLimit: {
		/** Requests per device token. */
		perToken: BucketConfig;
		/** Requests per client address, with or without a token. */
		perAddress: BucketConfig;
		/** Device registrations and link attempts per address (guessing codes, minting accounts). */
		registrationsPerAddress: BucketConfig;
	};
	/** HEARTH_ADMIN_TOKEN: whoever presents it becomes an admin; null disables the claim. */
	adminToken: string | null;
	/** One-time device link codes work this long. */
	linkCodeTtlMs: number;
	/** The prompt lottery also runs on this timer (besides on every prompt acceptance). */
	lotteryIntervalMs: number;
	/** HEARTH_PUBLISH_MAX_BLOB_MB: the largest blob the publish API stores. */
	publish: { maxBlobBytes: number };
	clock: () => number;
	random: Random;
}

export interface ServiceOptions {
	/** Any nested subset of the tree manager's configuration. */
	treeManager?: unknown;
	rateLimit?: Partial<ServiceConfig['rateLimit']>;
	adminToken?: string | null;
	linkCodeTtlMs?: number;
	lotteryIntervalMs?: number;
	publish?: Partial<ServiceConfig['publish']>;
	clock?: () => number;
	random?: Random;
}

export class ServiceConfigError extends Error {}

export const defaultRateLimit: ServiceConfig['rateLimit'] = {
	perToken: { capacity: 120, perSecond: 10 },
	perAddress: { capacity: 600, perSecond: 50 },
	registrationsPerAddress: { capacity: 20, perSecond: 0.2 }
};

export function resolveServiceConfig(options: ServiceOptions = {}): ServiceConfig {
	let treeManager: TreeManagerConfig;
	try {
		treeManager = resolveTreeManagerConfig(options.treeManager ?? {});
	} catch (error) {
		if (error instanceof TreeManagerConfigError) throw new ServiceConfigError(error.message);
		throw error;
	}
	return {
		treeManager,
		rateLimit: { ...defaultRateLimit, ...options.rateLimit },
		adminToken: options.adminToken ?? null,
		linkCodeTtlMs: options.linkCodeTtlMs ?? 10 * 60_000,
		lotteryIntervalMs: options.lotteryIntervalMs ?? 60_000,
		// A weight shard of a 1.7 B-parameter model in fp32 is about 7 GB; 8 GiB leaves room.
		publish: { maxBlobBytes: 8 * 1024 ** 3, ...options.publish },
		clock: options.clock ?? Date.now,
		random: options.random ?? Math.random
	};
}

/** `capacity/perSecond`, e.g. `120/10`. */
function parseBucket(name: string, value: string): BucketConfig {
	const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(value.trim());
	if (!match || Number(match[1]) < 1 || Number(match[2]) <= 0) {
		throw new ServiceConfigError(
			`${name} must be "<burst>/<per second>" such as "120/10" (got ${JSON.stringify(value)})`
		);
	}
	return { capacity: Number(match[1]), perSecond: Number(match[2]) };
}

/**
 * Reads the service options from the environment:
 * - HEARTH_TREE_CONFIG: a JSON file (or inline JSON) overriding tree manager numbers;
 * - HEARTH_ADMIN_TOKEN: the admin bootstrap secret (at least 16 characters);
 * - HEARTH_RATE_TOKEN, HEARTH_RATE_ADDRESS, HEARTH_RATE_REGISTER: `<burst>/<per second>`;
 * - HEARTH_LOTTERY_INTERVAL_S: seconds between lottery runs;
 * - HEARTH_PUBLISH_MAX_BLOB_MB: the largest blob the publish API stores, in MiB.
 * Throws ServiceConfigError naming the variable at fault.
 */
export function loadServiceOptions(
	env: Record<string, string | undefined>,
	cwd: string
): ServiceOptions {
	const options: ServiceOptions = {};
	const treeConfig = env.HEARTH_TREE_CONFIG;
	if (treeConfig) {
		const inline = treeConfig.trim().startsWith('{');
		let text = treeConfig;
		if (!inline) {
			try {
				text = readFileSync(resolve(cwd, treeConfig), 'utf8');
			} catch (error) {
				throw new ServiceConfigError(
					`HEARTH_TREE_CONFIG: cannot read ${treeConfig}: ${(error as Error).message}`
				);
			}
		}
		try {
			options.treeManager = JSON.parse(text);
		} catch (error) {
			throw new ServiceConfigError(
				`HEARTH_TREE_CONFIG: ${inline ? 'the value' : treeConfig} is not valid JSON: ${(error as Error).message}`
			);
		}
		try {
			resolveTreeManagerConfig(options.treeManager);
		} catch (error) {
			if (error instanceof TreeManagerConfigError) {
				throw new ServiceConfigError(`HEARTH_TREE_CONFIG: ${error.message}`);
			}
			throw error;
		}
	}
	const adminToken = env.HEARTH_ADMIN_TOKEN;
	if (adminToken !== undefined) {
		if (adminToken.length < 16) {
			throw new ServiceConfigError('HEARTH_ADMIN_TOKEN must be at least 16 characters long');
		}
		options.adminToken = adminToken;
	}
	const rateLimit: Partial<ServiceConfig['rateLimit']> = {};
	if (env.HEARTH_RATE_TOKEN)
		rateLimit.perToken = parseBucket('HEARTH_RATE_TOKEN', env.HEARTH_RATE_TOKEN);
	if (env.HEARTH_RATE_ADDRESS) {
		rateLimit.perAddress = parseBucket('HEARTH_RATE_ADDRESS', env.HEARTH_RATE_ADDRESS);
	}
	if (env.HEARTH_RATE_REGISTER) {
		rateLimit.registrationsPerAddress = parseBucket(
			'HEARTH_RATE_REGISTER',
			env.HEARTH_RATE_REGISTER
		);
	}
	options.rateLimit = rateLimit;
	const interval = env.HEARTH_LOTTERY_INTERVAL_S;
	if (interval !== undefined) {
		const seconds = Number(interval);
		if (!Number.isFinite(seconds) || seconds < 1) {
			throw new ServiceConfigError(
				`HEARTH_LOTTERY_INTERVAL_S must be a number of seconds ≥ 1 (got ${JSON.stringify(interval)})`
			);
		}
		options.lotteryIntervalMs = seconds * 1000;
	}
	const maxBlob = env.HEARTH_PUBLISH_MAX_BLOB_MB;
	if (maxBlob !== undefined) {
		const mib = Number(maxBlob);
		if (!Number.isInteger(mib) || mib < 1) {
			throw new ServiceConfigError(
				`HEARTH_PUBLISH_MAX_BLOB_MB must be a whole number of MiB ≥ 1 (got ${JSON.stringify(maxBlob)})`
			);
		}
		options.publish = { maxBlobBytes: mib * 1024 ** 2 };
	}
	return options;
}
