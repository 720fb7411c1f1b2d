"""Trainer step time with glibc's own malloc thresholds against the trainer's (allocator.py).

    python3 bench/trainer-allocator.py [--config training/configs/demo.json]
        [--lengths 128,256,384] [--steps 3] [--rounds 2]

Each side runs in a process of its own, because malloc's thresholds hold for a whole process:
"glibc" sets the thresholds where glibc's own adaptive threshold ends up in a long run (mmap at
32 MiB, trim at twice that), "kept" is what every trainer process does (1 GiB). Both train the
config's model, at its batch size, thread count and precision, on batches of random tokens of
each length (no padding), after one warm-up step per length; the sides alternate for several
rounds and the median counts, because the machine is shared and its load drifts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GLIBC_MMAP_MAX = 32 << 20  # DEFAULT_MMAP_THRESHOLD_MAX on 64-bit: where the adaptive threshold stops


def child(config_path: Path, tokenizer: Path, side: str, lengths: list[int], steps: int) -> None:
    from training.trainer import sft
    from training.trainer.allocator import set_malloc_thresholds

    if side == "glibc":
        set_malloc_thresholds(GLIBC_MMAP_MAX, 2 * GLIBC_MMAP_MAX)

    import torch
    from training.trainer.config import load_run_config
    from training.trainer.precision import autocast, effective_precision
    from training.trainer.tokenizer import Tokenizer
    from training.trainer.train import initial_policy, make_deterministic

    run = load_run_config(config_path)
    make_deterministic(run.threads)
    config = run.model_config(Tokenizer.load(tokenizer))
    stage = run.stages["sft"]
    device = torch.device("cpu")
    precision = effective_precision(run.precision, device)
    model = initial_policy(config, run.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=stage.lr)
    generator = torch.Generator().manual_seed(run.seed)
    seconds = {}
    for length in lengths:
        ids = torch.randint(0, config.vocab_size, (stage.batch_size, length), generator=generator)
        batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "loss_mask": torch.ones_like(ids)}
        times = []
        for _ in range(steps + 1):
            started = time.perf_counter()
            with autocast(precision, device):
                loss = sft.loss(model, batch)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            times.append(time.perf_counter() - started)
        seconds[length] = statistics.median(times[1:])
    print(json.dumps({"precision": precision, "seconds": seconds}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=Path("training/configs/demo.json"))
    parser.add_argument("--tokenizer", type=Path, default=Path("training/demo-tokenizer"))
    parser.add_argument("--lengths", default="128,256,384", help="sequence lengths, comma-separated")
    parser.add_argument("--steps", type=int, default=3, help="timed steps per length and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", choices=["glibc", "kept"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    lengths = [int(n) for n in args.lengths.split(",")]
    if args.child:
        return child(args.config, args.tokenizer, args.child, lengths, args.steps)

    results: dict[str, list[dict[str, float]]] = {"glibc": [], "kept": []}
    precision = ""
    for _ in range(args.rounds):
        for side in results:
            command = [sys.executable, __file__, "--child", side, "--config", str(args.config)]
            command += ["--tokenizer", str(args.tokenizer), "--lengths", args.lengths, "--steps", str(args.steps)]
            out = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            precision = out["precision"]
            results[side].append(out["seconds"])
    print(f"{args.config}, {precision}, {args.rounds} rounds of {args.steps} steps per length and side")
    print(f"{'tokens':>6}  {'glibc s/step':>12}  {'kept s/step':>11}  speed-up")
    for length in lengths:
        glibc, kept = (statistics.median(r[str(length)] for r in results[side]) for side in ("glibc", "kept"))
        print(f"{length:>6}  {glibc:>12.2f}  {kept:>11.2f}  {glibc / kept:.2f}×")


if __name__ == "__main__":
    main()
