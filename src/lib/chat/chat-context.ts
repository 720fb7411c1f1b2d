import { createContext } from 'svelte';
import type { ChatSession } from './chat-session.svelte';

/** The Chat page's session, set by the page for the components below it. */
export const [getChatSession, setChatSession] = createContext<ChatSession>();
