// The version reported by /api/health: package.json's, the one the app was built from.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
	version: string;
};

export const packageVersion = manifest.version;
