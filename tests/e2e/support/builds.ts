/** A production build of the app, copied where the test servers serve it from. */
export interface AppBuild {
	/** Its build id (`HEARTH_BUILD_ID`), which Settings shows as the version. */
	id: string;
	dir: string;
}

export interface E2eBuilds {
	/** An older version, for the update flow to start from. */
	previous: AppBuild;
	/** The app as the tree is now: what the tests run against. */
	current: AppBuild;
}

const variable = 'HEARTH_E2E_BUILDS';

/** The builds the global setup made; it sets them in its process, the test workers inherit them. */
export function e2eBuilds(): E2eBuilds {
	const value = process.env[variable];
	if (!value) throw new Error(`${variable} is not set: run the tests with \`npx playwright test\``);
	return JSON.parse(value) as E2eBuilds;
}

export function shareE2eBuilds(builds: E2eBuilds): void {
	process.env[variable] = JSON.stringify(builds);
}
