/**
 * Parses a file's text that must hold one JSON object, with errors that name the file
 * ("tokenizer.json: not valid JSON (…)") rather than a bare SyntaxError.
 */
export function parseJsonObject(text: string, file: string): Record<string, unknown> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new Error(`${file}: expected a JSON object`);
	}
	return value as Record<string, unknown>;
}
