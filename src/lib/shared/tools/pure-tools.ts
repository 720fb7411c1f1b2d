// The tools that answer from their arguments alone, the same on every device and in every run:
// the calculator and the date tools. The browser offers them, a contributor may run them while
// writing a reply, and the seed stage runs them again to check the results it recorded.
import { calculator } from './calculator';
import { addDaysTool, daysBetween, weekday } from './dates';
import type { Tool } from './tool';

export const pureTools: readonly Tool[] = [calculator, daysBetween, weekday, addDaysTool];
