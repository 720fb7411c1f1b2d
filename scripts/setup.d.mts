// Types for setup.mjs, which stays plain JavaScript because it runs before `npm install`.
export function ensureNpmPackages(): void;
export function ensureSystemPackages(): void;
export function postgresBinDir(): string | null;
export function pythonCan(code: string): boolean;
