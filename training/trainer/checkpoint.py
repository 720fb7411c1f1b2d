"""Checkpoints: `config.json` + `model.safetensors`, in our parameter names or Hugging Face's.

safetensors is written and read here directly (the format is an 8-byte little-endian header
length, a JSON header mapping names to dtype/shape/byte range, then the raw little-endian
bytes) because the Python package is not available on our machines.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
from pathlib import Path

import torch
from torch import nn

from .hf_config import ModelConfig
from .model import CausalLM, RewardModel

WEIGHTS_FILE = "model.safetensors"
SHARD_INDEX_FILE = "model.safetensors.index.json"
CONFIG_FILE = "config.json"

DTYPES = {
    "F64": torch.float64,
    "F32": torch.float32,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "I64": torch.int64,
    "I32": torch.int32,
    "I16": torch.int16,
    "I8": torch.int8,
    "U8": torch.uint8,
    "BOOL": torch.bool,
}
DTYPE_NAMES = {dtype: name for name, dtype in DTYPES.items()}

# Hugging Face Llama/Qwen2 name ⇄ ours ({i} = layer index), as in training/README.md.
NAME_TABLE = [
    ("model.embed_tokens.weight", "tok_emb.weight"),
    ("model.layers.{i}.input_layernorm.weight", "layers.{i}.attn_norm.weight"),
    ("model.layers.{i}.self_attn.q_proj.weight", "layers.{i}.attn.q.weight"),
    ("model.layers.{i}.self_attn.q_proj.bias", "layers.{i}.attn.q.bias"),
    ("model.layers.{i}.self_attn.k_proj.weight", "layers.{i}.attn.k.weight"),
    ("model.layers.{i}.self_attn.k_proj.bias", "layers.{i}.attn.k.bias"),
    ("model.layers.{i}.self_attn.v_proj.weight", "layers.{i}.attn.v.weight"),
    ("model.layers.{i}.self_attn.v_proj.bias", "layers.{i}.attn.v.bias"),
    ("model.layers.{i}.self_attn.o_proj.weight", "layers.{i}.attn.o.weight"),
    ("model.layers.{i}.post_attention_layernorm.weight", "layers.{i}.mlp_norm.weight"),
    ("model.layers.{i}.mlp.gate_proj.weight", "layers.{i}.mlp.gate.weight"),
    ("model.layers.{i}.mlp.up_proj.weight", "layers.{i}.mlp.up.weight"),
    ("model.layers.{i}.mlp.down_proj.weight", "layers.{i}.mlp.down.weight"),
    ("model.norm.weight", "norm.weight"),
    ("lm_head.weight", "lm_head.weight"),
    ("score.weight", "score.weight"),
]
# Old Hugging Face checkpoints store the rotary frequencies, which we recompute.
IGNORED_HF_NAMES = re.compile(r"model\.layers\.\d+\.self_attn\.rotary_emb\.inv_freq")


def _pattern(template: str) -> re.Pattern:
    return re.compile(re.escape(template).replace(re.escape("{i}"), r"(?P<i>\d+)") + "$")


_HF_TO_OURS = [(_pattern(hf), ours) for hf, ours in NAME_TABLE]
_OURS_TO_HF = [(_pattern(ours), hf) for hf, ours in NAME_TABLE]


def _rename(name: str, table: list[tuple[re.Pattern, str]]) -> str | None:
    for pattern, template in table:
        match = pattern.match(name)
        if match:
            return template.replace("{i}", match.groupdict().get("i") or "")
    return None


def hf_name(ours: str) -> str:
    return _rename(ours, _OURS_TO_HF) or ours


def our_name(name: str) -> str | None:
    """Our name for a tensor named either way; None when it is neither."""
    if _rename(name, _OURS_TO_HF) is not None:
        return name
    return _rename(name, _HF_TO_OURS)


# ── safetensors ────────────────────────────────────────────────────────────────────────────


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a partial write."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def safetensors_bytes(tensors: dict[str, torch.Tensor]) -> bytes:
    """The file for `tensors`; equal tensors always give equal bytes.

    As the reference implementation does, wider dtypes come first, so that every tensor starts
    at a multiple of its element size (a reader can map it as a typed array in place).
    """
    header: dict = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors, key=lambda name: (-tensors[name].element_size(), name)):
        tensor = tensors[name].detach().cpu().contiguous()
        if tensor.dtype not in DTYPE_NAMES:
            raise ValueError(f"tensor {name}: dtype {tensor.dtype} cannot be stored in safetensors")
        raw = tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
        header[name] = {
            "dtype": DTYPE_NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)  # the format pads the header to 8 bytes
    return struct.pack("<Q", len(header_bytes)) + header_bytes + b"".join(chunks)


def read_safetensors(path: Path) -> dict[str, torch.Tensor]:
    data = bytearray(Path(path).read_bytes())

    def fail(problem: str) -> ValueError:
        return ValueError(f"{path}: {problem}")

    if len(data) < 8:
        raise fail("too short to be a safetensors file")
    (header_size,) = struct.unpack("<Q", data[:8])
    if 8 + header_size > len(data):
        raise fail(f"header length {header_size} runs past the end of the file ({len(data)} bytes)")
    try:
        header = json.loads(data[8 : 8 + header_size])
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"header is not valid JSON ({error})") from None
    if not isinstance(header, dict):
        raise fail("header is not a JSON object")
    header.pop("__metadata__", None)
    body = 8 + header_size
    tensors = {}
    for name, entry in header.items():
        try:
            dtype = DTYPES[entry["dtype"]]
            shape = [int(size) for size in entry["shape"]]
            start, end = (int(offset) for offset in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise fail(f"tensor {name}: header entry {entry!r} needs a known dtype, shape and data_offsets") from None
        expected = math.prod(shape) * torch.empty((), dtype=dtype).element_size()
        if end - start != expected or start < 0 or body + end > len(data):
            raise fail(f"tensor {name}: bytes {start}..{end} do not hold {entry['dtype']} {shape} inside the file")
        flat = (
            torch.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=body + start)
            if expected
            else torch.empty(0, dtype=dtype)
        )
        tensors[name] = flat.reshape(shape).clone()
    return tensors


# ── checkpoints ────────────────────────────────────────────────────────────────────────────


def weights_path(directory: Path) -> Path:
    """The file that names a checkpoint's weights: the single file or the shard index."""
    for name in (WEIGHTS_FILE, SHARD_INDEX_FILE):
        if (Path(directory) / name).exists():
            return Path(directory) / name
    raise FileNotFoundError(f"{directory}: no {WEIGHTS_FILE} or {SHARD_INDEX_FILE}")


