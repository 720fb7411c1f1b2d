// Node-side loader of a tokenizer directory (tokenizer.json + tokenizer_config.json).
import { join } from 'node:path';
import { ChatFormat } from '../../src/lib/shared/chat-format';
import { readFileNamed } from '../files';

export function readJsonFile(path: string): object {
	const text = readFileNamed(path).toString('utf8');
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
