/**
 * 24×24 stroke drawings: one per section for the navigation, and the few actions that show an
 * icon rather than a word. Drawn, not emoji: a device without an emoji font shows empty boxes.
 */
const pencil = 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4';

export const navIconPaths = {
	chat: 'M4 5h16v11H10l-5 4v-4H4z',
	documents: 'M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 16h6',
	contribute: pencil,
	leaderboard: 'M5 20v-7M12 20V5M19 20v-10M3 20h18',
	models: 'M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5',
	settings: 'M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4',
	'thumbs-up':
		'M3 11h4v9H3zM7 11l4-7c1.5 0 2.5 1 2 3l-1 3h6a2 2 0 0 1 2 2.3l-1.2 6a2 2 0 0 1-2 1.7H7',
	'thumbs-down':
		'M3 13h4V4H3zM7 13l4 7c1.5 0 2.5-1 2-3l-1-3h6a2 2 0 0 0 2-2.3l-1.2-6a2 2 0 0 0-2-1.7H7',
	delete: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6',
	rename: pencil,
	copy: 'M9 9h10v10H9zM5 15V5h10'
} as const;

export type NavIconName = keyof typeof navIconPaths;
