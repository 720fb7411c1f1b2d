/**
 * The one origin the encyclopedia tool reaches; the server's Content-Security-Policy allows it
 * and the chat links its articles. Apart from the tool's declaration, so neither pulls in zod.
 */
export const ENCYCLOPEDIA_ORIGIN = 'https://en.wikipedia.org';
