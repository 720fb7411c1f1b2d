// The setup's list of system packages is the only thing that puts Python modules on a fresh
// machine, so every third-party module the Python code imports must be in it. A module someone
// installed by hand once made every newcomer's `npm test` fail while CI stayed green.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	DEBIAN_PYTHON,
	findPython,
	PYTHON_SOURCES,
	pythonModules,
	resolvePython
} from '../../../scripts/setup.mjs';

/**
 * Every absolute import in the Python sources with where it is, as Python's own parser reads
 * them, less the standard library and the repository's own packages and modules.
 */
function thirdPartyImports(python: string): Record<string, string[]> {
	const script = String.raw`
import ast, json, pathlib, sys
roots = sys.argv[1:]
files = [f for r in roots for f in sorted(pathlib.Path(r).rglob('*.py'))]
local = {'training', 'tests', 'bench'} | {f.stem for f in files}
found = {}
for f in files:
    for node in ast.walk(ast.parse(f.read_text(), str(f))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split('.')[0]
            if top in sys.stdlib_module_names or top in local or top == '__future__':
                continue
            found.setdefault(top, []).append(f'{f}:{node.lineno}')
print(json.dumps(found))
`;
	const out = execFileSync(python, ['-c', script, ...PYTHON_SOURCES], { encoding: 'utf8' });
	return JSON.parse(out) as Record<string, string[]>;
}

// Each probe imports PyTorch, which takes seconds on a busy machine.
const PROBE_TIMEOUT_MS = 120_000;

describe('the Python modules the setup installs', { timeout: PROBE_TIMEOUT_MS }, () => {
	let python: string;
	beforeAll(() => {
		python = resolvePython();
	}, PROBE_TIMEOUT_MS);

	it('cover every third-party import in the trainer, its tests and the benchmarks', () => {
		const imports = thirdPartyImports(python);
		// The scan itself must see the imports we know are there, or it proves nothing.
		expect(Object.keys(imports)).toEqual(expect.arrayContaining(['torch', 'tqdm']));
		const uncovered = Object.entries(imports)
			.filter(([module]) => !pythonModules.includes(module))
			.map(([module, where]) => `${module} (imported at ${where.join(', ')})`);
		expect(uncovered, 'add these to systemPackages in scripts/setup.mjs').toEqual([]);
	});

	describe('the interpreter search', () => {
		const dir = mkdtempSync(join(tmpdir(), 'hearth-python-'));
		afterAll(() => rmSync(dir, { recursive: true, force: true }));

		/** A Python with torch and numpy but no tqdm, the case that broke fresh machines, at `path`. */
		function pythonWithoutTqdm(path: string): string {
			writeFileSync(
				join(dir, 'tqdm.py'),
				'raise ModuleNotFoundError("No module named \'tqdm\'")\n'
			);
			mkdirSync(dirname(path), { recursive: true });
			writeFileSync(path, `#!/bin/sh\nPYTHONPATH=${dir} exec ${python} "$@"\n`);
			chmodSync(path, 0o755);
			return path;
		}

		it('rejects a Python that lacks one module, naming it, and says what it tried', () => {
			const wrapper = pythonWithoutTqdm(join(dir, 'python-without-tqdm'));
			const found = findPython({ ...process.env, HEARTH_PYTHON: wrapper });
			expect(found.python).toBeNull();
			expect(found.tried).toEqual([
				{ candidate: wrapper, problem: "ModuleNotFoundError: No module named 'tqdm'" }
			]);
			expect(() => resolvePython({ ...process.env, HEARTH_PYTHON: wrapper })).toThrow(
				/tried: .*python-without-tqdm \(ModuleNotFoundError: No module named 'tqdm'\)[\s\S]*HEARTH_PYTHON/
			);
		});

		it("tries python3 on the PATH first, then Debian's", () => {
			const bin = dirname(pythonWithoutTqdm(join(dir, 'bin', 'python3')));
			const env = { ...process.env, HEARTH_PYTHON: '', PATH: `${bin}:${process.env.PATH}` };
			const found = findPython(env);
			expect(found.tried[0]).toEqual({
				candidate: 'python3',
				problem: "ModuleNotFoundError: No module named 'tqdm'"
			});
			// Debian's comes next: chosen when it has the modules, else named as tried.
			expect(found.python ?? found.tried[1].candidate).toBe(DEBIAN_PYTHON);
		});

		it('honours HEARTH_PYTHON and names an interpreter that does not exist', () => {
			expect(findPython({ ...process.env, HEARTH_PYTHON: python }).python).toBe(python);
			const missing = findPython({ ...process.env, HEARTH_PYTHON: join(dir, 'no-such-python') });
			expect(missing.tried[0].problem).toBe('not found');
		});
	});
});
