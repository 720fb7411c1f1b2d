"""Evaluate the trained checkpoints on held-out data and merge the figures into report.json.

`python3 -m training.trainer.evaluate --config C --data D --checkpoints K --out R [--parent P]`
reads K/sft, K/rm and a checkpoint per objective of the config's policy (K/dpo, K/rloo), writes R
(keeping figures other stages already put there) and prints a table. The published policy is the
last objective's. With --parent P (a published parent's checkpoint) it also judges that policy
against P's.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

from . import dpo, reward, sft
from .checkpoint import load_causal_lm, load_reward_model, read_config, write_atomically
from .config import load_run_config
from .data import pad, read_jsonl
from .generate import greedy, greedy_replies
from .hf_config import ModelConfig
from .model import CausalLM, RewardModel
from .tokenizer import Tokenizer
from .train import DEFAULT_TOKENIZER, check_base_tokenizer, initial_policy, make_deterministic, tokenizer_dir

BATCH_SIZE = 16
# With --parent: the new policy's win rate over that parent, and which parent it was.
WIN_RATE_VS_PARENT = "win_rate.vs_parent"
WIN_RATE_PARENT = "win_rate.parent"
# How many prompts the win rate judged: the gate weighs the figure's noise by it.
WIN_RATE_PROMPTS = "win_rate.prompts"
# What the parent stage writes beside a published parent's checkpoint (training/parent/).
PARENT_FILE = "parent.json"
# Held-out questions whose best reply used tools (training/datasets/tool-eval.ts); absent when none.
TOOL_QUESTIONS = "eval.tools.jsonl"
# The skill whose held-out figure is what a model does without tools at arithmetic: the baseline
# printed beside the tool skills.
BASELINE_SKILL = "multiplication"


def in_batches(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def on(device: torch.device, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {name: tensor.to(device) for name, tensor in batch.items()}


@torch.no_grad()
def perplexity(model: CausalLM, examples: list[dict], device: torch.device) -> float:
    """exp of the mean negative log-likelihood over all target (assistant) tokens."""
    total = count = 0.0
    for chunk in in_batches(examples):
        batch = on(device, sft.collate(chunk))
        logits, _ = model(batch["input_ids"], batch["attention_mask"])
        chunk_total, chunk_count = sft.masked_nll(logits, batch["input_ids"], batch["loss_mask"])
        total, count = total + float(chunk_total), count + float(chunk_count)
    return math.exp(total / count)


@torch.no_grad()
def pairwise_accuracy(model: RewardModel, lists: list[dict], device: torch.device) -> float:
    correct = total = 0
    for chunk in in_batches(lists):
        batch = on(device, reward.collate(chunk))
        chunk_correct, chunk_total = reward.correct_pairs(
            model(batch["input_ids"], batch["attention_mask"]), batch["list_sizes"]
        )
        correct, total = correct + chunk_correct, total + chunk_total
    return correct / total


@torch.no_grad()
def reply_logprobs(model: CausalLM, pairs: list[dict], device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """log π(chosen | prompt) and log π(rejected | prompt), each [N]."""
    chosen, rejected = [], []
    for chunk in in_batches(pairs):
        chunk_chosen, chunk_rejected = dpo.sequence_logprobs(model, on(device, dpo.collate(chunk))).chunk(2)
        chosen.append(chunk_chosen.cpu())
        rejected.append(chunk_rejected.cpu())
    return torch.cat(chosen), torch.cat(rejected)


def fraction(flags: torch.Tensor) -> float:
    return float(flags.float().mean())


@torch.no_grad()
def win_rate(
    judge: RewardModel, prompts: list[list[int]], new: list[list[int]], parent: list[list[int]], device: torch.device
) -> float:
    """How often the judge scores the new reply above the parent's: a win 1, a tie ½, a loss 0."""
    points = 0.0
    for start in range(0, len(prompts), BATCH_SIZE):
        rows = []
        for prompt, a, b in zip(prompts[start : start + BATCH_SIZE], new[start:], parent[start:]):
            rows += [prompt + a, prompt + b]
        input_ids, attention_mask = pad(rows)
        scores = judge(input_ids.to(device), attention_mask.to(device)).view(-1, 2).cpu()
        for offset, (score_new, score_parent) in enumerate(scores.tolist()):
            index = start + offset
            # Identical replies tie exactly, whatever rounding the batch padding introduces.
            if new[index] == parent[index] or score_new == score_parent:
                points += 0.5
            elif score_new > score_parent:
                points += 1.0
    return points / len(prompts)


