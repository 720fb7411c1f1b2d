// Task languages offered in the chooser: the languages OpenAssistant collected most. A task's
// language is usually a bare language (`en`), with a region only where the written language
// differs (`pt-BR`), so a device locale like `en-US` maps to `en`.
import { langSchema } from '$lib/protocol/trees';

export const taskLanguages = [
	'en',
	'es',
	'de',
	'fr',
	'it',
	'pt-BR',
	'ru',
	'uk',
	'pl',
	'nl',
	'ca',
	'eu',
	'zh',
	'ja',
	'ko',
	'vi',
	'th',
	'id',
	'tr',
	'ar',
	'fa',
	'hi',
	'bn',
	'sw'
] as const;

/** The device's locale as a task language: `pt-BR` stays, `en-US` → `en`, nonsense → `en`. */
export function defaultLanguage(locale: string | undefined): string {
	if (!locale) return 'en';
	if ((taskLanguages as readonly string[]).includes(locale)) return locale;
	const base = locale.split('-')[0].toLowerCase();
	return langSchema.safeParse(base).success ? base : 'en';
}

/**
 * Task languages with the names a person reads, in the device's own language ("German" or
 * "Deutsch"), `first` leading when it is not one of them (a filter kept from elsewhere).
 */
export function namedLanguages(first?: string): { code: string; name: string }[] {
	const names = new Intl.DisplayNames(undefined, { type: 'language' });
	const listed: readonly string[] = taskLanguages;
	const codes = first && !listed.includes(first) ? [first, ...listed] : listed;
	return codes.map((code) => ({
		code,
		name: names.of(code) ?? code
	}));
}
