// Turns a growing list of token ids into a stream of text deltas. Decoding one token at a time is
// wrong for byte-level and SentencePiece vocabularies: a character may span tokens (half of an
// emoji decodes to U+FFFD) and a token's leading space depends on what precedes it. So, like
// vLLM's incremental detokenizer, we decode a short window that starts a few tokens back and
// emit only what is new, holding back text that ends in an incomplete character.

export type DecodeIds = (ids: number[]) => string;

const REPLACEMENT_CHARACTER = '\uFFFD';

export class TokenTextStream {
	private readonly ids: number[] = [];
	/** Start of the window decoded for context; its text was already emitted. */
	private prefixOffset = 0;
	/** Tokens before this index have been emitted. */
	private readOffset = 0;

	constructor(private readonly decode: DecodeIds) {}

	/** Adds one token; returns the text it completes (often '' while a character is still incomplete). */
	push(id: number): string {
		this.ids.push(id);
		const prefixText = this.decodeRange(this.prefixOffset, this.readOffset);
		const fullText = this.decodeRange(this.prefixOffset, this.ids.length);
		if (fullText.length <= prefixText.length || fullText.endsWith(REPLACEMENT_CHARACTER)) return '';
		this.prefixOffset = this.readOffset;
		this.readOffset = this.ids.length;
		return fullText.slice(prefixText.length);
	}

	/** Whatever is still held back when the reply ends (an incomplete character stays as U+FFFD). */
	flush(): string {
		const prefixText = this.decodeRange(this.prefixOffset, this.readOffset);
		const fullText = this.decodeRange(this.prefixOffset, this.ids.length);
		this.prefixOffset = this.readOffset = this.ids.length;
		return fullText.slice(prefixText.length);
	}

	/** Tokenizers refuse an empty id list; an empty window is simply no text. */
	private decodeRange(start: number, end: number): string {
		return start < end ? this.decode(this.ids.slice(start, end)) : '';
	}
}
