// A tool's arguments as a form: a field per property of the JSON Schema its declaration gives
// models (`toolSpec`), and the arguments the typed fields stand for. Pure.

/** One argument of a tool, as a form field: the property's name, and whether it takes a number. */
export interface ToolField {
	name: string;
	kind: 'text' | 'number';
	required: boolean;
}

/** What the form shows of a tool: its name, its one-sentence description and its fields. */
export interface ToolForm {
	name: string;
	description: string;
	fields: ToolField[];
}

/** A tool's form, from the JSON Schema its declaration gives models (`toolSpec`). */
export function toolForm(spec: {
	function: { name: string; description: string; parameters: Record<string, unknown> };
}): ToolForm {
	const { properties = {}, required = [] } = spec.function.parameters as {
		properties?: Record<string, { type?: string }>;
		required?: string[];
	};
	return {
		name: spec.function.name,
		description: spec.function.description,
		fields: Object.entries(properties).map(([name, property]) => ({
			name,
			kind: property.type === 'integer' || property.type === 'number' ? 'number' : 'text',
			required: required.includes(name)
		}))
	};
}

/**
 * The arguments the typed fields stand for: numbers where the tool takes one, and optional fields
 * left empty left out. Whatever is still wrong is for the tool's own schema to say.
 */
export function argumentsFrom(form: ToolForm, values: Record<string, string>) {
	const args: Record<string, unknown> = {};
	for (const field of form.fields) {
		const raw = (values[field.name] ?? '').trim();
		if (raw === '' && !field.required) continue;
		args[field.name] =
			field.kind === 'number' && raw !== '' && isFinite(Number(raw)) ? Number(raw) : raw;
	}
	return args;
}
