// Types for setup.mjs, which stays plain JavaScript because it runs before `npm install`.
export interface SystemPackage {
	deb: string;
	usedBy: string;
	python?: string;
	present?: () => boolean;
	withDebianPython?: boolean;
}
export const DEBIAN_PYTHON: string;
export const systemPackages: SystemPackage[];
export const PYTHON_SOURCES: string[];
export const pythonModules: string[];
export function ensureNpmPackages(): void;
export function ensureSystemPackages(): string;
export function findPython(env?: NodeJS.ProcessEnv): {
	python: string | null;
	tried: { candidate: string; problem: string }[];
};
export function resolvePython(env?: NodeJS.ProcessEnv): string;
export function postgresBinDir(): string | null;
