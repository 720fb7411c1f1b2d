/** Lower-case hex SHA-256 of `data`, computed by WebCrypto (native, off the JS heap's hot path). */
export async function sha256Hex(data: BufferSource | Blob): Promise<string> {
	const bytes = data instanceof Blob ? await data.arrayBuffer() : data;
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
