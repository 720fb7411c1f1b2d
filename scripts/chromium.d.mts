// Types for chromium.mjs, plain JavaScript so that setup.mjs can use it before `npm install`.
export const chromiumPath: string;
export const chromiumArgs: string[];