@torch.no_grad()
def mean_score(judge: RewardModel, prompts: list[list[int]], replies: list[list[int]], device: torch.device) -> float:
    """The reward model's mean score of each prompt followed by its reply."""
    total = 0.0
    for start in range(0, len(prompts), BATCH_SIZE):
        rows = [prompt + reply for prompt, reply in zip(prompts[start : start + BATCH_SIZE], replies[start:])]
        input_ids, attention_mask = pad(rows)
        total += float(judge(input_ids.to(device), attention_mask.to(device)).float().sum())
    return total / len(prompts)


@contextmanager
def one_thread() -> Iterator[None]:
    # One token of one sequence is too little work to share between threads: on a busy
    # 2-core machine the hand-offs made decoding 15× slower than a single thread.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def replies_to(model: CausalLM, examples: list[dict], max_new_tokens: int, stop_id: int) -> list[list[int]]:
    return greedy_replies(model, [example["prompt_ids"] for example in examples], max_new_tokens, stop_id)


def reply_text(reply: list[int], tokenizer: Tokenizer) -> str:
    content = reply[:-1] if reply and reply[-1] == tokenizer.end_of_turn_id else reply
    return tokenizer.decode(content)


def is_correct(output: str, answer: str) -> bool:
    return output.strip() == answer.strip()


def exact_match(replies: list[list[int]], examples: list[dict], tokenizer: Tokenizer) -> float:
    hits = [is_correct(reply_text(reply, tokenizer), example["answer"]) for reply, example in zip(replies, examples)]
    return sum(hits) / len(hits)


def exact_match_by_group(hits: list[bool], examples: list[dict]) -> dict[str, tuple[float, int]]:
    """Exact match and question count per group, sorted by name: `<skill>` for each skill and
    `variation.<kind>` for each variation kind of the questions (eval lines carry `skill` and
    `variations`; lines written before they existed count in no group)."""
    if len(hits) != len(examples):
        raise ValueError(f"{len(hits)} grades for {len(examples)} questions")
    tally: dict[str, list[int]] = {}
    for hit, example in zip(hits, examples):
        groups = [example["skill"]] if isinstance(example.get("skill"), str) else []
        groups += [f"variation.{kind}" for kind in dict.fromkeys(example.get("variations") or [])]
        for group in groups:
            correct, count = tally.setdefault(group, [0, 0])
            tally[group] = [correct + int(hit), count + 1]
    return {group: (correct / count, count) for group, (correct, count) in sorted(tally.items())}


def tool_grades(
    reply: Callable[[list[int], int], list[int]], examples: list[dict], tokenizer: Tokenizer, max_new_tokens: int
) -> list[dict]:
    """Each tool question graded with the tools and without them. With: every stage's reply (to
    the recorded turns before it) must be the stage's answer; the stages after a wrong one are not
    asked. Without: the reply to the question alone must be the final answer. `reply(prompt_ids,
    budget)` is the model's greedy reply."""
    records = []
    for example in examples:
        stages = []
        for stage in example["tool_stages"]:
            output = reply_text(reply(stage["prompt_ids"], stage["max_new_tokens"]), tokenizer)
            stages.append({"output": output, "correct": is_correct(output, stage["answer"])})
            if not stages[-1]["correct"]:
                break
        plain = reply_text(reply(example["prompt_ids"], max_new_tokens), tokenizer)
        records.append(
            {
                "tree_id": example["tree_id"],
                "skill": example["skill"],
                "stages": stages,
                "with_tools": len(stages) == len(example["tool_stages"]) and stages[-1]["correct"],
                "output_without_tools": plain,
                "without_tools": is_correct(plain, example["answer"]),
            }
        )
    return records


def tool_figures(records: list[dict]) -> dict:
    """`exact_match.tools.<skill>` and `exact_match.no_tools.<skill>`, the question count per
    skill (`tool_eval_counts`) and the graded replies (`greedy.tools`)."""
    figures: dict = {}
    counts = {}
    for skill in sorted({record["skill"] for record in records}):
        graded = [record for record in records if record["skill"] == skill]
        figures[f"exact_match.tools.{skill}"] = sum(r["with_tools"] for r in graded) / len(graded)
        figures[f"exact_match.no_tools.{skill}"] = sum(r["without_tools"] for r in graded) / len(graded)
        counts[skill] = len(graded)
    figures["tool_eval_counts"] = counts
    figures["greedy.tools"] = records
    return figures


def parent_identity(directory: Path) -> dict:
    """The published version a parent directory holds (the parent stage's parent.json), else its path."""
    named = Path(directory) / PARENT_FILE
    if named.exists():
        identity = json.loads(named.read_text())
        if isinstance(identity, dict) and "model" in identity and "version" in identity:
            return {"model": identity["model"], "version": identity["version"]}
    return {"path": str(directory)}


