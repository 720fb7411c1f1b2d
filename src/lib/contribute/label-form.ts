// The label form of a label task: which questions it asks, in which widget, and the values it
// submits. The labels, their wording and their poles come from the protocol
// (`labelDescriptions`), so the app and the server's checks never disagree. Pure.
import {
	labelDescriptions,
	labelValueProblems,
	type LabelDescription,
	type LabelName,
	type LabelValues
} from '$lib/protocol/labels';
import { labelTargetOfTaskType, type LabelTask } from '$lib/protocol/tasks';

export interface LabelField extends LabelDescription {
	name: LabelName;
	required: boolean;
}

/** The task's labels in display order: yes/no questions, then flags, then the scales. */
export function labelFields(
	task: Pick<LabelTask, 'validLabels' | 'mandatoryLabels'>
): LabelField[] {
	const order = { yes_no: 0, flag: 1, likert: 2 } as const;
	return task.validLabels
		.map((name) => ({
			name,
			...labelDescriptions[name],
			required: task.mandatoryLabels.includes(name)
		}))
		.sort((a, b) => order[a.widget] - order[b.widget]);
}

/**
 * What the form submits: a flag left unticked is a definite "no" (0); a yes/no question or a
 * scale left unanswered is left out (the server counts only answers).
 */
export function submittedLabels(task: LabelTask, values: LabelValues): LabelValues {
	const out: LabelValues = {};
	for (const field of labelFields(task)) {
		const value = values[field.name];
		if (value !== undefined) out[field.name] = value;
		else if (field.widget === 'flag') out[field.name] = 0;
	}
	return out;
}

/** Problems a contributor must fix before review, each naming the question. */
export function labelFormProblems(task: LabelTask, values: LabelValues): string[] {
	const labels = submittedLabels(task, values);
	return labelValueProblems(labelTargetOfTaskType[task.type], task.form, labels).map((p) => {
		const text = labelDescriptions[p.label as LabelName]?.text ?? p.label;
		return p.message === 'is required' ? `Answer “${text}”.` : `“${text}” ${p.message}.`;
	});
}
