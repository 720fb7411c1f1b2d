// How Settings names the running app. A build's id (HEARTH_BUILD_ID) defaults to the time of
// the build in epoch milliseconds, which nobody can read; it is shown as the date it stands for,
// beside package.json's version. An id set by hand ("2026.03-rc1") is shown as it is.

/** Epoch-millisecond ids from 2001 on (13 digits): anything shorter is a name, not a time. */
const TIMESTAMP_ID = /^\d{13}$/;

export interface AppVersion {
	/** "Hearth 0.1.0, built 4 December 2025 at 20:24" */
	text: string;
	/** The build id as it is, for a bug report. */
	buildId: string;
}

export function describeVersion(
	packageVersion: string,
	buildId: string,
	locale?: string | string[],
	timeZone?: string
): AppVersion {
	if (!TIMESTAMP_ID.test(buildId))
		return { text: `Hearth ${packageVersion}, build ${buildId}`, buildId };
	const built = new Date(Number(buildId));
	const date = built.toLocaleDateString(locale, { dateStyle: 'long', timeZone });
	const time = built.toLocaleTimeString(locale, { timeStyle: 'short', timeZone });
	return { text: `Hearth ${packageVersion}, built ${date} at ${time}`, buildId };
}
