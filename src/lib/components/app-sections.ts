import type { Pathname } from '$app/types';
import type { NavIconName } from './nav-icon-paths';

export interface NavSection {
	href: Pathname;
	label: string;
	icon: NavIconName;
}

/** The app's top-level sections, in the order the navigation shows them. */
export const sections: readonly NavSection[] = [
	{ href: '/', label: 'Chat', icon: 'chat' },
	{ href: '/documents', label: 'Documents', icon: 'documents' },
	{ href: '/contribute', label: 'Contribute', icon: 'contribute' },
	{ href: '/leaderboard', label: 'Leaderboard', icon: 'leaderboard' },
	{ href: '/models', label: 'Models', icon: 'models' },
	{ href: '/settings', label: 'Settings', icon: 'settings' }
];

/** Whether `pathname` lies in the section at `href` (its own page or a page below it). */
export function isInSection(pathname: string, href: string): boolean {
	if (href === '/') return pathname === '/';
	return pathname === href || pathname.startsWith(`${href}/`);
}
