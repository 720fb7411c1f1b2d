// Shared command-line plumbing for the pipeline's TypeScript stages: flags via node:util's
// parseArgs, and one place that turns a thrown error into a one-line message and exit code 1,
// so every stage fails the same readable way (the orchestrator shows that line).
import { parseArgs } from 'node:util';

type Flags = Record<string, { type: 'string' | 'boolean'; required?: boolean }>;
type Parsed<F extends Flags> = {
	[K in keyof F]: F[K]['type'] extends 'boolean'
		? boolean
		: F[K]['required'] extends true
			? string
			: string | undefined;
};

/** Parses `--name value` flags; unknown flags and missing required ones throw a message with the usage line. */
export function readFlags<F extends Flags>(flags: F, usage: string, argv = process.argv.slice(2)) {
	let values: Record<string, string | boolean | undefined>;
	try {
		const options = Object.fromEntries(
			Object.entries(flags).map(([name, { type }]) => [name, { type }])
		);
		values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
	} catch (error) {
		throw new Error(`${(error as Error).message}\nusage: ${usage}`, { cause: error });
	}
	for (const [name, { type, required }] of Object.entries(flags)) {
		if (required && values[name] === undefined)
			throw new Error(`missing --${name}\nusage: ${usage}`);
		if (type === 'boolean') values[name] = values[name] === true;
	}
	return values as Parsed<F>;
}

/** Runs a stage's main function; an error ends the process with its message, not a stack trace. */
export function runCli(main: () => Promise<void> | void): void {
	Promise.resolve()
		.then(main)
		.catch((error: unknown) => {
			const message = error instanceof Error ? error.message : String(error);
			console.error(`error: ${message}`);
			if (process.env.HEARTH_DEBUG && error instanceof Error) console.error(error.stack);
			process.exit(1);
		});
}
