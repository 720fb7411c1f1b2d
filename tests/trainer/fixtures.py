"""Tiny stand-ins for the pipeline's inputs: a byte-level ChatML tokenizer, a run config and data files.

The task is small enough to learn in a few dozen steps on a tiny model: the assistant repeats
the user's letters in reverse order.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from training.trainer.hf_config import ModelConfig
from training.trainer.tokenizer import byte_to_unicode

END_OF_TEXT, IM_START, IM_END = 256, 257, 258
VOCAB_SIZE = 259

TINY_MODEL = {
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 64,
    "rope_theta": 10000.0,
    "rms_norm_eps": 1e-5,
    "tie_word_embeddings": True,
}


def tiny_config(**overrides) -> ModelConfig:
    return ModelConfig(vocab_size=VOCAB_SIZE, **{**TINY_MODEL, **overrides})


def write_tokenizer(directory: Path) -> Path:
    """Our demo tokenizer's layout: 256 byte tokens, then <|endoftext|>, <|im_start|>, <|im_end|>."""
    directory.mkdir(parents=True, exist_ok=True)
    vocab = {char: byte for byte, char in sorted(byte_to_unicode().items())}
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    spec = {
        "version": "1.0",
        "added_tokens": [
            {
                "id": 256 + index,
                "content": token,
                "special": True,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
            }
            for index, token in enumerate(specials)
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "model": {"type": "BPE", "vocab": vocab, "merges": []},
    }
    (directory / "tokenizer.json").write_text(json.dumps(spec))
    (directory / "tokenizer_config.json").write_text(
        json.dumps({"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "bos_token": None})
    )
    return directory


def turn(role: str, text: str) -> list[int]:
    return [IM_START, *f"{role}\n{text}".encode(), IM_END, *b"\n"]


def prompt_ids(letters: str) -> list[int]:
    return turn("user", letters) + [IM_START, *b"assistant\n"]


def reply_ids(text: str) -> list[int]:
    return [*text.encode(), IM_END]


def write_run_config(
    path: Path,
    steps: int = 30,
    seed: int = 7,
    batch_size: int = 4,
    precision: str = "fp32",
    trainable_layers: int | None = None,
) -> Path:
    stage = {"steps": steps, "batch_size": batch_size, "grad_accum": 2, "lr": 3e-3, "warmup": 3, "weight_decay": 0.01}
    if trainable_layers is not None:
        stage["trainable_layers"] = trainable_layers
    config = {
        "name": "test",
        "model_name": "hearth-test",
        "seed": seed,
        "threads": 1,
        "precision": precision,
        "model": TINY_MODEL,
        "sft": stage,
        "rm": {**stage, "batch_size": 2},
        "dpo": {**stage, "batch_size": 2, "lr": 1e-3, "beta": 0.1},
        "eval": {"max_new_tokens": 8},
    }
    path.write_text(json.dumps(config))
    return path


def write_jsonl(path: Path, lines: list[dict]) -> None:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def write_data(directory: Path, tokenizer_dir: Path, trees: int = 40) -> Path:
    """All the files the datasets stage writes, for `trees` reverse-the-letters conversations."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    split: dict[str, dict[str, list[dict]]] = {part: {"sft": [], "rm": [], "dpo": []} for part in ("train", "val")}
    evaluation: dict[str, list[dict]] = {"train": [], "val": []}
    for tree in range(trees):
        letters = "".join(rng.choice("abcdef") for _ in range(3))
        best, sloppy, wrong = letters[::-1], letters[::-1] + "!", letters
        prompt = prompt_ids(letters)
        part_name = "val" if tree % 5 == 0 else "train"
        part = split[part_name]
        tree_id = f"tree-{tree}"
        part["sft"].append(
            {
                "tree_id": tree_id,
                "input_ids": prompt + reply_ids(best),
                "loss_mask": [0] * len(prompt) + [1] * len(reply_ids(best)),
            }
        )
        replies = [reply_ids(best), reply_ids(sloppy), reply_ids(wrong)]
        part["rm"].append({"tree_id": tree_id, "prefix_ids": prompt, "replies": replies})
        for better in range(3):
            for worse in range(better + 1, 3):
                part["dpo"].append(
                    {
                        "tree_id": tree_id,
                        "prompt_ids": prompt,
                        "chosen_ids": replies[better],
                        "rejected_ids": replies[worse],
                    }
                )
        if tree % 5 == 0 or tree % 5 == 1:
            evaluation[part_name].append(
                {
                    "tree_id": tree_id,
                    "skill": "reverse",
                    "messages": [{"role": "user", "content": letters}],
                    "prompt_ids": prompt,
                    "answer": best,
                    "variations": ["plain"] if tree % 10 < 5 else ["capitalisation", "case.upper"],
                }
            )
    for part, by_kind in split.items():
        for kind, lines in by_kind.items():
            write_jsonl(directory / f"{kind}.{part}.jsonl", lines)
    write_jsonl(directory / "eval.jsonl", evaluation["val"])
    write_jsonl(directory / "eval.seen.jsonl", evaluation["train"])
    (directory / "manifest.json").write_text(json.dumps({"tokenizer_dir": str(tokenizer_dir)}))
    return directory


def write_tool_eval(directory: Path, questions: int = 6) -> Path:
    """eval.tools.jsonl beside `write_data`'s files: reverse-the-letters questions answered with
    a `reverse` tool, whose call turn and result stand in for a real tool's."""
    lines = []
    tools = turn("system", "T")
    for index in range(questions):
        letters = "".join(random.Random(index).choice("abcdef") for _ in range(3))
        call = f"<{letters}>"
        first = tools + prompt_ids(letters)
        second = first + reply_ids(call) + [*b"\n"] + turn("tool", letters[::-1]) + [IM_START, *b"assistant\n"]
        lines.append(
            {
                "tree_id": f"tool-{index}",
                "skill": "reverse-tool",
                "messages": [{"role": "user", "content": letters}],
                "prompt_ids": prompt_ids(letters),
                "answer": letters[::-1],
                "variations": ["plain"],
                "tool_stages": [
                    {"prompt_ids": first, "answer": call, "max_new_tokens": 12},
                    {"prompt_ids": second, "answer": letters[::-1], "max_new_tokens": 8},
                ],
            }
        )
    path = directory / "eval.tools.jsonl"
    write_jsonl(path, lines)
    return path
