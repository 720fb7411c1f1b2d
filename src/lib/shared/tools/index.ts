// Every tool Hearth offers a model, in the order models are shown them: the browser's default
// set and the set the pipeline's seed conversations are rendered with, so a model sees at
// inference the tool list it was trained with.
import { calculator } from './calculator';
import { addDaysTool, daysBetween, weekday } from './dates';
import { searchDocumentsDeclaration } from './document-search';
import { encyclopediaDeclaration } from './encyclopedia';
import type { ToolDeclaration } from './tool';

export const toolDeclarations: readonly ToolDeclaration[] = [
	calculator,
	daysBetween,
	weekday,
	addDaysTool,
	searchDocumentsDeclaration as ToolDeclaration,
	encyclopediaDeclaration as ToolDeclaration
];
