// A local check for personal data in what a contributor is about to submit: e-mail addresses,
// phone numbers, payment card numbers (Luhn), IBANs (ISO 7064 mod 97) and IP addresses. It runs
// on the device before anything is queued, so a warning never depends on the server. Pure.
//
// The checksums keep false alarms down: sixteen digits are only a card number when Luhn
// agrees, and a country code with digits is only an IBAN when mod 97 leaves 1. Phone numbers
// have no checksum, so they need a typical shape (a `+`/`00` prefix, or 8–15 digits in groups).

export type PiiKind = 'email' | 'phone' | 'card' | 'iban' | 'ip';

export interface PiiSpan {
	kind: PiiKind;
	/** Offsets into the checked text: `text.slice(start, end)` is the match. */
	start: number;
	end: number;
	text: string;
}

export const piiKindNames: Readonly<Record<PiiKind, string>> = {
	email: 'e-mail address',
	phone: 'phone number',
	card: 'payment card number',
	iban: 'bank account number (IBAN)',
	ip: 'IP address'
};

/** Passes the Luhn check used by every payment card number. */
export function passesLuhn(digits: string): boolean {
	if (!/^\d+$/.test(digits)) return false;
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** An IBAN without spaces (any case) whose ISO 7064 mod-97 check gives 1. */
export function isValidIban(compact: string): boolean {
	const iban = compact.toUpperCase();
	if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
	const rearranged = iban.slice(4) + iban.slice(0, 4);
	// Letters count as 10–35; the number is reduced piecewise because it has up to 70 digits.
	let remainder = 0;
	for (const ch of rearranged) {
		const value = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
		for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
	}
	return remainder === 1;
}

export function isIPv4(candidate: string): boolean {
	const parts = candidate.split('.');
	return (
		parts.length === 4 &&
		parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || p[0] !== '0'))
	);
}

export function isIPv6(candidate: string): boolean {
	let text = candidate;
	let groupLimit = 8;
	// An IPv4 tail (`::ffff:192.0.2.1`) stands for the last two groups.
	const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
	if (tail) {
		if (!isIPv4(tail[1])) return false;
		text = text.slice(0, tail.index);
		if (!text.endsWith(':')) return false;
		if (!text.endsWith('::')) text = text.slice(0, -1);
		groupLimit = 6;
	}
	const halves = text.split('::');
	if (halves.length > 2) return false;
	const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
	if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
	if (halves.length === 1) return groups.length === groupLimit;
	// `::` alone (or `::` with nothing but a tail) is an address, but a bare `::` in prose or
	// code (Haskell's type annotations) is not worth a warning.
	return groups.length < groupLimit && (groups.length > 0 || tail !== null);
}

interface Rule {
	kind: PiiKind;
	pattern: RegExp;
	/** The span to report inside a candidate match, or null when it is not personal data. */
	accept(match: string): { offset: number; length: number } | null;
}

const whole = (match: string) => ({ offset: 0, length: match.length });

const digitsOf = (s: string) => s.replace(/\D/g, '');

/** Dates and times look like numbers in groups; they are not phone numbers. */
const dateLike = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

// Rules in order of precedence: where two overlap, the earlier one keeps the text (a card
// number is also a run of digits a phone rule would take).
const rules: readonly Rule[] = [
	{
		kind: 'email',
		pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
		accept: whole
	},
	{
		kind: 'card',
		// 13–19 digits, optionally grouped by single spaces or dashes.
		pattern: /(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w-]|\.\d)/g,
		accept: (match) => (passesLuhn(digitsOf(match)) ? whole(match) : null)
	},
	{
		kind: 'iban',
		pattern: /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}/g,
		// The pattern may run into the next word ("… 3000 is mine"); keep the longest prefix,
		// ending at a group boundary, that passes the check.
		accept: (match) => {
			for (let end = match.length; end >= 15; end--) {
				const prefix = match.slice(0, end);
				const next = match[end];
				if (next !== undefined && next !== ' ') continue;
				if (isValidIban(prefix.replace(/ /g, ''))) return { offset: 0, length: end };
			}
			return null;
		}
	},
	{
		kind: 'ip',
		pattern:
			/(?<![\w.:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\w)/g,
		accept: (match) => (isIPv6(match) ? whole(match) : null)
	},
	{
		kind: 'ip',
		pattern: /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)/g,
		accept: (match) => (isIPv4(match) ? whole(match) : null)
	},
	{
		kind: 'phone',
		// An optional international prefix, then digit groups joined by one separator or a
		// parenthesised area code: "+49 30 1234567", "(555) 123-4567", "0044 20 7946 0958".
		pattern: /(?<![\w+])(?:\+|00)?(?:\(\d{1,5}\)[ -]?)?\d+(?:[ ./-]?\(?\d+\)?)*(?![\w])/g,
		accept: (match) => {
			const digits = digitsOf(match).length;
			const international = match.startsWith('+') || match.startsWith('00');
			if (digits < (international ? 8 : 9) || digits > 15) return null;
			if (dateLike.test(match) || isIPv4(match)) return null;
			// A bare number without grouping is a count or an id more often than a phone number.
			if (!international && /^\d+$/.test(match) && digits < 10) return null;
			return whole(match);
		}
	}
];

/** Personal data found in `text`, in order of position, never overlapping. */
export function findPii(text: string): PiiSpan[] {
	const spans: PiiSpan[] = [];
	const overlaps = (start: number, end: number) =>
		spans.some((s) => start < s.end && s.start < end);
	for (const rule of rules) {
		for (const match of text.matchAll(rule.pattern)) {
			const found = rule.accept(match[0]);
			if (!found) continue;
			const start = match.index + found.offset;
			const end = start + found.length;
			if (overlaps(start, end)) continue;
			spans.push({ kind: rule.kind, start, end, text: text.slice(start, end) });
		}
	}
	return spans.sort((a, b) => a.start - b.start);
}

/** The text cut into plain parts and found spans, in order: what the UI highlights. */
export function segmentByPii(
	text: string,
	spans: readonly PiiSpan[]
): { text: string; pii: PiiSpan | null }[] {
	const parts: { text: string; pii: PiiSpan | null }[] = [];
	let at = 0;
	for (const span of spans) {
		if (span.start > at) parts.push({ text: text.slice(at, span.start), pii: null });
		parts.push({ text: span.text, pii: span });
		at = span.end;
	}
	if (at < text.length) parts.push({ text: text.slice(at), pii: null });
	return parts;
}
