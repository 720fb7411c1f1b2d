"""PyTorch reference for the ONNX build's parity checks (tests/pipeline/parity.test.ts), through
the trainer's own model code.

Run from the repository root with a JSON request on stdin; the answer is JSON on stdout.

  python3 -m tests.pipeline.torch_reference init
      {"out": dir, "seed": int, "config": {Hugging Face config fields}}
      → writes a randomly initialised checkpoint (config.json + model.safetensors) to `out`
  python3 -m tests.pipeline.torch_reference logits
      {"checkpoint": dir, "input_ids": [[int]], "attention_mask": [[0|1]] (optional)}
      → {"logits": [B][T][V]} in float32 values
"""

from __future__ import annotations

import json
import sys

import torch

from training.trainer.checkpoint import load_causal_lm, save_checkpoint
from training.trainer.hf_config import ModelConfig
from training.trainer.model import CausalLM


def init(request: dict) -> dict:
    torch.manual_seed(request["seed"])
    model = CausalLM(ModelConfig.from_hf(request["config"], "request.config"))
    save_checkpoint(request["out"], model)
    return {"parameters": sum(p.numel() for p in model.parameters())}


def logits(request: dict) -> dict:
    model = load_causal_lm(request["checkpoint"]).eval()
    input_ids = torch.tensor(request["input_ids"], dtype=torch.long)
    mask = request.get("attention_mask")
    attention_mask = torch.tensor(mask, dtype=torch.long) if mask is not None else None
    with torch.no_grad():
        out, _ = model(input_ids, attention_mask)
    return {"logits": out.tolist()}


COMMANDS = {"init": init, "logits": logits}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 -m tests.pipeline.torch_reference {'|'.join(COMMANDS)} < request.json")
    torch.set_num_threads(1)
    json.dump(COMMANDS[sys.argv[1]](json.load(sys.stdin)), sys.stdout)
