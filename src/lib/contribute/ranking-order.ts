// Reordering a ranking, by drag and drop or by keyboard. Pure: each returns a new order.

/** Moves the item at `from` to `to` (indices in the current order). */
export function moveTo<T>(order: readonly T[], from: number, to: number): T[] {
	if (from < 0 || from >= order.length) return [...order];
	const target = Math.max(0, Math.min(order.length - 1, to));
	const next = [...order];
	const [item] = next.splice(from, 1);
	next.splice(target, 0, item);
	return next;
}

/** Moves `item` up (−1) or down (+1) by `delta` places, stopping at either end. */
export function moveBy<T>(order: readonly T[], item: T, delta: number): T[] {
	const from = order.indexOf(item);
	return from < 0 ? [...order] : moveTo(order, from, from + delta);
}