def before_sft(data_dir: Path, config: ModelConfig, seed: int) -> CausalLM:
    """What sft started from, so the `before` figures show what training added: the Hugging Face
    base the data was tokenized for (`base_model` in the data manifest), else the seeded fresh model."""
    manifest = Path(data_dir) / "manifest.json"
    base = json.loads(manifest.read_text()).get("base_model") if manifest.exists() else None
    return load_causal_lm(Path(base)) if base else initial_policy(config, seed)


def evaluate(args: argparse.Namespace) -> dict:
    run = load_run_config(args.config)
    make_deterministic(run.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    tokenizer = Tokenizer.load(tokenizer_dir(args, run))
    stop_id = tokenizer.end_of_turn_id

    def policy(directory: Path) -> CausalLM:
        return load_causal_lm(directory).to(device).eval()

    # sft, then each objective's policy in the order they trained; the last one is published.
    policies = {name: policy(args.checkpoints / name) for name in ("sft", *run.policy)}
    final = run.policy[-1]
    sft_model, published = policies["sft"], policies[final]
    judge = load_reward_model(args.checkpoints / "rm").to(device).eval()
    before = before_sft(args.data, sft_model.config, run.seed).to(device).eval()
    config = sft_model.config

    def data(name: str, kind: str) -> list[dict]:
        return read_jsonl(args.data / name, kind, config.vocab_size, config.max_position_embeddings)

    sft_val, rm_val, dpo_val, prompts, seen = (
        data("sft.val.jsonl", "sft"),
        data("rm.val.jsonl", "rm"),
        data("dpo.val.jsonl", "dpo"),
        data("eval.jsonl", "eval"),
        data("eval.seen.jsonl", "eval"),
    )
    figures: dict = {
        "sft.val_ppl_before": perplexity(before, sft_val, device),
        "sft.val_ppl": perplexity(sft_model, sft_val, device),
        "rm.pairwise_accuracy": pairwise_accuracy(judge, rm_val, device),
    }

    sft_chosen, sft_rejected = reply_logprobs(sft_model, dpo_val, device)
    figures["sft.preference_accuracy"] = fraction(sft_chosen > sft_rejected)
    if "dpo" in policies:
        beta = run.stages["dpo"].beta
        dpo_chosen, dpo_rejected = reply_logprobs(policies["dpo"], dpo_val, device)
        figures["dpo.implicit_reward_accuracy"] = fraction(
            beta * (dpo_chosen - sft_chosen) > beta * (dpo_rejected - sft_rejected)
        )
        figures["dpo.preference_accuracy"] = fraction(dpo_chosen > dpo_rejected)

    replies = {
        name: replies_to(model, prompts, run.max_new_tokens, stop_id)
        for name, model in (("before", before), *policies.items())
    }
    for name, generated in replies.items():
        figures[f"exact_match.{name}"] = exact_match(generated, prompts, tokenizer)

    prompt_ids = [example["prompt_ids"] for example in prompts]
    # What the reward model thinks of each policy's held-out replies: the figure RLOO maximises
    # (less its KL penalty), so rm_score.rloo against its start's shows what RL did.
    for name in policies:
        figures[f"rm_score.{name}"] = mean_score(judge, prompt_ids, replies[name], device)

    # The published policy on questions from its own training trees, overall and per skill.
    seen_replies = replies_to(published, seen, run.max_new_tokens, stop_id)
    figures["exact_match.seen"] = exact_match(seen_replies, seen, tokenizer)
    for skill in sorted({example["skill"] for example in seen}):
        picked = [i for i, example in enumerate(seen) if example["skill"] == skill]
        figures[f"exact_match.seen.{skill}"] = exact_match(
            [seen_replies[i] for i in picked], [seen[i] for i in picked], tokenizer
        )

    # Each objective against the policy it started from: what that objective itself added.
    for name in run.policy:
        start = run.start_of(name)
        figures[f"win_rate.{name}_vs_parent"] = win_rate(judge, prompt_ids, replies[name], replies[start], device)
    if args.parent:
        # Against the published version this one would replace, on the same held-out prompts and
        # by the same judge: what the release gate compares (training/gate/).
        check_base_tokenizer(args.parent, tokenizer_dir(args, run), read_config(args.parent))
        parent_replies = replies_to(policy(args.parent), prompts, run.max_new_tokens, stop_id)
        figures[WIN_RATE_VS_PARENT] = win_rate(judge, prompt_ids, replies[final], parent_replies, device)
        figures[WIN_RATE_PARENT] = parent_identity(args.parent)
        figures[WIN_RATE_PROMPTS] = len(prompts)

    greedy_records = []
    for example, reply in zip(prompts, replies[final]):
        output = reply_text(reply, tokenizer)
        greedy_records.append(
            {
                "tree_id": example["tree_id"],
                "output": output,
                "output_ids": reply,
                "answer": example["answer"],
                "correct": is_correct(output, example["answer"]),
            }
        )
    # The published policy's held-out questions per skill and per variation kind of the question.
    groups = exact_match_by_group([record["correct"] for record in greedy_records], prompts)
    for group, (share, _) in groups.items():
        figures[f"exact_match.{final}.{group}"] = share
    figures["eval_counts"] = {group: count for group, (_, count) in groups.items()}
    figures["greedy"] = greedy_records

    # The published policy on held-out questions answered with tools: with them and without.
    if (args.data / TOOL_QUESTIONS).exists():
        with one_thread():
            records = tool_grades(
                lambda prompt_ids, budget: greedy(published, prompt_ids, budget, stop_id),
                data(TOOL_QUESTIONS, "eval_tools"),
                tokenizer,
                run.max_new_tokens,
            )
        figures.update(tool_figures(records))
    return figures


def merge_report(path: Path, figures: dict) -> dict:
    """The existing report with `figures` replacing same-named entries, written atomically."""
    report = {}
    if path.exists():
        try:
            report = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: existing report is not valid JSON ({error})") from None
        if not isinstance(report, dict):
            raise ValueError(f"{path}: existing report is not a JSON object")
    report.update(figures)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode())
    return report


