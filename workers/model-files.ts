// The model's files as the page handed them over (path → verified Blob, or URL), read with
// errors that name the file, so "tokenizer.json: not valid JSON" reaches the user rather than
// a bare SyntaxError.
import type { ModelFiles } from '$lib/protocol/inference';
import { parseJsonObject } from '$lib/shared/json-object';

export class ModelFileSet {
	constructor(private readonly files: ModelFiles) {}

	paths(): string[] {
		return Object.keys(this.files);
	}

	/** The file as ONNX Runtime accepts it (a Blob or a URL it fetches itself). */
	source(path: string): Blob | string {
		const file = this.files[path];
		if (file === undefined) throw new Error(`${path}: missing from the model's files`);
		return file;
	}

	async bytes(path: string): Promise<Uint8Array> {
		const file = this.source(path);
		if (typeof file !== 'string') return new Uint8Array(await file.arrayBuffer());
		let response: Response;
		try {
			response = await fetch(file);
		} catch (error) {
			throw new Error(`${path}: could not download ${file} (${(error as Error).message})`, {
				cause: error
			});
		}
		if (!response.ok)
			throw new Error(`${path}: could not download ${file} (HTTP ${response.status})`);
		return new Uint8Array(await response.arrayBuffer());
	}

	async json(path: string): Promise<Record<string, unknown>> {
		return parseJsonObject(new TextDecoder().decode(await this.bytes(path)), path);
	}
}
