"""Supervised fine-tuning: cross-entropy on the target tokens (assistant replies and their end-of-turn)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .data import pad


def collate(examples: list[dict]) -> dict[str, torch.Tensor]:
    input_ids, attention_mask = pad([example["input_ids"] for example in examples])
    loss_mask, _ = pad([example["loss_mask"] for example in examples], fill=0)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "loss_mask": loss_mask}


def target_logprobs(logits: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
    """log p(token t | tokens < t) for t ≥ 1: [B, T-1] from logits [B, T, V] and ids [B, T]."""
    B, T, V = logits.shape
    nll = F.cross_entropy(logits[:, :-1].reshape(-1, V), input_ids[:, 1:].reshape(-1), reduction="none")
    return -nll.view(B, T - 1)


def masked_nll(
    logits: torch.Tensor, input_ids: torch.Tensor, loss_mask: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Summed negative log-likelihood of the target tokens, and how many there are.

    loss_mask marks targets in input positions; position t is predicted from position t-1,
    so the mask shifts by one to line up with the predictions.
    """
    targets = loss_mask[:, 1:].to(logits.dtype)  # [B, T-1]
    return -(target_logprobs(logits, input_ids) * targets).sum(), targets.sum()


def loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    logits, _ = model(batch["input_ids"], batch["attention_mask"])
    total, count = masked_nll(logits, batch["input_ids"], batch["loss_mask"])
    return total / count
