// OpenAssistant's message labels: their names, widgets, which message kinds and forms allow
// them, and the validation of a submitted set. Browser-safe: zod only, no I/O.
import { z } from 'zod';

export const labelNames = [
	'spam',
	'fails_task',
	'lang_mismatch',
	'pii',
	'not_appropriate',
	'hate_speech',
	'sexual_content',
	'moral_judgement',
	'political_content',
	'quality',
	'toxicity',
	'humor',
	'helpfulness',
	'creativity',
	'violence'
] as const;
export const labelNameSchema = z.enum(labelNames);
export type LabelName = z.infer<typeof labelNameSchema>;

/** yes/no questions and flags take 0 or 1; five-point scales take 0, .25, .5, .75 or 1. */
export type LabelWidget = 'yes_no' | 'flag' | 'likert';

export interface LabelDescription {
	widget: LabelWidget;
	/** The question or flag as shown to the contributor. */
	text: string;
	help?: string;
	/** Likert scales name both ends: value 0 is `poles[0]`, value 1 is `poles[1]`. */
	poles?: readonly [string, string];
}

export const labelDescriptions: Readonly<Record<LabelName, LabelDescription>> = {
	spam: { widget: 'yes_no', text: 'Seems to be intentionally low-quality or irrelevant' },
	fails_task: { widget: 'yes_no', text: 'Fails to follow the correct instruction / task' },
	lang_mismatch: {
		widget: 'flag',
		text: 'Wrong language',
		help: 'The message is written in a language other than the selected one.'
	},
	pii: { widget: 'flag', text: 'Contains personal identifiable information (PII)' },
	not_appropriate: { widget: 'flag', text: 'Inappropriate' },
	hate_speech: {
		widget: 'flag',
		text: 'Abusive or threatening, expresses prejudice against a protected characteristic',
		help: 'Protected characteristics include gender, ethnicity, religion, sexual orientation and the like.'
	},
	sexual_content: { widget: 'flag', text: 'Contains sexual content' },
	moral_judgement: { widget: 'flag', text: 'Expresses moral judgement' },
	political_content: { widget: 'flag', text: 'Expresses political views' },
	quality: { widget: 'likert', text: 'Quality', poles: ['Low quality', 'High quality'] },
	toxicity: { widget: 'likert', text: 'Toxicity', poles: ['Polite', 'Rude'] },
	humor: { widget: 'likert', text: 'Humor', poles: ['Serious', 'Funny'] },
	helpfulness: { widget: 'likert', text: 'Helpfulness', poles: ['Unhelpful', 'Helpful'] },
	creativity: { widget: 'likert', text: 'Creativity', poles: ['Ordinary', 'Creative'] },
	violence: { widget: 'likert', text: 'Violence', poles: ['Harmless', 'Violent'] }
};

export const likertSteps = [0, 0.25, 0.5, 0.75, 1] as const;

/** The three kinds of message a label task can be about. */
export const labelTargets = ['initial_prompt', 'prompter_reply', 'assistant_reply'] as const;
export const labelTargetSchema = z.enum(labelTargets);
export type LabelTarget = z.infer<typeof labelTargetSchema>;

/** `simple` asks only what review acceptance needs (plus quality for replies), as OA did. */
export const labelForms = ['full', 'simple'] as const;
export const labelFormSchema = z.enum(labelForms);
export type LabelForm = z.infer<typeof labelFormSchema>;

/** Only assistant replies answer a task, so the two labels that judge an answer are theirs alone. */
const promptLabels: readonly LabelName[] = labelNames.filter(
	(name) => name !== 'fails_task' && name !== 'helpfulness'
);

const allowed: Readonly<Record<LabelTarget, Readonly<Record<LabelForm, readonly LabelName[]>>>> = {
	initial_prompt: { full: promptLabels, simple: ['spam', 'lang_mismatch'] },
	prompter_reply: { full: promptLabels, simple: ['spam', 'lang_mismatch', 'quality'] },
	assistant_reply: {
		full: labelNames,
		simple: ['spam', 'lang_mismatch', 'quality']
	}
};

/** Labels a task of this target and form shows, in display order. */
export function allowedLabels(target: LabelTarget, form: LabelForm): readonly LabelName[] {
	return allowed[target][form];
}

/** Review acceptance is computed from spam, so every label submission must answer it. */
export const mandatoryLabels: readonly LabelName[] = ['spam'];

/** A submitted label set: label name → value in [0, 1]. */
export const labelValuesSchema = z.partialRecord(labelNameSchema, z.number().min(0).max(1));
export type LabelValues = z.infer<typeof labelValuesSchema>;

const targetNames: Readonly<Record<LabelTarget, string>> = {
	initial_prompt: 'initial prompts',
	prompter_reply: 'prompter replies',
	assistant_reply: 'assistant replies'
};

function widgetAllows(widget: LabelWidget, value: number): boolean {
	if (widget === 'likert') return (likertSteps as readonly number[]).includes(value);
	return value === 0 || value === 1;
}

/**
 * Problems with a label set for a target and form, each naming the label; empty when valid.
 * Checks membership in the allowed set, the mandatory labels and each widget's values.
 */
export function labelValueProblems(
	target: LabelTarget,
	form: LabelForm,
	labels: LabelValues
): { label: string; message: string }[] {
	const permitted = allowedLabels(target, form);
	const problems: { label: string; message: string }[] = [];
	for (const [name, value] of Object.entries(labels) as [LabelName, number][]) {
		if (!permitted.includes(name)) {
			problems.push({
				label: name,
				message: `is not a label of the ${form} form for ${targetNames[target]}`
			});
		} else if (!widgetAllows(labelDescriptions[name].widget, value)) {
			const expected =
				labelDescriptions[name].widget === 'likert' ? 'one of 0, 0.25, 0.5, 0.75, 1' : '0 or 1';
			problems.push({ label: name, message: `must be ${expected}, got ${value}` });
		}
	}
	for (const name of mandatoryLabels) {
		if (labels[name] === undefined) problems.push({ label: name, message: 'is required' });
	}
	return problems;
}
