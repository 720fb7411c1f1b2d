// Send-priorities stage (active learning): the uncertainty stage's priorities.jsonl to the server,
// with the trainer token in HEARTH_TRAINER_TOKEN.
//   npx tsx training/prioritise/send-cli.ts --config <c> --server <url>
import { readFlags, runCli } from '../cli-args';
import { loadConfig, outDir } from '../configs/config';
import { rankingPrioritySchema } from '../../src/lib/protocol/ranking-priorities';
import { readJsonl } from '../build/evaluation-data';
import { trainerServer } from '../hearth-server';
import { PRIORITIES_FILE, sendPriorities } from './send-priorities';

const USAGE = 'npx tsx training/prioritise/send-cli.ts --config <config.json> --server <url>';

runCli(async () => {
	const flags = readFlags(
		{ config: { type: 'string', required: true }, server: { type: 'string', required: true } },
		USAGE
	);
	const config = loadConfig(flags.config);
	const path = outDir(config, 'prioritise', PRIORITIES_FILE);
	const lines = await readJsonl(path, rankingPrioritySchema);
	const result = await sendPriorities(trainerServer(flags.server, '--server'), lines, path);
	const refused = result.rejected.map((r) => `${r.parentId} ${r.code}`);
	console.log(
		`send-priorities: the server holds ${result.stored} priorities` +
			(refused.length ? `; refused ${refused.length}: ${refused.slice(0, 5).join(', ')}` : '')
	);
});
