"""Train one pipeline stage (sft, rm, dpo or rloo) and write its checkpoint.

`python3 -m training.trainer.train --config C --stage sft|rm|dpo|rloo --data D --out O [--init I] [--reward R]`

sft starts from a fresh model unless --init is given; rm, dpo and rloo start from --init, by
default the checkpoint next to --out that the stage follows (sft; for rloo the config's policy
objective before it, dpo when the policy is dpo then rloo). dpo and rloo also keep that starting
policy, frozen, as their reference; rloo learns from the reward model in --reward (by default the
rm checkpoint next to --out). The same command runs on CPU, on a GPU, and under `torchrun` (one
process per GPU, DDP).
Runs are deterministic: the same config and data give a byte-identical checkpoint.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from . import dpo, reward, rloo, sft
from .checkpoint import load_reward_model, load_weights, read_config, read_weights, save_checkpoint, weights_path
from .config import STAGES, RunConfig, StageConfig, load_run_config
from .data import batches, read_jsonl, sequence_length
from .freeze import train_top_layers
from .hf_config import ModelConfig
from .model import CausalLM, RewardModel
from .optim import learning_rate, make_optimizer
from .precision import autocast, effective_precision
from .tokenizer import Tokenizer, find_tokenizer_dir

DEFAULT_TOKENIZER = Path("training/demo-tokenizer")


@dataclass(frozen=True)
class Objective:
    collate: Callable[[list], dict[str, torch.Tensor]]
    loss: Callable[[nn.Module, dict[str, torch.Tensor]], torch.Tensor]
    length: Callable[[dict], int]  # an example's padded width, for length-grouped batches


@dataclass(frozen=True)
class World:
    """This process's place among the `torchrun` processes (rank 0 of 1 without torchrun)."""

    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def device(self) -> torch.device:
        return torch.device(f"cuda:{self.local_rank}") if torch.cuda.is_available() else torch.device("cpu")


def join_world() -> World:
    if "WORLD_SIZE" not in os.environ:
        return World()
    world = World(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))
    if torch.cuda.is_available():
        torch.cuda.set_device(world.local_rank)
    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return world


def make_deterministic(threads: int) -> None:
    # cuBLAS needs a fixed workspace to be deterministic; it must be set before its first use.
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(threads)


def initial_policy(config: ModelConfig, seed: int) -> CausalLM:
    """The untrained model an sft run starts from (evaluate rebuilds it as the 'before' baseline)."""
    torch.manual_seed(seed)
    return CausalLM(config)


