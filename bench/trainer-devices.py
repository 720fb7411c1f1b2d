"""The trainer on a GPU box: each stage's steps/s on the GPU against the CPU in the same run, the
same stages under torchrun, and the GPU-trained model's evaluation beside a CPU-trained one's.

    python3 bench/trainer-devices.py [--config training/configs/ci.json] [--data training/out/ci/data]
        [--work /tmp/hearth-trainer-devices] [--cpu-fraction 0.1] [--compare REPORT.json]

Every run is the operator's own command, `python3 -m training.trainer.train`, unchanged, in a
process of its own, for sft, rm, dpo then rloo (the config's policy is extended to rloo when it
has an rloo section, so that sampling on the device is trained and evaluated too):
- "gpu": every stage with the config's steps, on the device PyTorch picks (the first GPU);
- "torchrun": the same under `torchrun --nproc_per_node <GPUs>` (DDP over NCCL with several
  GPUs). With one GPU there is one process, and runs are deterministic, so its checkpoints must be
  byte-identical to "gpu"'s;
- "cpu": the baseline, no GPU visible, each stage for --cpu-fraction of its steps.
Steps/s are the trainer's own figure: its summary line times the training loop, from the first
step, with the model already on its device (loading, the GPU's start-up and saving are left out).
The script fails when a one-GPU torchrun run's checkpoints are not byte-identical to the plain run's.
Then `training.trainer.evaluate` scores the "gpu" checkpoints, beside --compare (a report of the
same config and data trained elsewhere, such as the CPU run of `npm run pipeline -- --config ci`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from training.trainer.config import DEFAULT_POLICY, STAGES

import torch

# The trainer's last line, up to the checkpoint it wrote: "sft: 700 steps in 21.0 s (33.31 steps/s) on …".
SUMMARY = re.compile(r"\w+: \d+ steps in [\d.]+ s \(([\d.]+) steps/s\) on .*?(?=, wrote )")


def derived_config(raw: dict, work: Path, name: str, fraction: float = 1.0) -> Path:
    """The config, running rloo after dpo where it can, with each stage's steps scaled."""
    config = json.loads(json.dumps(raw))
    policy = config.get("policy", list(DEFAULT_POLICY))
    if "rloo" in config and "rloo" not in policy:
        config["policy"] = [*policy, "rloo"]
    for stage in STAGES:
        if stage in config and fraction < 1:
            steps = max(4, round(config[stage]["steps"] * fraction))
            config[stage] |= {"steps": steps, "warmup": min(config[stage].get("warmup", 0), steps // 2)}
    path = work / f"{name}.json"
    path.write_text(json.dumps(config, indent=1))
    return path


def train_all(label: str, config: Path, data: Path, out: Path, launcher: list[str], env: dict) -> dict[str, float]:
    """Runs every stage of `config` with `launcher`; returns each stage's steps/s.

    Each stage starts from the checkpoints beside its own, as the trainer does by default."""
    stages = [s for s in STAGES if s in json.loads(config.read_text())]
    figures = {}
    for stage in stages:
        argv = ["--config", str(config), "--stage", stage, "--data", str(data), "--out", str(out / stage)]
        done = subprocess.run(
            [*launcher, "-m", "training.trainer.train", *argv], cwd=ROOT, env=env, capture_output=True, text=True
        )
        match = SUMMARY.search(done.stdout)
        if done.returncode or not match:
            sys.exit(f"{label} {stage} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        figures[stage] = float(match[1])
        print(f"{label:<9} {match[0]}", flush=True)
    return figures


def digest(checkpoint: Path) -> str:
    return hashlib.sha256((checkpoint / "model.safetensors").read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=Path("training/configs/ci.json"))
    parser.add_argument("--data", type=Path, default=Path("training/out/ci/data"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/hearth-trainer-devices"))
    parser.add_argument("--cpu-fraction", type=float, default=0.1, help="share of each stage's steps the CPU runs")
    parser.add_argument("--compare", type=Path, help="an evaluation report of the same config trained elsewhere")
    args = parser.parse_args()
    # The trainer runs in the repository's root; paths given from elsewhere must still hold there.
    args.config, args.data, args.work = args.config.resolve(), args.data.resolve(), args.work.resolve()

    gpus = torch.cuda.device_count()
    print(f"PyTorch {torch.__version__}, {gpus} GPU(s): {[torch.cuda.get_device_name(i) for i in range(gpus)]}")
    if not gpus:
        sys.exit("no GPU visible to PyTorch: this benchmark compares a GPU with the CPU")
    args.work.mkdir(parents=True, exist_ok=True)
    raw = json.loads(args.config.read_text())
    full, short = derived_config(raw, args.work, "full"), derived_config(raw, args.work, "cpu", args.cpu_fraction)
    python = [sys.executable]
    # --redirects and --tee: Debian's torchrun on Python 3.11 cannot parse its own default redirects.
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={gpus}"]
    torchrun += ["--redirects", "1", "--tee", "1"]
    no_gpu = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}

    runs = {
        "gpu": train_all("gpu", full, args.data, args.work / "gpu", python, dict(os.environ)),
        "torchrun": train_all("torchrun", full, args.data, args.work / "torchrun", torchrun, dict(os.environ)),
        "cpu": train_all("cpu", short, args.data, args.work / "cpu", python, no_gpu),
    }
    print("\nstage   steps/s: gpu   torchrun   cpu (baseline)   gpu / cpu   checkpoints gpu vs torchrun")
    differ = []
    for stage, gpu in runs["gpu"].items():
        same = digest(args.work / "gpu" / stage) == digest(args.work / "torchrun" / stage)
        differ += [] if same else [stage]
        cpu = runs["cpu"][stage]
        identical = "byte-identical" if same else f"differ ({gpus} processes)"
        rates = f"{gpu:>13.2f} {runs['torchrun'][stage]:>10.2f} {cpu:>17.2f} {gpu / cpu:>11.1f}×"
        print(f"{stage:<6} {rates}   {identical}")
    if gpus == 1 and differ:
        sys.exit(f"torchrun with one process wrote other checkpoints than the plain run: {', '.join(differ)}")

    report = args.work / "gpu-report.json"
    report.unlink(missing_ok=True)  # evaluate merges into a report; an earlier run's figures would stay
    evaluate = [*python, "-m", "training.trainer.evaluate", "--config", str(full), "--data", str(args.data)]
    evaluate += ["--checkpoints", str(args.work / "gpu"), "--out", str(report)]
    done = subprocess.run(evaluate, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"evaluate failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    ours = json.loads(report.read_text())
    theirs = json.loads(args.compare.read_text()) if args.compare else {}
    print(f"\nfigure{'':<34} trained on the GPU   {args.compare or ''}")
    for name, value in ours.items():
        if isinstance(value, (int, float)) and name.count(".") == 1:  # the headline figures, not per skill
            other = theirs.get(name)
            print(f"{name:<40} {value:>18.4f}   {'' if other is None else f'{other:.4f}'}")


if __name__ == "__main__":
    main()
