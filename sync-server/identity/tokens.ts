// Secrets handed to devices: random bearer tokens and one-time link codes. The server keeps only
// their SHA-256, and compares secrets in constant time.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { LINK_CODE_ALPHABET, LINK_CODE_LENGTH } from '../../src/lib/protocol/identity';

/** 32 random bytes, base64url: 43 characters. */
export function newDeviceToken(): string {
	return randomBytes(32).toString('base64url');
}

export const DEVICE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function sha256Hex(secret: string): string {
	return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether two secrets are equal, in time independent of where they differ (or their lengths). */
export function secretsEqual(a: string, b: string): boolean {
	return timingSafeEqual(
		createHash('sha256').update(a, 'utf8').digest(),
		createHash('sha256').update(b, 'utf8').digest()
	);
}

/** Whether a stored hex digest equals the digest of a presented secret, in constant time. */
export function digestMatches(storedHex: string, presented: string): boolean {
	const stored = Buffer.from(storedHex, 'hex');
	const actual = createHash('sha256').update(presented, 'utf8').digest();
	return stored.length === actual.length && timingSafeEqual(stored, actual);
}

/** A one-time code of LINK_CODE_LENGTH characters (about 49 bits), unambiguous to read. */
export function newLinkCode(): string {
	let code = '';
	for (let i = 0; i < LINK_CODE_LENGTH; i++)
		code += LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)];
	return code;
}
