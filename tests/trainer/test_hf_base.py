"""A Hugging Face Llama checkpoint as SmolLM2 ships one (config.json with transformers' extra
fields, bfloat16 safetensors under Hugging Face names, an untied head) loads into the trainer
with the logits of a plain, independent implementation of the Llama forward pass, and sft
starts from it with the base's own shape and tokenizer.

`transformers` and the `safetensors` package are not installed here (Debian packages neither),
so the reference below is written out from the Llama definition, and the file is written by
the trainer's own safetensors writer, whose format test_checkpoint.py checks byte by byte.
"""

import contextlib
import io
import json
import math
import tempfile
import unittest
from pathlib import Path

import torch
import torch.nn.functional as F

from training.trainer.checkpoint import load_causal_lm, read_config, safetensors_bytes
from training.trainer.evaluate import before_sft
from training.trainer.train import main

from .fixtures import TINY_MODEL, write_data, write_run_config, write_tokenizer

BASE_CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 257,
    "eos_token_id": 258,
    "hidden_act": "silu",
    "hidden_size": 48,
    "initializer_range": 0.02,
    "intermediate_size": 96,
    "is_llama_config": True,
    "max_position_embeddings": 128,
    "mlp_bias": False,
    "model_type": "llama",
    "num_attention_heads": 6,
    "num_hidden_layers": 2,
    "num_key_value_heads": 2,
    "pretraining_tp": 1,
    "rms_norm_eps": 1e-5,
    "rope_interleaved": False,
    "rope_scaling": None,
    "rope_theta": 100000.0,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.42.3",
    "use_cache": True,
    "vocab_size": 320,
}


