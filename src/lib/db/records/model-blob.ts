/**
 * Index of one verified, content-addressed model file held in Cache Storage: it lets the
 * model manager resume a download at the first missing blob and report what is stored.
 */
export interface StoredModelBlob {
	sha256: string;
	model: string;
	/** Path inside the model layout, e.g. `onnx/model.onnx_data_3`. */
	path: string;
	size: number;
	storedAt: number;
}
