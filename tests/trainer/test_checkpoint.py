import json
import struct
import tempfile
import unittest
from pathlib import Path

import torch

from training.trainer.checkpoint import (
    load_causal_lm,
    load_reward_model,
    read_safetensors,
    safetensors_bytes,
    save_checkpoint,
)
from training.trainer.model import CausalLM, RewardModel

from .fixtures import VOCAB_SIZE, tiny_config


def hugging_face_names(state: dict[str, torch.Tensor], layers: int) -> dict[str, torch.Tensor]:
    """The same tensors under the names transformers' LlamaForCausalLM / Qwen2ForCausalLM use,
    spelled out here independently of the trainer's own mapping table."""
    renamed = {"model.embed_tokens.weight": state["tok_emb.weight"], "model.norm.weight": state["norm.weight"]}
    for i in range(layers):
        ours, theirs = f"layers.{i}.", f"model.layers.{i}."
        renamed[theirs + "input_layernorm.weight"] = state[ours + "attn_norm.weight"]
        renamed[theirs + "post_attention_layernorm.weight"] = state[ours + "mlp_norm.weight"]
        for projection in "qkvo":
            for kind in ("weight", "bias"):
                if f"{ours}attn.{projection}.{kind}" in state:
                    renamed[f"{theirs}self_attn.{projection}_proj.{kind}"] = state[f"{ours}attn.{projection}.{kind}"]
        for projection in ("gate", "up", "down"):
            renamed[f"{theirs}mlp.{projection}_proj.weight"] = state[f"{ours}mlp.{projection}.weight"]
    if "lm_head.weight" in state:
        renamed["lm_head.weight"] = state["lm_head.weight"]
    return renamed


