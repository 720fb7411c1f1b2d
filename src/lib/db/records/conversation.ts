import type { GenerationParamsInput } from '$lib/protocol/inference';

/** This conversation's own tool choices (src/lib/tools/tool-settings.ts reads them). */
export interface ConversationTools {
	/** No tools in this conversation. */
	off?: boolean;
	/** The user's answer when a network tool first ran here. */
	network?: 'allowed' | 'refused';
}

/** The conversation was shared to improve Hearth ("Share to improve Hearth"), and maybe taken back. */
export interface ConversationDonation {
	/** Chosen by this device; the server knows the shared tree by it. */
	id: string;
	sharedAt: number;
	withdrawnAt?: number;
}

/** A chat conversation as stored on the device. Its messages live in their own table. */
export interface StoredConversation {
	id: string;
	title: string;
	createdAt: number;
	/** Last change to the conversation or any of its messages; the list is ordered by it. */
	updatedAt: number;
	/** The leaf of the branch the user sees; null until the first message. */
	currentLeafId: string | null;
	systemPrompt?: string;
	/** This conversation's sampling settings; absent fields take the engine's defaults. */
	sampling?: Omit<GenerationParamsInput, 'stop' | 'tools'>;
	/** Tools switched off here, and whether network tools may run here (asked once). */
	tools?: ConversationTools;
	/** Set once the conversation was shared; a withdrawn one may be shared again. */
	donation?: ConversationDonation;
}
