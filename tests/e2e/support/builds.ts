import { join } from 'node:path';

/** Build ids of the two app versions the global setup builds. */
export const buildIds = { first: 'e2e-first', second: 'e2e-second' } as const;

const buildsDirVariable = 'HEARTH_E2E_BUILDS';

/** Where the global setup put the builds; set in its process, inherited by the test workers. */
export function buildDir(id: string): string {
	const root = process.env[buildsDirVariable];
	if (!root)
		throw new Error(`${buildsDirVariable} is not set: run the tests with \`npx playwright test\``);
	return join(root, id);
}

export function setBuildsRoot(root: string): void {
	process.env[buildsDirVariable] = root;
}