class CheckpointTest(unittest.TestCase):
    def setUp(self):
        self.directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.ids = torch.randint(0, VOCAB_SIZE, (2, 9), generator=torch.Generator().manual_seed(3))

    def write(self, name: str, tensors: dict, config: dict) -> Path:
        directory = self.directory / name
        directory.mkdir()
        (directory / "model.safetensors").write_bytes(safetensors_bytes(tensors))
        (directory / "config.json").write_text(json.dumps(config))
        return directory

    def test_safetensors_layout_and_round_trip(self):
        tensors = {
            "b.weight": torch.randn(3, 5),
            "a.half": torch.randn(4).half(),
            "a.brain": torch.randn(2, 2).bfloat16(),
            "flags": torch.tensor([True, False]),
            "steps": torch.tensor([1, 2, 3], dtype=torch.int64),
        }
        data = safetensors_bytes(tensors)
        (header_size,) = struct.unpack("<Q", data[:8])
        self.assertEqual((8 + header_size) % 8, 0)
        header = json.loads(data[8 : 8 + header_size])
        # Widest dtypes first, then by name: every tensor starts at a multiple of its element size.
        self.assertEqual(header["steps"], {"dtype": "I64", "shape": [3], "data_offsets": [0, 24]})
        self.assertEqual(header["b.weight"], {"dtype": "F32", "shape": [3, 5], "data_offsets": [24, 84]})
        self.assertEqual(header["a.brain"], {"dtype": "BF16", "shape": [2, 2], "data_offsets": [84, 92]})
        self.assertEqual(header["flags"]["data_offsets"], [100, 102])
        self.assertEqual(header["__metadata__"], {"format": "pt"})
        raw = data[8 + header_size + 24 : 8 + header_size + 84]
        self.assertEqual(raw, struct.pack("<15f", *tensors["b.weight"].flatten().tolist()))

        path = self.directory / "t.safetensors"
        path.write_bytes(data)
        loaded = read_safetensors(path)
        self.assertEqual(sorted(loaded), sorted(tensors))
        for name, tensor in tensors.items():
            self.assertEqual(loaded[name].dtype, tensor.dtype)
            self.assertTrue(torch.equal(loaded[name], tensor), name)

    def test_hugging_face_llama_checkpoint_gives_our_logits(self):
        config = tiny_config(tie_word_embeddings=False)
        torch.manual_seed(0)
        ours = CausalLM(config).eval()
        hf_config = {
            **config.to_hf(),
            "pretraining_tp": 1,
            "rope_scaling": None,
            "mlp_bias": False,
            "initializer_range": 0.02,
            "transformers_version": "4.46.0",
        }
        del hf_config["head_dim"]  # older Llama configs derive it
        tensors = hugging_face_names(ours.state_dict(), config.num_hidden_layers)
        tensors["model.layers.0.self_attn.rotary_emb.inv_freq"] = torch.ones(4)  # stored by old exports
        loaded = load_causal_lm(self.write("llama", tensors, hf_config)).eval()
        torch.testing.assert_close(loaded(self.ids)[0], ours(self.ids)[0], rtol=0, atol=0)

    def test_hugging_face_qwen2_checkpoint_with_biases_gives_our_logits(self):
        config = tiny_config(model_type="qwen2")
        torch.manual_seed(0)
        ours = CausalLM(config).eval()
        with torch.no_grad():
            for name, param in ours.named_parameters():
                if name.endswith(".bias"):
                    param.normal_(std=0.5)
        hf_config = {
            **config.to_hf(),
            "sliding_window": 4096,
            "max_window_layers": 21,
            "use_sliding_window": False,
            "attention_dropout": 0.0,
        }
        self.assertEqual(hf_config["architectures"], ["Qwen2ForCausalLM"])
        tensors = hugging_face_names(ours.state_dict(), config.num_hidden_layers)
        self.assertIn("model.layers.1.self_attn.k_proj.bias", tensors)
        loaded = load_causal_lm(self.write("qwen2", tensors, hf_config)).eval()
        torch.testing.assert_close(loaded(self.ids)[0], ours(self.ids)[0], rtol=0, atol=0)

        without_biases = {name: tensor for name, tensor in tensors.items() if not name.endswith(".bias")}
        llama = load_causal_lm(self.write("llama-named", without_biases, {**hf_config, "model_type": "llama"}))
        self.assertFalse(torch.allclose(llama(self.ids)[0], ours(self.ids)[0]))

    def test_our_checkpoint_round_trips_exactly(self):
        torch.manual_seed(0)
        model = RewardModel(tiny_config())
        save_checkpoint(self.directory / "rm", model)
        self.assertEqual(
            sorted(p.name for p in (self.directory / "rm").iterdir()), ["config.json", "model.safetensors"]
        )
        config = json.loads((self.directory / "rm" / "config.json").read_text())
        self.assertEqual(config["architectures"], ["LlamaForSequenceClassification"])
        loaded = load_reward_model(self.directory / "rm")
        mask = torch.ones_like(self.ids)
        self.assertTrue(torch.equal(loaded(self.ids, mask), model(self.ids, mask)))

    def test_missing_tensor_is_named_with_its_shape(self):
        torch.manual_seed(0)
        state = CausalLM(tiny_config()).state_dict()
        tensors = hugging_face_names(state, 2)
        del tensors["model.layers.1.mlp.up_proj.weight"]
        directory = self.write("missing", tensors, tiny_config().to_hf())
        message = (
            r"missing/model\.safetensors: missing tensor layers\.1\.mlp\.up\.weight "
            r"\(model\.layers\.1\.mlp\.up_proj\.weight\), expected shape \[64, 32\]"
        )
        with self.assertRaisesRegex(ValueError, message):
            load_causal_lm(directory)

    def test_mis_shaped_tensor_is_named_with_both_shapes(self):
        torch.manual_seed(0)
        state = dict(CausalLM(tiny_config()).state_dict())
        state["layers.0.attn.k.weight"] = torch.zeros(32, 32)
        directory = self.write("misshaped", state, tiny_config().to_hf())
        message = (
            r"misshaped/model\.safetensors: tensor layers\.0\.attn\.k\.weight "
            r"\(model\.layers\.0\.self_attn\.k_proj\.weight\) has shape \[32, 32\], expected \[16, 32\]"
        )
        with self.assertRaisesRegex(ValueError, message):
            load_causal_lm(directory)

    def test_unknown_and_unexpected_tensors_are_named(self):
        torch.manual_seed(0)
        state = dict(CausalLM(tiny_config()).state_dict())
        directory = self.write("unknown", {**state, "model.vision_tower.weight": torch.zeros(1)}, tiny_config().to_hf())
        with self.assertRaisesRegex(
            ValueError, r"unknown/model\.safetensors: unexpected tensor model\.vision_tower\.weight"
        ):
            load_causal_lm(directory)
        directory = self.write("tied", {**state, "lm_head.weight": state["tok_emb.weight"]}, tiny_config().to_hf())
        with self.assertRaisesRegex(ValueError, r"tied/model\.safetensors: unexpected tensor lm_head\.weight"):
            load_causal_lm(directory)

    def test_truncated_file_is_reported(self):
        path = self.directory / "cut.safetensors"
        path.write_bytes(safetensors_bytes({"w": torch.zeros(10)})[:-8])
        with self.assertRaisesRegex(ValueError, r"cut\.safetensors: tensor w: bytes 0\.\.40 do not hold F32 \[10\]"):
            read_safetensors(path)


if __name__ == "__main__":
    unittest.main()
