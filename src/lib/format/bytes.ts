const units = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * A byte count for people: `0 B`, `812 KB`, `1.4 GB`, in powers of 1000 as browsers and disk
 * makers count. One decimal below 100 of a unit, none above.
 */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`not a byte count: ${bytes}`);
	let unit = 0;
	// Choose the unit after rounding, so 999,960 bytes reads "1 MB", not "1000 KB".
	while (unit < units.length - 1 && round(bytes / 1000 ** unit, unit) >= 1000) unit++;
	return `${round(bytes / 1000 ** unit, unit)} ${units[unit]}`;
}

function round(value: number, unit: number): number {
	const digits = unit === 0 || value >= 100 ? 0 : 1;
	return Number(value.toFixed(digits));
}
