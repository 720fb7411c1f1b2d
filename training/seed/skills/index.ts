import type { Skill } from '../skill';
import { addition } from './addition';
import { backwards } from './backwards';
import { capitalCities } from './capitals';
import { comparison } from './comparison';
import { daysBetween } from './days-between';
import { evenOdd } from './even-odd';
import { letterCount } from './letter-count';
import { multiplication } from './multiplication';
import { nextNumber } from './next-number';
import { repeat } from './repeat';
import { smallTalk } from './small-talk';
import { subtraction } from './subtraction';
import { unitConversion } from './unit-conversion';
import { weekday } from './weekday';

export const skills: readonly Skill[] = [
	smallTalk,
	addition,
	subtraction,
	multiplication,
	unitConversion,
	comparison,
	letterCount,
	backwards,
	weekday,
	daysBetween,
	capitalCities,
	evenOdd,
	nextNumber,
	repeat
];
