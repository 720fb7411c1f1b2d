// Our model record as web-llm's `appConfig`: one model, absolute URLs (web-llm ≥ 0.2.80 resolves
// weights against `model` and reads `tensor-cache.json` there), cached in the Cache API.
import type { AppConfig } from '@mlc-ai/web-llm';
import type { WebllmModelRecord } from '$lib/protocol/model-record';

export function webllmAppConfig(record: WebllmModelRecord): AppConfig {
	return {
		model_list: [
			{
				model: record.source,
				model_id: record.id,
				model_lib: record.model_lib,
				vram_required_MB: record.vram_required_MB,
				low_resource_required: record.low_resource,
				required_features: record.required_features,
				buffer_size_required_bytes: record.buffer_size_required_bytes,
				overrides: { context_window_size: record.context_window }
			}
		],
		cacheBackend: 'cache'
	};
}
