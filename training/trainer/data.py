"""Reading the datasets stage's JSON-lines files, padding, and the shuffled batch stream.

File formats are in training/README.md ("Data files"). Every line is checked on read so that a
bad file stops the run at once with `file:line: problem`, not later as a shape error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import torch

PAD_ID = 0  # padded positions are never attended to or scored, so any valid id will do


def _token_ids(value, vocab_size: int) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of token ids"
    for token in value:
        if not isinstance(token, int) or isinstance(token, bool) or not 0 <= token < vocab_size:
            return f"holds {token!r}, not a token id in [0, {vocab_size})"
    return None


def _check_sft(line: dict, vocab_size: int) -> str | None:
    problem = _token_ids(line.get("input_ids"), vocab_size)
    if problem:
        return "input_ids " + problem
    mask = line.get("loss_mask")
    if not isinstance(mask, list) or len(mask) != len(line["input_ids"]) or any(m not in (0, 1) for m in mask):
        return "loss_mask must be a list of 0/1 as long as input_ids"
    if not any(mask[1:]):
        return "loss_mask marks no target after the first token"
    return None


def _check_ranked(line: dict, vocab_size: int) -> str | None:
    problem = _token_ids(line.get("prefix_ids"), vocab_size)
    if problem:
        return "prefix_ids " + problem
    replies = line.get("replies")
    if not isinstance(replies, list) or len(replies) < 2:
        return "replies must be a list of at least 2 ranked replies"
    for index, reply in enumerate(replies):
        problem = _token_ids(reply, vocab_size)
        if problem:
            return f"replies[{index}] {problem}"
    return None


def _check_pair(line: dict, vocab_size: int) -> str | None:
    for field in ("prompt_ids", "chosen_ids", "rejected_ids"):
        problem = _token_ids(line.get(field), vocab_size)
        if problem:
            return f"{field} {problem}"
    return None


def _check_eval(line: dict, vocab_size: int) -> str | None:
    problem = _token_ids(line.get("prompt_ids"), vocab_size)
    if problem:
        return "prompt_ids " + problem
    if not isinstance(line.get("answer"), str):
        return "answer must be a string"
    return None


def _check_tool_eval(line: dict, vocab_size: int) -> str | None:
    problem = _check_eval(line, vocab_size)
    if problem:
        return problem
    stages = line.get("tool_stages")
    if not isinstance(stages, list) or not stages:
        return "tool_stages must be a non-empty list"
    for index, stage in enumerate(stages):
        where = f"tool_stages[{index}]"
        if not isinstance(stage, dict):
            return f"{where} must be an object"
        problem = _token_ids(stage.get("prompt_ids"), vocab_size)
        if problem:
            return f"{where}.prompt_ids {problem}"
        if not isinstance(stage.get("answer"), str):
            return f"{where}.answer must be a string"
        budget = stage.get("max_new_tokens")
        if not isinstance(budget, int) or isinstance(budget, bool) or budget < 1:
            return f"{where}.max_new_tokens must be a positive integer"
    return None


# Per kind: the line check, and the longest sequence the model will see for that line.
KINDS = {
    "sft": (_check_sft, lambda line: len(line["input_ids"])),
    "rm": (_check_ranked, lambda line: len(line["prefix_ids"]) + max(map(len, line["replies"]))),
    "dpo": (
        _check_pair,
        lambda line: len(line["prompt_ids"]) + max(len(line["chosen_ids"]), len(line["rejected_ids"])),
    ),
    "eval": (_check_eval, lambda line: len(line["prompt_ids"])),
    "eval_tools": (
        _check_tool_eval,
        lambda line: max(len(line["prompt_ids"]), *(len(stage["prompt_ids"]) for stage in line["tool_stages"])),
    ),
}


def read_jsonl(path: Path, kind: str, vocab_size: int, max_positions: int) -> list[dict]:
    """The lines of a `kind` file (sft, rm, dpo, eval or eval_tools), each checked against the model's limits."""
    check, longest = KINDS[kind]
    examples = []
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: data file not found") from None
    with handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                line = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not valid JSON ({error.msg} at column {error.colno})") from None
            if not isinstance(line, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            if "tree_id" not in line:
                raise ValueError(f"{path}:{number}: tree_id is missing")
            problem = check(line, vocab_size)
            if problem:
                raise ValueError(f"{path}:{number}: {problem}")
            if longest(line) > max_positions:
                raise ValueError(
                    f"{path}:{number}: {longest(line)} tokens exceed max_position_embeddings {max_positions}"
                )
            examples.append(line)
    if not examples:
        raise ValueError(f"{path}: no examples")
    return examples


# Batch widths are rounded up to a multiple of this. CPU kernels (oneDNN's above all) keep
# buffers and compiled code per tensor shape: with every width distinct, a bf16 demo run grew
# by 1 GB per 800 steps and slowed by a third; with 16 it stays flat at a few widths' worth.
PAD_MULTIPLE = 16


def pad(sequences: list[list[int]], fill: int = PAD_ID) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-padded rows [B, T] and the attention mask [B, T] (1 = real token); T is a multiple of PAD_MULTIPLE."""
    longest = max(len(sequence) for sequence in sequences)
    width = -(-longest // PAD_MULTIPLE) * PAD_MULTIPLE
    rows = torch.full((len(sequences), width), fill, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        rows[row, : len(sequence)] = torch.tensor(sequence, dtype=torch.long)
        mask[row, : len(sequence)] = 1
    return rows, mask


def sequence_length(kind: str) -> Callable[[dict], int]:
    """The padded width one example of `kind` needs: what length-grouped batching sorts by."""
    return KINDS[kind][1]


# Length-grouped batches come from windows of this many batches' worth of shuffled examples,
# sorted by length: padding drops (from 46% to 8% of batch positions on our seed data) while
# each window is still a random draw from the whole set.
GROUP_BATCHES = 16


def batches(
    examples: list,
    batch_size: int,
    seed: int,
    rank: int = 0,
    world_size: int = 1,
    length: Callable[[dict], int] | None = None,
) -> Iterator[list]:
    """Endless micro-batches: each epoch a fresh seeded shuffle, dealt round-robin to the ranks.

    With `length`, examples of similar length are batched together (see GROUP_BATCHES) and the
    batches of each window are served in a seeded random order.
    Every rank gets the same number of batches per epoch (the shuffle's tail that does not
    divide evenly is left for that epoch), so DDP processes never wait on each other.
    """
    generator = torch.Generator().manual_seed(seed)
    per_rank = len(examples) // world_size
    if per_rank < batch_size:
        raise ValueError(
            f"{len(examples)} examples cannot fill a batch of {batch_size} on each of {world_size} process(es)"
        )
    usable = per_rank - per_rank % batch_size
    window = batch_size * GROUP_BATCHES if length else usable
    while True:
        order = torch.randperm(len(examples), generator=generator).tolist()
        mine = order[rank : per_rank * world_size : world_size][:usable]
        for start in range(0, usable, window):
            chunk = mine[start : start + window]
            batch_starts = list(range(0, len(chunk), batch_size))
            if length:
                chunk.sort(key=lambda i: length(examples[i]))  # stable: equal lengths keep the shuffle
                batch_starts = [batch_starts[j] for j in torch.randperm(len(batch_starts), generator=generator)]
            for batch_start in batch_starts:
                yield [examples[i] for i in chunk[batch_start : batch_start + batch_size]]
