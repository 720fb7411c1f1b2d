"""Trainer throughput: tokens/s of our SFT training step against a plain PyTorch loop, same run.

    python3 bench/trainer-throughput.py [--config training/configs/demo.json]
        [--data training/out/demo/data] [--steps 8] [--rounds 3]

All sides train the same model (the config's size, the same initial weights) on the same
SFT examples with the same batch size and thread count. The baseline is what one writes
first: random batches, plain AdamW, no accumulation, clipping, schedule or progress bar.
Ours is `training.trainer.train.train`, everything included, once with random batches (the
loop's own cost), once with length-grouped batches (its default), and once more with the
config's mixed precision (bf16 where the CPU has it: precision.py). Tokens are real
(non-padding) tokens. The sides alternate for several rounds and the median round counts,
because the machine is shared and its load drifts.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import statistics
import sys
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The trainer package sets OpenMP's wait policy, which only counts before torch is loaded.
from training.trainer import sft

import torch
from training.trainer.config import load_run_config
from training.trainer.data import batches, read_jsonl, sequence_length
from training.trainer.precision import effective_precision
from training.trainer.train import Objective, initial_policy, make_deterministic, train
from training.trainer.tokenizer import Tokenizer, find_tokenizer_dir


def load_examples(data: Path, vocab_size: int, max_positions: int) -> tuple[list[dict], str]:
    path = data / "sft.train.jsonl"
    if path.exists():
        return read_jsonl(path, "sft", vocab_size, max_positions), str(path)
    # Without the datasets stage's output: conversations of 30–200 tokens, half of them targets.
    rng = random.Random(0)
    examples = []
    for index in range(512):
        size = rng.randint(30, min(200, max_positions))
        ids = [rng.randrange(vocab_size) for _ in range(size)]
        examples.append({"tree_id": index, "input_ids": ids, "loss_mask": [0] * (size // 2) + [1] * (size - size // 2)})
    return examples, "synthetic (no sft.train.jsonl in --data)"


class CountingCollate:
    """collate() that also counts the real and padded tokens it hands out."""

    def __init__(self):
        self.real = self.padded = 0

    def __call__(self, examples: list[dict]) -> dict[str, torch.Tensor]:
        batch = sft.collate(examples)
        self.real += int(batch["attention_mask"].sum())
        self.padded += batch["input_ids"].numel()
        return batch


def baseline_round(model, examples, stage, seed, steps) -> tuple[float, CountingCollate]:
    collate = CountingCollate()
    optimizer = torch.optim.AdamW(model.parameters(), lr=stage.lr)
    stream = batches(examples, stage.batch_size, seed)
    started = time.perf_counter()
    for _ in range(steps):
        loss = sft.loss(model, collate(next(stream)))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return time.perf_counter() - started, collate


def ours_round(model, examples, stage, seed, steps, precision="fp32") -> tuple[float, CountingCollate]:
    collate = CountingCollate()
    objective = Objective(collate, sft.loss, sequence_length("sft"))
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the progress bar still runs, unseen
        train(model, objective, examples, replace(stage, steps=steps, warmup=0), seed, precision=precision)
    return time.perf_counter() - started, collate


def sides(precision: str) -> dict:
    """Each side's round function and whether it groups by length."""
    return {
        "baseline (plain loop)": (baseline_round, False),
        "ours, random batches": (ours_round, False),
        "ours, length-grouped": (ours_round, True),
        f"ours, grouped, {precision}": (partial(ours_round, precision=precision), True),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=Path("training/configs/demo.json"))
    parser.add_argument("--data", type=Path, default=Path("training/out/demo/data"))
    parser.add_argument("--tokenizer", type=Path, default=Path("training/demo-tokenizer"))
    parser.add_argument("--steps", type=int, default=8, help="optimizer steps per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    run = load_run_config(args.config)
    stage = replace(run.stages["sft"], grad_accum=1)
    make_deterministic(run.threads)
    config = run.model_config(Tokenizer.load(find_tokenizer_dir(args.data, args.tokenizer)))
    examples, source = load_examples(args.data, config.vocab_size, config.max_position_embeddings)
    parameters = sum(p.numel() for p in initial_policy(config, run.seed).parameters())
    print(f"model {parameters / 1e6:.2f} M parameters ({args.config}), batch {stage.batch_size}, threads {run.threads}")
    print(f"data {source}: {len(examples)} examples; {args.rounds} rounds of {args.steps} steps per side")

    precision = effective_precision(run.precision, torch.device("cpu"))
    compared = sides(precision)
    results: dict[str, list[tuple[float, CountingCollate]]] = {name: [] for name in compared}
    for round_index in range(args.rounds + 1):  # round 0 warms caches and allocators, not counted
        for name, (run_round, grouped) in compared.items():
            model = initial_policy(config, run.seed)
            side_stage = replace(stage, group_by_length=grouped)
            seconds, collate = run_round(model, examples, side_stage, run.seed + round_index, args.steps)
            if round_index:
                results[name].append((seconds, collate))

    rates = {}
    for name, rounds in results.items():
        per_round = [collate.real / seconds for seconds, collate in rounds]
        rates[name] = statistics.median(per_round)
        padding = sum(c.padded - c.real for _, c in rounds) / sum(c.padded for _, c in rounds)
        spread = ", ".join(f"{rate:.0f}" for rate in per_round)
        print(f"{name:<26} {rates[name]:>6.0f} tokens/s (rounds: {spread}), padding {padding:.0%} of batch positions")
    baseline = rates["baseline (plain loop)"]
    for name in list(compared)[1:]:
        print(f"ratio {name} / baseline: {rates[name] / baseline:.2f}")


if __name__ == "__main__":
    main()
