"""The run configuration (`training/configs/<name>.json`), checked field by field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .hf_config import ModelConfig
from .precision import PRECISIONS
from .tokenizer import Tokenizer

STAGES = ("sft", "rm", "dpo", "rloo")
# The objectives that turn the sft policy into the published one, run in this order: "rloo" after
# "dpo" starts from the DPO policy. A config names the ones it runs as `policy` (default dpo alone).
POLICY_OBJECTIVES = ("dpo", "rloo")
DEFAULT_POLICY = ("dpo",)


@dataclass(frozen=True)
class StageConfig:
    steps: int
    batch_size: int  # sequences (rm: ranked lists, dpo: pairs, rloo: prompts) per micro-batch per process
    grad_accum: int  # micro-batches per optimizer step
    lr: float
    warmup: int
    weight_decay: float
    beta: float = 0.1  # dpo only
    min_lr_ratio: float = 0.1  # where the cosine decay ends, as a fraction of lr
    grad_clip: float = 1.0
    # Similar-length batches waste less compute on padding but are less varied, so each step
    # teaches less; per second of training they still came out ahead (figures in README.md).
    group_by_length: bool = True
    # Fine-tune only the top k transformer layers (freeze.py); None trains every weight.
    trainable_layers: int | None = None
    # rloo only: replies sampled per prompt (the leave-one-out baseline needs at least 2), the
    # weight of the KL penalty to the starting policy, the sampling temperature, the reply budget.
    k: int = 4
    kl_coef: float = 0.05
    temperature: float = 1.0
    max_new_tokens: int = 64


@dataclass(frozen=True)
class RunConfig:
    name: str
    seed: int
    threads: int
    precision: str  # "fp32", or "bf16" for mixed precision where the hardware has it (precision.py)
    model: dict  # Hugging Face config.json fields except those the tokenizer decides
    stages: dict[str, StageConfig]  # every stage the config has a section for (rloo's is optional)
    policy: tuple[str, ...]  # the POLICY_OBJECTIVES it runs, in order; the last one's is published
    max_new_tokens: int
    tokenizer: Path | None  # the tokenizer directory the config names, if any

    def model_config(self, tokenizer: Tokenizer) -> ModelConfig:
        fields = {
            **self.model,
            "vocab_size": tokenizer.vocab_size,
            "bos_token_id": tokenizer.bos_id,
            "eos_token_id": tokenizer.eos_id,
            "pad_token_id": tokenizer.eos_id,
        }
        return ModelConfig.from_hf(fields, "model")

    def start_of(self, objective: str) -> str:
        """The stage whose policy `objective` starts from: the objective before it, else sft."""
        index = self.policy.index(objective)
        return self.policy[index - 1] if index else "sft"


def load_run_config(path: Path) -> RunConfig:
    try:
        raw = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: config not found") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None

    def fail(field: str, problem: str) -> ValueError:
        return ValueError(f"{path}: {field} {problem}")

    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a JSON object")

    def number(section: dict, field: str, prefix: str, integer: bool, minimum: float, default=None):
        value = section.get(field, default)
        kind = int if integer else (int, float)
        if not isinstance(value, kind) or isinstance(value, bool) or value < minimum:
            what = "an integer" if integer else "a number"
            raise fail(prefix + field, f"must be {what} ≥ {minimum}, got {value!r}")
        return value if integer else float(value)

    if not isinstance(raw.get("model"), dict):
        raise fail("model", "must be an object of Hugging Face config fields")
    try:
        ModelConfig.from_hf({**raw["model"], "vocab_size": 1}, "model")
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None

    policy = raw.get("policy", list(DEFAULT_POLICY))
    if (
        not isinstance(policy, list)
        or not policy
        or any(objective not in POLICY_OBJECTIVES for objective in policy)
        or sorted(set(policy), key=POLICY_OBJECTIVES.index) != policy
    ):
        choices = ", ".join(POLICY_OBJECTIVES)
        raise fail("policy", f"must list some of {choices}, each once, in that order, got {policy!r}")

    stages = {}
    for stage in STAGES:
        section = raw.get(stage)
        if section is None and stage == "rloo" and stage not in policy:
            continue
        if not isinstance(section, dict):
            raise fail(stage, "must be an object with steps, batch_size, grad_accum, lr, warmup, weight_decay")
        prefix = stage + "."
        stages[stage] = StageConfig(
            steps=number(section, "steps", prefix, True, 1),
            batch_size=number(section, "batch_size", prefix, True, 1),
            grad_accum=number(section, "grad_accum", prefix, True, 1, 1),
            lr=number(section, "lr", prefix, False, 0),
            warmup=number(section, "warmup", prefix, True, 0, 0),
            weight_decay=number(section, "weight_decay", prefix, False, 0, 0.0),
            beta=number(section, "beta", prefix, False, 0, StageConfig.beta),
            min_lr_ratio=number(section, "min_lr_ratio", prefix, False, 0, StageConfig.min_lr_ratio),
            grad_clip=number(section, "grad_clip", prefix, False, 0, StageConfig.grad_clip),
            group_by_length=section.get("group_by_length", StageConfig.group_by_length),
            trainable_layers=(
                None
                if section.get("trainable_layers") is None
                else number(section, "trainable_layers", prefix, True, 1)
            ),
            k=number(section, "k", prefix, True, 2, StageConfig.k),
            kl_coef=number(section, "kl_coef", prefix, False, 0, StageConfig.kl_coef),
            temperature=number(section, "temperature", prefix, False, 0, StageConfig.temperature),
            max_new_tokens=number(section, "max_new_tokens", prefix, True, 1, StageConfig.max_new_tokens),
        )
        if stages[stage].temperature <= 0:
            raise fail(prefix + "temperature", f"must be a number > 0, got {section['temperature']!r}")
        if not isinstance(stages[stage].group_by_length, bool):
            raise fail(prefix + "group_by_length", f"must be true or false, got {stages[stage].group_by_length!r}")
        if stages[stage].warmup >= stages[stage].steps:
            raise fail(prefix + "warmup", f"must be smaller than {prefix}steps ({stages[stage].steps})")

    precision = raw.get("precision", "fp32")
    if precision not in PRECISIONS:
        raise fail("precision", f"must be one of {', '.join(PRECISIONS)}, got {precision!r}")

    return RunConfig(
        name=str(raw.get("name", Path(path).stem)),
        seed=number(raw, "seed", "", True, 0),
        threads=number(raw, "threads", "", True, 1, 1),
        precision=precision,
        model=raw["model"],
        stages=stages,
        policy=tuple(policy),
        max_new_tokens=number(raw.get("eval", {}), "max_new_tokens", "eval.", True, 1, 64),
        tokenizer=Path(raw["tokenizer"]) if raw.get("tokenizer") else None,
    )
