// Ranking-sets stage (active learning): the sibling sets a Hearth server holds in trees waiting
// for rankings, read through its export API with the trainer token in HEARTH_TRAINER_TOKEN and
// tokenized with the new version's tokenizer, to training/out/<config>/prioritise/sets.jsonl.
//   npx tsx training/prioritise/sets-cli.ts --config <c> --server <url>
import { parseJsonObject } from '../../src/lib/shared/json-object';
import { readFlags, runCli } from '../cli-args';
import { loadConfig, outDir } from '../configs/config';
import { loadChatFormat } from '../datasets/load-chat-format';
import { parseTrees } from '../datasets/read-trees';
import { readFileNamed, writeJsonLinesAtomic } from '../files';
import { callServer, trainerServer } from '../hearth-server';
import { rankingSets, SETS_FILE } from './sets';

const USAGE = 'npx tsx training/prioritise/sets-cli.ts --config <config.json> --server <url>';

runCli(async () => {
	const flags = readFlags(
		{ config: { type: 'string', required: true }, server: { type: 'string', required: true } },
		USAGE
	);
	const config = loadConfig(flags.config);
	const server = trainerServer(flags.server, '--server');
	const dataManifest = outDir(config, 'data', 'manifest.json');
	const maxLength = parseJsonObject(readFileNamed(dataManifest).toString('utf8'), dataManifest)
		.max_length as number;
	// Ids as the server knows them: the export must not be anonymised.
	const path = '/api/export?format=trees&state=ranking';
	const response = await callServer(server, 'GET', path, { expect: [200] });
	const trees = parseTrees(await response.text(), new URL(path, server.url).href);
	const { sets, tooLong } = rankingSets(trees, loadChatFormat(outDir(config, 'model')), maxLength);
	const out = outDir(config, 'prioritise', SETS_FILE);
	writeJsonLinesAtomic(out, sets);
	console.log(
		`ranking-sets: ${sets.length} sibling sets waiting for rankings in ${trees.length} trees` +
			(tooLong ? ` (${tooLong} too long for the model's context, left out)` : '') +
			` → ${out}`
	);
});
