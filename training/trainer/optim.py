"""AdamW with a linear warm-up to the peak learning rate, then a cosine decay to a floor."""

from __future__ import annotations

import math

import torch
from torch import nn

from .config import StageConfig


def make_optimizer(model: nn.Module, stage: StageConfig) -> torch.optim.AdamW:
    # Weight decay applies to matrices only: decaying norms, biases and scalars only hurts.
    params = [param for param in model.parameters() if param.requires_grad]
    groups = [
        {"params": [param for param in params if param.dim() >= 2], "weight_decay": stage.weight_decay},
        {"params": [param for param in params if param.dim() < 2], "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=stage.lr, betas=(0.9, 0.95))


def learning_rate(step: int, stage: StageConfig) -> float:
    """The learning rate of optimizer step `step` (0-based): peak at step warmup-1, floor at the last step."""
    if step < stage.warmup:
        return stage.lr * (step + 1) / stage.warmup
    progress = (step + 1 - stage.warmup) / (stage.steps - stage.warmup)  # in (0, 1]
    floor = stage.lr * stage.min_lr_ratio
    return floor + (stage.lr - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))
