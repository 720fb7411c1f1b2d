// What the model is told of the encyclopedia lookup; the browser runs it against Wikipedia.
import { z } from 'zod';
import type { ToolDeclaration } from './tool';

export const encyclopediaDeclaration: ToolDeclaration<{ query: string }> = {
	name: 'encyclopedia',
	description:
		"Looks a subject up in Wikipedia and returns the start of its article (needs the network and the user's permission).",
	arguments: z.object({
		query: z
			.string()
			.trim()
			.min(1, 'the query is empty')
			.max(200, 'the query is over 200 characters')
	}),
	network: true
};
