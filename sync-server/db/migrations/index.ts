// Every migration, by name. Kysely applies them in name order, so names start with a
// four-digit number; a new migration is a new file plus one line here (a test checks that
// every file in this folder is listed).
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_message_trees';
import * as m0003 from './0003_tree_sampling_index';
import * as m0004 from './0004_demo_data';
import * as m0005 from './0005_trainer_tokens';
import * as m0006 from './0006_ranking_priorities';
import * as m0007 from './0007_donations_and_erasure';
import * as m0008 from './0008_tool_steps';

export const migrations: Record<string, Migration> = {
	'0001_initial': m0001,
	'0002_message_trees': m0002,
	'0003_tree_sampling_index': m0003,
	'0004_demo_data': m0004,
	'0005_trainer_tokens': m0005,
	'0006_ranking_priorities': m0006,
	'0007_donations_and_erasure': m0007,
	'0008_tool_steps': m0008
};
