import { describe, expect, it } from 'vitest';
import {
	findPii,
	isIPv4,
	isIPv6,
	isValidIban,
	passesLuhn,
	segmentByPii,
	type PiiKind
} from '$lib/privacy/pii';

function found(text: string): [PiiKind, string][] {
	return findPii(text).map((s) => [s.kind, s.text]);
}

describe('checksums', () => {
	it('Luhn accepts real test card numbers and rejects a changed digit', () => {
		expect(passesLuhn('4111111111111111')).toBe(true); // Visa test number
		expect(passesLuhn('5555555555554444')).toBe(true); // Mastercard test number
		expect(passesLuhn('378282246310005')).toBe(true); // Amex test number
		expect(passesLuhn('4111111111111112')).toBe(false);
		expect(passesLuhn('41111a1111111111')).toBe(false);
	});

	it('IBAN mod 97 accepts published examples in any case and rejects a swapped pair', () => {
		expect(isValidIban('DE89370400440532013000')).toBe(true);
		expect(isValidIban('GB82WEST12345698765432')).toBe(true);
		expect(isValidIban('fr1420041010050500013m02606')).toBe(true);
		expect(isValidIban('DE89370400440532013001')).toBe(false);
		expect(isValidIban('DE98370400440532013000')).toBe(false);
		expect(isValidIban('DE89')).toBe(false);
	});

	it('IPv4 takes four octets up to 255 without leading zeros', () => {
		expect(isIPv4('192.168.1.20')).toBe(true);
		expect(isIPv4('0.0.0.0')).toBe(true);
		expect(isIPv4('256.1.1.1')).toBe(false);
		expect(isIPv4('1.2.3')).toBe(false);
		expect(isIPv4('01.2.3.4')).toBe(false);
	});

	it('IPv6 takes full, compressed and IPv4-tailed forms', () => {
		expect(isIPv6('2001:0db8:85a3:0000:0000:8a2e:0370:7334')).toBe(true);
		expect(isIPv6('2001:db8::1')).toBe(true);
		expect(isIPv6('::1')).toBe(true);
		expect(isIPv6('fe80::')).toBe(true);
		expect(isIPv6('::ffff:192.0.2.128')).toBe(true);
		expect(isIPv6('64:ff9b::192.0.2.33')).toBe(true);
		expect(isIPv6('1:2:3:4:5:6:192.0.2.1')).toBe(true);
		expect(isIPv6('::')).toBe(false);
		expect(isIPv6('1::2::3')).toBe(false);
		expect(isIPv6('12:30:45')).toBe(false);
		expect(isIPv6('1:2:3:4:5:6:7:8:9')).toBe(false);
		expect(isIPv6('::ffff:300.0.2.1')).toBe(false);
		expect(isIPv6('gggg::1')).toBe(false);
	});
});

describe('findPii', () => {
	it('finds e-mail addresses with their exact offsets', () => {
		const text = 'Write to jane.doe+news@example.co.uk or ops@sub.example.org.';
		const spans = findPii(text);
		expect(spans.map((s) => [s.kind, s.text])).toEqual([
			['email', 'jane.doe+news@example.co.uk'],
			['email', 'ops@sub.example.org']
		]);
		for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
	});

	it('finds card numbers only when Luhn passes, grouped or not', () => {
		expect(found('card 4111 1111 1111 1111 exp 12/29')).toEqual([['card', '4111 1111 1111 1111']]);
		expect(found('pay with 5555-5555-5555-4444.')).toEqual([['card', '5555-5555-5555-4444']]);
		expect(found('order 4111111111111112 shipped')).not.toContainEqual([
			'card',
			'4111111111111112'
		]);
	});

	it('finds an IBAN with spaces and stops before the next word', () => {
		expect(found('IBAN DE89 3704 0044 0532 0130 00 is mine')).toEqual([
			['iban', 'DE89 3704 0044 0532 0130 00']
		]);
		expect(found('send it to GB82WEST12345698765432, thanks')).toEqual([
			['iban', 'GB82WEST12345698765432']
		]);
		expect(found('the model DE12 3456 7890 1234 5678 is a part number')).toEqual([]);
	});

	it('finds IPv4 and IPv6 addresses but not versions, times or scope operators', () => {
		expect(found('ssh to 10.0.0.12 or 2001:db8::ff00:42:8329 now')).toEqual([
			['ip', '10.0.0.12'],
			['ip', '2001:db8::ff00:42:8329']
		]);
		expect(found('version 1.2.3.4.5 at 12:30:45 uses std::vector and x :: Int')).toEqual([]);
		expect(found('mapped ::ffff:192.0.2.128 too')).toEqual([['ip', '::ffff:192.0.2.128']]);
	});

	it('finds phone numbers in common national and international shapes', () => {
		expect(found('call +49 30 1234567 or (555) 123-4567 or 0044 20 7946 0958')).toEqual([
			['phone', '+49 30 1234567'],
			['phone', '(555) 123-4567'],
			['phone', '0044 20 7946 0958']
		]);
		expect(found('mobile: 07700 900123')).toEqual([['phone', '07700 900123']]);
	});

	it('leaves dates, years, counts and short numbers alone', () => {
		expect(
			found('On 2024-03-15 about 1500 people paid 12.50 each; 3 of 12 voted; ticket 123456.')
		).toEqual([]);
		expect(found('Between 1999 and 2004 the population grew.')).toEqual([]);
	});

	it('reports overlapping candidates once, by the strongest rule', () => {
		// Sixteen digits in groups also look like a phone number: the card rule keeps them.
		expect(found('4111 1111 1111 1111')).toEqual([['card', '4111 1111 1111 1111']]);
		// An address inside an e-mail is part of the e-mail.
		expect(found('me@192.168.1.1.example.com')).toEqual([['email', 'me@192.168.1.1.example.com']]);
	});

	it('finds nothing in ordinary prose and code', () => {
		const text =
			'Here is a function:\n\n```ts\nconst x = a ?? b;\nfor (let i = 0; i < 10; i++) {}\n```\nIt returns 42.';
		expect(findPii(text)).toEqual([]);
	});
});

describe('segmentByPii', () => {
	it('cuts the text into plain and highlighted parts that join back to the original', () => {
		const text = 'mail me@example.com or call +1 202 555 0143 today';
		const parts = segmentByPii(text, findPii(text));
		expect(parts.map((p) => [p.text, p.pii?.kind ?? null])).toEqual([
			['mail ', null],
			['me@example.com', 'email'],
			[' or call ', null],
			['+1 202 555 0143', 'phone'],
			[' today', null]
		]);
		expect(parts.map((p) => p.text).join('')).toBe(text);
	});
});
