"""Mixed precision: matrix products in bfloat16 under autocast, weights and optimizer state in float32.

On CPUs with AMX or AVX512-BF16 (and on GPUs that support bf16) this makes the demo model's
training steps about three times faster than float32 on the same cores (bench/trainer.py
measures it), which is what lets a two-core machine teach the model its seed skills within the
demo's ten minutes. Where bf16 would only be emulated it is slower than float32, so the run
falls back to float32 and says so. Evaluation always runs in float32, the precision of the
ONNX model the browser runs.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import torch

PRECISIONS = ("fp32", "bf16")
NATIVE_BF16_CPU_FLAGS = {"amx_bf16", "avx512_bf16"}


def cpu_flags() -> set[str]:
    """The feature flags Linux reports for this CPU (empty where /proc/cpuinfo does not exist)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def native_bf16(device: torch.device) -> bool:
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return bool(NATIVE_BF16_CPU_FLAGS & cpu_flags()) and torch.backends.mkldnn.is_available()


def effective_precision(requested: str, device: torch.device) -> str:
    """`requested`, unless it is bf16 and `device` has no native bf16: then fp32, with a notice."""
    if requested == "bf16" and not native_bf16(device):
        print(f"precision: bf16 requested but {device.type} has no native bf16; training in fp32", file=sys.stderr)
        return "fp32"
    return requested


def autocast(precision: str, device: torch.device) -> AbstractContextManager:
    """The context a forward pass and loss run in. Enter it per micro-batch: autocast caches the
    bf16 copies of the weights until the context exits, so one spanning optimizer steps would
    keep computing with the weights of the first step."""
    if precision == "fp32":
        return nullcontext()
    return torch.autocast(device.type, dtype=torch.bfloat16)