def hf_tensors(config: dict, seed: int = 0) -> dict[str, torch.Tensor]:
    """Random weights under Hugging Face names, in bfloat16 as SmolLM2 and Qwen2.5 ship them."""
    generator = torch.Generator().manual_seed(seed)
    d, f, v = config["hidden_size"], config["intermediate_size"], config["vocab_size"]
    hd = d // config["num_attention_heads"]
    kv = config["num_key_value_heads"] * hd

    def normal(*shape: int, std: float = 0.1, mean: float = 0.0) -> torch.Tensor:
        return (mean + std * torch.randn(*shape, generator=generator)).to(torch.bfloat16)

    tensors = {"model.embed_tokens.weight": normal(v, d, std=1.0), "model.norm.weight": normal(d, mean=1.0)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        tensors |= {
            p + "input_layernorm.weight": normal(d, mean=1.0),
            # Large enough that attention is far from uniform, so positions and masking matter.
            p + "self_attn.q_proj.weight": normal(d, d, std=0.4),
            p + "self_attn.k_proj.weight": normal(kv, d, std=0.4),
            p + "self_attn.v_proj.weight": normal(kv, d),
            p + "self_attn.o_proj.weight": normal(d, d),
            p + "post_attention_layernorm.weight": normal(d, mean=1.0),
            p + "mlp.gate_proj.weight": normal(f, d),
            p + "mlp.up_proj.weight": normal(f, d),
            p + "mlp.down_proj.weight": normal(d, f),
            # What checkpoints from older transformers versions carry; recomputed, not loaded.
            p + "self_attn.rotary_emb.inv_freq": torch.ones(hd // 2),
        }
    if not config["tie_word_embeddings"]:
        tensors["lm_head.weight"] = normal(v, d)
    return tensors


def write_hf_base(directory: Path, config: dict = BASE_CONFIG, seed: int = 0) -> dict[str, torch.Tensor]:
    directory.mkdir(parents=True, exist_ok=True)
    tensors = hf_tensors(config, seed)
    (directory / "config.json").write_text(json.dumps(config, indent=2))
    (directory / "model.safetensors").write_bytes(safetensors_bytes(tensors))
    (directory / "generation_config.json").write_text(json.dumps({"bos_token_id": 257, "eos_token_id": 258}))
    return tensors


def reference_logits(tensors: dict[str, torch.Tensor], config: dict, ids: torch.Tensor, interleaved=False):
    """The Llama forward pass in float64, straight from the Hugging Face tensors."""
    w = {name: tensor.double() for name, tensor in tensors.items()}
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    d = config["hidden_size"]
    hd = d // heads
    eps = config["rms_norm_eps"]
    S = ids.shape[1]

    def rms_norm(x, weight):
        return weight * x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps)

    inv_freq = 1.0 / config["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    angles = torch.arange(S, dtype=torch.float64)[:, None] * inv_freq  # [S, hd/2]

    def rope(x):  # [B, h, S, hd]
        cos, sin = angles.cos(), angles.sin()
        if interleaved:  # the GPT-J layout, which Llama does not use: a control for the test
            even, odd = x[..., 0::2], x[..., 1::2]
            return torch.stack((even * cos - odd * sin, even * sin + odd * cos), -1).flatten(-2)
        first, second = x[..., : hd // 2], x[..., hd // 2 :]
        return torch.cat((first * cos - second * sin, second * cos + first * sin), -1)

    x = w["model.embed_tokens.weight"][ids]  # [B, S, d]
    causal = torch.ones(S, S, dtype=torch.bool).tril()
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"])
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(*ids.shape, heads, hd).transpose(1, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(*ids.shape, kv_heads, hd).transpose(1, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(*ids.shape, kv_heads, hd).transpose(1, 2)
        q, k = rope(q), rope(k)
        # Grouped-query attention: query head j reads key/value head j // (heads / kv_heads).
        k = k.repeat_interleave(heads // kv_heads, dim=1)
        v = v.repeat_interleave(heads // kv_heads, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        attention = scores.masked_fill(~causal, float("-inf")).softmax(-1) @ v
        x = x + attention.transpose(1, 2).reshape(*ids.shape, d) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"])
        gate, up = h @ w[p + "mlp.gate_proj.weight"].T, h @ w[p + "mlp.up_proj.weight"].T
        x = x + (F.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return rms_norm(x, w["model.norm.weight"]) @ head.T


class HuggingFaceBaseTest(unittest.TestCase):
    def setUp(self):
        self.directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.ids = torch.randint(0, BASE_CONFIG["vocab_size"], (2, 24), generator=torch.Generator().manual_seed(1))

    def assert_same_logits(self, config: dict):
        base = self.directory / "base"
        tensors = write_hf_base(base, config)
        model = load_causal_lm(base).eval()
        with torch.no_grad():
            ours, _ = model(self.ids)
        expected = reference_logits(tensors, config, self.ids)
        torch.testing.assert_close(ours.double(), expected, atol=2e-4, rtol=1e-4)
        # The comparison can tell a near miss: the same weights with the other rotary layout.
        wrong = reference_logits(tensors, config, self.ids, interleaved=True)
        self.assertGreater(float((wrong - expected).abs().max()), 0.05)

    def test_loads_with_the_logits_of_the_llama_definition(self):
        self.assert_same_logits(BASE_CONFIG)

    def test_tied_head_as_smollm2(self):
        self.assert_same_logits({**BASE_CONFIG, "tie_word_embeddings": True})

    def test_sft_starts_from_the_base_with_its_shape_and_tokenizer(self):
        base = self.directory / "base"
        write_hf_base(base)
        write_tokenizer(base)
        data = write_data(self.directory / "data", base)
        run = write_run_config(self.directory / "run.json", steps=5)
        self.assertNotEqual(TINY_MODEL["hidden_size"], BASE_CONFIG["hidden_size"])
        out = self.directory / "sft"
        with contextlib.redirect_stdout(io.StringIO()):
            main(["--config", str(run), "--stage", "sft", "--data", str(data), "--out", str(out), "--init", str(base)])
        trained = read_config(out)
        self.assertEqual(trained.to_hf(), read_config(base).to_hf())  # the base's shape, not the run's

    def test_refuses_a_tokenizer_larger_than_the_base_vocabulary(self):
        base = self.directory / "base"
        write_hf_base(base, {**BASE_CONFIG, "vocab_size": 200})
        data = write_data(self.directory / "data", write_tokenizer(base))
        run = write_run_config(self.directory / "run.json", steps=5)
        args = ["--config", str(run), "--stage", "sft", "--data", str(data), "--out", str(self.directory / "sft")]
        with self.assertRaisesRegex(ValueError, r"has 259 tokens but .*config\.json has vocab_size 200"):
            main([*args, "--init", str(base)])

    def test_evaluation_compares_with_the_base_not_a_fresh_model(self):
        base = self.directory / "base"
        write_hf_base(base)
        data = self.directory / "data"
        data.mkdir()
        config = read_config(base)
        fresh = before_sft(data, config, seed=1)  # no manifest: the seeded fresh model
        (data / "manifest.json").write_text(json.dumps({"base_model": str(base)}))
        started = before_sft(data, config, seed=1)
        expected = load_causal_lm(base).state_dict()
        for name, tensor in started.state_dict().items():
            torch.testing.assert_close(tensor, expected[name], rtol=0, atol=0)
        self.assertFalse(torch.equal(fresh.tok_emb.weight, started.tok_emb.weight))

    def test_refuses_data_tokenized_with_another_tokenizer_than_the_base_ships(self):
        base = self.directory / "base"
        write_hf_base(base)
        write_tokenizer(base)
        spec = json.loads((base / "tokenizer.json").read_text())
        (base / "tokenizer.json").write_text(json.dumps(spec, indent=2))  # same tokens, other file
        data = write_data(self.directory / "data", write_tokenizer(self.directory / "tokenizer"))
        run = write_run_config(self.directory / "run.json", steps=5)
        out = self.directory / "sft"
        args = ["--config", str(run), "--stage", "sft", "--data", str(data), "--out", str(out), "--init", str(base)]
        with self.assertRaisesRegex(ValueError, r"base/tokenizer\.json but the data was tokenized with .*--base"):
            main(args)
        self.assertFalse(out.exists())

    def test_refuses_data_tokenized_with_another_tokenizer_than_a_published_parent_had(self):
        # The parent stage's layout: the checkpoint, and the published model folder beside it.
        parent = self.directory / "parent"
        write_hf_base(parent)
        write_tokenizer(parent / "model")
        data = write_data(self.directory / "data", write_tokenizer(self.directory / "tokenizer"))
        run = write_run_config(self.directory / "run.json", steps=5)
        args = ["--config", str(run), "--stage", "sft", "--data", str(data), "--out", str(self.directory / "sft")]
        with contextlib.redirect_stdout(io.StringIO()):
            main([*args, "--init", str(parent)])  # the same tokenizer: trains
        spec = json.loads((parent / "model" / "tokenizer.json").read_text())
        (parent / "model" / "tokenizer.json").write_text(json.dumps(spec, indent=1))
        with self.assertRaisesRegex(ValueError, r"model/tokenizer\.json but the data .*config's tokenizer"):
            main([*args, "--init", str(parent)])


if __name__ == "__main__":
    unittest.main()
