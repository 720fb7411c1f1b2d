/** 24×24 stroke drawings for the navigation, one per section. */
export const navIconPaths = {
	chat: 'M4 5h16v11H10l-5 4v-4H4z',
	contribute: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
	leaderboard: 'M5 20v-7M12 20V5M19 20v-10M3 20h18',
	models: 'M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5',
	settings: 'M4 7h9M17 7h3M4 17h3M11 17h9M15 5v4M9 15v4'
} as const;

export type NavIconName = keyof typeof navIconPaths;
