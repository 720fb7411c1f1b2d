// A written reply's tool calls must be calls their tool takes: the protocol checks their shape
// (a known tool, an arguments object, sizes); this checks each call's arguments against its
// tool's own schema, the one the model is shown, so no dataset teaches a call the browser would
// refuse. Here, not in the protocol, because every page loads the protocol.
import type { ReplyToolStep } from '../../src/lib/protocol/tools';
import { toolDeclarations } from '../../src/lib/shared/tools/declarations';
import { zodIssues } from '../../src/lib/shared/zod-issues';

const declarationOf = new Map(toolDeclarations.map((d) => [d.name, d]));

/** The first call whose arguments its tool refuses, as `<path>[i].calls[j].arguments.<field>: why`. */
export function toolArgumentsProblem(steps: readonly ReplyToolStep[], path: string): string | null {
	for (const [i, step] of steps.entries()) {
		for (const [j, call] of step.calls.entries()) {
			const where = `${path}[${i}].calls[${j}]`;
			const declaration = declarationOf.get(call.name);
			if (!declaration) return `${where}.name: no tool is named "${call.name}"`;
			const parsed = declaration.arguments.safeParse(call.arguments);
			if (!parsed.success) {
				const [issue] = zodIssues(parsed.error, `${where}.arguments`);
				return `${issue.path}: ${issue.message}`;
			}
		}
	}
	return null;
}
