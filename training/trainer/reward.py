"""Reward model: Bradley–Terry over every pair of each ranked list, averaged per list, then over lists.

Averaging inside a list first keeps a list of four replies (six pairs) from counting six times
as much as a list of two (one pair).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .data import pad


def collate(lists: list[dict]) -> dict[str, torch.Tensor]:
    """One row per reply (prefix + reply), the lists one after another, best reply first."""
    sequences = [ranked["prefix_ids"] + reply for ranked in lists for reply in ranked["replies"]]
    input_ids, attention_mask = pad(sequences)
    list_sizes = torch.tensor([len(ranked["replies"]) for ranked in lists])
    return {"input_ids": input_ids, "attention_mask": attention_mask, "list_sizes": list_sizes}


def ranked_pairs(size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices (better, worse) of every pair in a best-first list of `size`."""
    better, worse = torch.triu_indices(size, size, offset=1)
    return better, worse


def bradley_terry_loss(scores: torch.Tensor, list_sizes: torch.Tensor) -> torch.Tensor:
    """scores [sum of list_sizes], each list best-first: mean over lists of the mean −log σ(s_better − s_worse)."""
    list_sizes = list_sizes.to(scores.device)
    starts = torch.cumsum(list_sizes, 0) - list_sizes
    per_list = torch.empty(len(list_sizes), dtype=scores.dtype, device=scores.device)
    # Lists of one size at a time, as one tensor: a batch has a few sizes and many lists.
    for size in list_sizes.unique().tolist():
        lists = (list_sizes == size).nonzero().squeeze(-1)
        rows = scores[starts[lists].unsqueeze(-1) + torch.arange(size, device=scores.device)]
        better, worse = ranked_pairs(size)
        per_list[lists] = -F.logsigmoid(rows[:, better] - rows[:, worse]).mean(-1)
    return per_list.mean()


def correct_pairs(scores: torch.Tensor, list_sizes: torch.Tensor) -> tuple[int, int]:
    """How many pairs the scores order as ranked (a tie counts as wrong), and how many pairs."""
    correct = total = 0
    for list_scores in scores.split(list_sizes.tolist()):
        better, worse = ranked_pairs(len(list_scores))
        correct += int((list_scores[better] > list_scores[worse]).sum())
        total += len(better)
    return correct, total


def loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    # Under bf16 autocast the scores come out in bf16; their differences need float32.
    scores = model(batch["input_ids"], batch["attention_mask"]).float()
    return bradley_terry_loss(scores, batch["list_sizes"])
