/** Lower-case hex SHA-256 of `data`, computed by WebCrypto (native code, not a JS loop). */
export async function sha256Hex(data: BufferSource): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
	return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