def train(
    model: nn.Module,
    objective: Objective,
    examples: list[dict],
    stage: StageConfig,
    seed: int,
    world: World = World(),
    label: str = "train",
    precision: str = "fp32",
) -> list[float]:
    """Runs `stage.steps` optimizer steps on `model` in place; returns each step's loss."""
    device = world.device
    precision = effective_precision(precision, device)
    model.to(device).train()
    if stage.trainable_layers is not None:
        train_top_layers(model, stage.trainable_layers)
    net = model
    if world.size > 1:
        net = DistributedDataParallel(model, device_ids=[world.local_rank] if device.type == "cuda" else None)
    optimizer = make_optimizer(model, stage)
    length = objective.length if stage.group_by_length else None
    stream = batches(examples, stage.batch_size, seed, world.rank, world.size, length)

    losses: list[float] = []
    tokens = 0
    started = time.perf_counter()
    progress = tqdm(range(stage.steps), desc=label, disable=not world.is_main, mininterval=0.5, file=sys.stdout)
    for step in progress:
        lr = learning_rate(step, stage)
        for group in optimizer.param_groups:
            group["lr"] = lr
        step_loss = 0.0
        for micro_step in range(stage.grad_accum):
            batch = {name: tensor.to(device) for name, tensor in objective.collate(next(stream)).items()}
            # DDP averages gradients across processes only on the last micro-batch of a step.
            last = micro_step == stage.grad_accum - 1
            with nullcontext() if last or net is model else net.no_sync():
                with autocast(precision, device):
                    loss = objective.loss(net, batch) / stage.grad_accum
                loss.backward()
            step_loss += loss.item()
            tokens += int(batch["attention_mask"].sum()) * world.size
        if stage.grad_clip:
            nn.utils.clip_grad_norm_(model.parameters(), stage.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(step_loss)
        tokens_per_second = tokens / max(time.perf_counter() - started, 1e-9)
        progress.set_postfix(loss=f"{step_loss:.4f}", tok_s=f"{tokens_per_second:.0f}", lr=f"{lr:.2e}", refresh=False)
    progress.close()
    return losses


def device_description(world: World) -> str:
    """The device a run trained on, as an operator reads it in the log."""
    device, threads = world.device, torch.get_num_threads()
    cpu = f"CPU, {threads} thread{'s' * (threads > 1)}"
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else cpu
    processes = f", {world.size} processes" if world.size > 1 else ""
    return f"{device} ({name}){processes}"


def tokenizer_dir(args: argparse.Namespace, run: RunConfig) -> Path:
    """The data manifest's tokenizer, else --tokenizer, else the config's, else the demo tokenizer."""
    return find_tokenizer_dir(args.data, args.tokenizer or run.tokenizer or DEFAULT_TOKENIZER)


def check_base_tokenizer(init: Path, data_tokenizer: Path, config: ModelConfig) -> None:
    """Refuses data tokenized for another model than the one training starts from.

    Ids of a smaller vocabulary still fit a base model's embedding, so nothing later would fail:
    the base would just learn from the wrong tokens. A Hugging Face base ships its tokenizer
    beside its weights, a published parent in the model folder the parent stage fetched; the data
    must have been tokenized with exactly that one.
    """
    used = data_tokenizer / "tokenizer.json"
    for shipped, fix in (
        (init / "tokenizer.json", f"run the datasets stage with --base {init}"),
        (init / "model" / "tokenizer.json", "set the config's tokenizer to a directory holding it"),
    ):
        if shipped.exists() and shipped.read_bytes() != used.read_bytes():
            raise ValueError(f"{init} was trained with {shipped} but the data was tokenized with {used}: {fix}")
    vocab_size = Tokenizer.load(data_tokenizer).vocab_size
    if vocab_size > config.vocab_size:
        raise ValueError(
            f"{used} has {vocab_size} tokens but {init}/config.json has vocab_size {config.vocab_size}"
        )


def default_init(stage: str, out: Path, run: RunConfig) -> Path | None:
    """The checkpoint next to `out` that `stage` follows in the pipeline (none for sft)."""
    if stage == "sft":
        return None
    return out.parent / (run.start_of(stage) if stage in run.policy else "sft")


def starting_model(args: argparse.Namespace, run: RunConfig) -> nn.Module:
    """A fresh policy for sft without --init; otherwise the --init checkpoint (a reward head is new)."""
    init = args.init or default_init(args.stage, args.out, run)
    if init is None:
        return initial_policy(run.model_config(Tokenizer.load(tokenizer_dir(args, run))), run.seed)
    config = read_config(init)
    if args.stage == "sft":
        check_base_tokenizer(Path(init), tokenizer_dir(args, run), config)
    torch.manual_seed(run.seed)
    if args.stage == "rm":
        model = RewardModel(config)
        extra = {"may_be_missing": ("score.weight",), "may_be_extra": ("lm_head.weight",)}
    else:
        model, extra = CausalLM(config), {}
    load_weights(model, read_weights(init), weights_path(init), **extra)
    return model


def objective_for(
    args: argparse.Namespace, model: nn.Module, run: RunConfig, world: World, progress: rloo.Progress
) -> Objective:
    if args.stage == "sft":
        return Objective(sft.collate, sft.loss, sequence_length("sft"))
    if args.stage == "rm":
        return Objective(reward.collate, reward.loss, sequence_length("rm"))
    reference = copy.deepcopy(model).to(world.device)  # the starting policy, frozen
    if args.stage == "dpo":
        return Objective(dpo.collate, dpo.make_loss(reference, run.stages["dpo"].beta), sequence_length("dpo"))
    reward_model = load_reward_model(args.reward or args.out.parent / "rm").to(world.device)
    stop_id = Tokenizer.load(tokenizer_dir(args, run)).end_of_turn_id
    # Each process samples its own replies; seeded, so a run is repeatable like the others.
    generator = torch.Generator(device=world.device).manual_seed(run.seed + world.rank)
    loss = rloo.make_loss(reference, reward_model, run.stages["rloo"], stop_id, generator, progress)
    return Objective(rloo.collate, loss, lambda prompt: len(prompt["prompt_ids"]))


def training_examples(args: argparse.Namespace, config: ModelConfig) -> list[dict]:
    """The stage's train file; rloo samples its own replies to the distinct prompts of DPO's pairs."""
    kind = "dpo" if args.stage == "rloo" else args.stage
    examples = read_jsonl(args.data / f"{kind}.train.jsonl", kind, config.vocab_size, config.max_position_embeddings)
    return rloo.distinct_prompts(examples) if args.stage == "rloo" else examples


def summary(stage: str, losses: list[float], progress: rloo.Progress) -> str:
    """What the stage's run did: its loss, or for rloo (whose loss centres on 0 by construction) the
    reward model's mean score of the sampled replies and their KL to the start, early and late."""
    if stage != "rloo":
        return f"loss {losses[0]:.4f} → {losses[-1]:.4f}"
    window = max(1, len(progress.scores) // 10)

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    scores, kls = progress.scores, progress.kls
    return (
        f"reward-model score {mean(scores[:window]):.4f} → {mean(scores[-window:]):.4f}, "
        f"KL to the start {mean(kls[:window]):.4f} → {mean(kls[-window:]):.4f} "
        f"(means of the first and last {window} batches' samples)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m training.trainer.train", description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True, help="training/configs/<name>.json")
    parser.add_argument("--stage", choices=STAGES, required=True)
    parser.add_argument("--data", type=Path, required=True, help="the datasets stage's output directory")
    parser.add_argument("--out", type=Path, required=True, help="checkpoint directory to write")
    parser.add_argument("--init", type=Path, help="checkpoint to start from (ours or Hugging Face Llama/Qwen2)")
    parser.add_argument("--reward", type=Path, help="rloo: the reward model's checkpoint (default: rm next to --out)")
    parser.add_argument(
        "--tokenizer",
        type=Path,
        help=f"tokenizer directory when the data manifest names none (default: the config's, else {DEFAULT_TOKENIZER})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run = load_run_config(args.config)
    if args.stage not in run.stages:
        raise ValueError(f"{args.config}: no {args.stage} section")
    stage = run.stages[args.stage]
    make_deterministic(run.threads)
    world = join_world()
    try:
        # On the device before the clock starts: a GPU's first use (its context) is not training.
        model = starting_model(args, run).to(world.device)
        progress = rloo.Progress()
        objective = objective_for(args, model, run, world, progress)
        examples = training_examples(args, model.config)
        label = f"{run.name} {args.stage}"
        started = time.perf_counter()
        losses = train(model, objective, examples, stage, run.seed, world, label, run.precision)
        seconds = time.perf_counter() - started
        if world.is_main:
            save_checkpoint(args.out, model.cpu())
            print(
                f"{args.stage}: {stage.steps} steps in {seconds:.1f} s ({stage.steps / seconds:.2f} steps/s) "
                f"on {device_description(world)}, {summary(args.stage, losses, progress)}, wrote {args.out}"
            )
    finally:
        if world.size > 1:
            dist.destroy_process_group()


if __name__ == "__main__":
    try:
        main()
    except (ValueError, FileNotFoundError) as error:
        sys.exit(f"error: {error}")