def table(figures: dict, published: str) -> str:
    """The numeric figures, one a line; the published policy's per-group exact match with its
    question count."""
    counts = figures.get("eval_counts") or {}

    def shown(name: str, value: float) -> str:
        group = name.removeprefix(f"exact_match.{published}.")
        return f"{value:.4f}" + (f"  of {counts[group]}" if group != name and group in counts else "")

    rows = [(name, shown(name, value)) for name, value in figures.items() if isinstance(value, (int, float))]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'figure':<{width}}  value", f"{'-' * width}  ------"]
    lines += [f"{name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines)


def tool_table(figures: dict, published: str) -> str:
    """The tool skills' held-out exact match with and without tools, beside the published policy's
    held-out multiplication (no tools): what the model does at arithmetic in its head. Empty
    without tool questions."""
    counts = figures.get("tool_eval_counts") or {}
    if not counts:
        return ""
    width = max(len(skill) for skill in [*counts, f"{BASELINE_SKILL} (baseline)"])
    lines = [f"{f'tool skills ({published})':<{width}}  with tools  without tools  questions"]
    for skill, count in counts.items():
        with_tools, without = figures[f"exact_match.tools.{skill}"], figures[f"exact_match.no_tools.{skill}"]
        lines.append(f"{skill:<{width}}  {with_tools:>10.4f}  {without:>13.4f}  {count:>9}")
    baseline = figures.get(f"exact_match.{published}.{BASELINE_SKILL}")
    if baseline is not None:
        count = (figures.get("eval_counts") or {}).get(BASELINE_SKILL, "?")
        lines.append(f"{f'{BASELINE_SKILL} (baseline)':<{width}}  {'-':>10}  {baseline:>13.4f}  {count:>9}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m training.trainer.evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True, help="training/configs/<name>.json")
    parser.add_argument("--data", type=Path, required=True, help="the datasets stage's output directory")
    parser.add_argument(
        "--checkpoints", type=Path, required=True, help="directory holding sft/, rm/ and the policy's dpo/, rloo/"
    )
    parser.add_argument("--out", type=Path, required=True, help="report.json to create or update")
    parser.add_argument(
        "--parent",
        type=Path,
        help=f"a published parent's checkpoint (the parent stage's directory): adds {WIN_RATE_VS_PARENT}, "
        "the published policy's win rate over it",
    )
    parser.add_argument(
        "--tokenizer",
        type=Path,
        help=f"tokenizer directory when the data manifest names none (default: the config's, else {DEFAULT_TOKENIZER})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    figures = evaluate(args)
    merge_report(args.out, figures)
    published = load_run_config(args.config).policy[-1]
    print(table(figures, published))
    tools = tool_table(figures, published)
    if tools:
        print(f"\n{tools}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    try:
        main()
    except (ValueError, FileNotFoundError) as error:
        sys.exit(f"error: {error}")