def read_weights(directory: Path) -> dict[str, torch.Tensor]:
    """All tensors of a checkpoint directory (one file or Hugging Face shards) in our names."""
    path = weights_path(directory)
    if path.name == SHARD_INDEX_FILE:
        weight_map = json.loads(path.read_text())["weight_map"]
        files = [path.parent / shard for shard in sorted(set(weight_map.values()))]
    else:
        files = [path]
    renamed = {}
    for path in files:
        for name, tensor in read_safetensors(path).items():
            ours = our_name(name)
            if ours is None:
                if IGNORED_HF_NAMES.match(name):
                    continue
                raise ValueError(f"{path}: unexpected tensor {name} (not a Llama/Qwen2 parameter name)")
            renamed[ours] = tensor
    return renamed


def read_config(directory: Path) -> ModelConfig:
    path = Path(directory) / CONFIG_FILE
    try:
        fields = json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: checkpoint config not found") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    return ModelConfig.from_hf(fields, str(path))


def load_weights(
    model: nn.Module,
    weights: dict[str, torch.Tensor],
    source: Path,
    may_be_missing: tuple[str, ...] = (),
    may_be_extra: tuple[str, ...] = (),
) -> None:
    """Copies `weights` into `model` after checking that every tensor is there with its shape.

    `may_be_missing` keep their initial values (a new reward head); `may_be_extra` are skipped
    (a language-model head when a reward model starts from a policy).
    """
    expected = model.state_dict()
    for name, tensor in weights.items():
        if name not in expected:
            if name in may_be_extra:
                continue
            raise ValueError(f"{source}: unexpected tensor {name} ({hf_name(name)}) for this model")
        if tuple(tensor.shape) != tuple(expected[name].shape):
            raise ValueError(
                f"{source}: tensor {name} ({hf_name(name)}) has shape {list(tensor.shape)}, "
                f"expected {list(expected[name].shape)}"
            )
    for name, tensor in expected.items():
        if name not in weights and name not in may_be_missing:
            raise ValueError(f"{source}: missing tensor {name} ({hf_name(name)}), expected shape {list(tensor.shape)}")
    with torch.no_grad():
        for name, param in model.state_dict().items():
            if name in weights:
                param.copy_(weights[name])


def load_causal_lm(directory: Path) -> CausalLM:
    config = read_config(directory)
    model = CausalLM(config)
    load_weights(model, read_weights(directory), weights_path(directory))
    return model


def load_reward_model(directory: Path) -> RewardModel:
    config = read_config(directory)
    model = RewardModel(config)
    load_weights(model, read_weights(directory), weights_path(directory))
    return model


def save_checkpoint(directory: Path, model: CausalLM | RewardModel) -> None:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    write_atomically(directory / WEIGHTS_FILE, safetensors_bytes(model.state_dict()))
    config = model.config.to_hf(reward_model=isinstance(model, RewardModel))
    write_atomically(directory / CONFIG_FILE, (json.dumps(config, indent=2) + "\n").encode())
