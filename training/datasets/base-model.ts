// A run that starts from a Hugging Face base model (`npm run pipeline -- --from <dir>`) learns in
// that model's own tokens: its tokenizer, chat template and shape come from the directory, and the
// config's `tokenizer` and `model` are not used. A config written for another model would
// otherwise tokenize the data with the wrong vocabulary, and nothing downstream could tell (the
// ids still fit a larger embedding). The fields the base overrides are listed, never dropped
// silently.
import { join, resolve } from 'node:path';
import { parseDecoderConfig, type DecoderConfig } from '../build/checkpoint';
import type { PipelineConfig } from '../configs/config';
import { readJsonFile } from './load-chat-format';

export interface BaseModel {
	dir: string;
	config: DecoderConfig;
	/** `field config → base` for each config value the base's own replaces. */
	overridden: string[];
}

const SHAPE_FIELDS: Record<keyof PipelineConfig['model'], keyof DecoderConfig> = {
	hidden_size: 'hiddenSize',
	intermediate_size: 'intermediateSize',
	num_hidden_layers: 'numLayers',
	num_attention_heads: 'numHeads',
	num_key_value_heads: 'numKvHeads',
	max_position_embeddings: 'maxPositions',
	rope_theta: 'ropeTheta',
	rms_norm_eps: 'rmsNormEps',
	tie_word_embeddings: 'tieWordEmbeddings'
};

export function readBaseModel(dir: string, config: PipelineConfig): BaseModel {
	const path = join(dir, 'config.json');
	const fields = readJsonFile(path) as Record<string, unknown>;
	const base = parseDecoderConfig(fields, path);
	const overridden: string[] = [];
	for (const [field, key] of Object.entries(SHAPE_FIELDS)) {
		const ours = config.model[field as keyof PipelineConfig['model']];
		if (ours !== base[key]) overridden.push(`${field} ${ours} → ${base[key]}`);
	}
	if (resolve(config.tokenizer) !== resolve(dir))
		overridden.push(`tokenizer ${config.tokenizer} → ${dir}`);
	return { dir, config: base, overridden };
}
