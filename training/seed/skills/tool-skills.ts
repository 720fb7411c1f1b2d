// The skills whose replies call a tool before they answer. They are listed apart from the direct
// skills (index.ts) because their tools take seconds to load (mathjs above all), which the
// server's demo trees, made from the direct skills, need not pay.
import type { Skill } from '../skill';
import { calculator } from './calculator';
import { calendar } from './calendar';
import { noteLookup } from './note-lookup';

export const toolSkills: readonly Skill[] = [calculator, calendar, noteLookup];
