// Node-side loader of a tokenizer directory (tokenizer.json + tokenizer_config.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatFormat } from '../../src/lib/shared/chat-format';

export function readJsonFile(path: string): object {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new Error(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? error})`, {
			cause: error
		});
	}
	try {
		return JSON.parse(text) as object;
	} catch (error) {
		throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
	}
}

export function loadChatFormat(tokenizerDir: string): ChatFormat {
	const tokenizerJson = readJsonFile(join(tokenizerDir, 'tokenizer.json'));
	const config = readJsonFile(join(tokenizerDir, 'tokenizer_config.json'));
	try {
		return new ChatFormat(tokenizerJson, config);
	} catch (error) {
		throw new Error(`${tokenizerDir}/${(error as Error).message}`, { cause: error });
	}
}
