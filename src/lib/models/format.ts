// How download rates and times read on the Models page (sizes: $lib/format/bytes).
import { formatBytes } from '$lib/format/bytes';

export function formatRate(bytesPerSecond: number | null): string {
	return bytesPerSecond === null ? '—' : `${formatBytes(bytesPerSecond)}/s`;
}

export function formatDuration(seconds: number | null): string {
	if (seconds === null || !Number.isFinite(seconds)) return '—';
	const s = Math.ceil(seconds);
	if (s < 60) return `${s} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
	return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * What a model's card says the device holds of it. A download that stored no file (it failed on
 * the first one) leaves a pending install behind, but nothing to resume: that reads as not
 * downloaded, not as "partly downloaded (0 B)".
 */
export function installKind(status: {
	install: { current: { complete: boolean } | null; pending: unknown };
	bytes: number;
}): 'held' | 'partial' | 'none' {
	if (status.install.current?.complete) return 'held';
	return status.install.pending && status.bytes > 0 ? 'partial' : 'none';
}
