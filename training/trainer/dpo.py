"""Direct preference optimisation (sigmoid loss) against a frozen reference policy.

The implicit reward of a reply is β·(log π(reply) − log π_ref(reply)); the loss pushes the
chosen reply's implicit reward above the rejected one's.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .data import pad
from .sft import target_logprobs


def collate(pairs: list[dict]) -> dict[str, torch.Tensor]:
    """Rows prompt+chosen for every pair, then prompt+rejected; response_mask marks the reply tokens."""
    replies = [pair["chosen_ids"] for pair in pairs] + [pair["rejected_ids"] for pair in pairs]
    prompts = [pair["prompt_ids"] for pair in pairs] * 2
    input_ids, attention_mask = pad([prompt + reply for prompt, reply in zip(prompts, replies)])
    response_mask, _ = pad([[0] * len(prompt) + [1] * len(reply) for prompt, reply in zip(prompts, replies)], fill=0)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "response_mask": response_mask}


def sequence_logprobs(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """log π(reply | prompt) per row [2B]: the sum over the reply's tokens."""
    logits, _ = model(batch["input_ids"], batch["attention_mask"])
    return (target_logprobs(logits, batch["input_ids"]) * batch["response_mask"][:, 1:]).sum(-1)


def implicit_rewards(policy: torch.Tensor, reference: torch.Tensor, beta: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(chosen, rejected) implicit rewards [B] from row log-probs [2B] laid out as collate() does."""
    chosen, rejected = (beta * (policy - reference)).chunk(2)
    return chosen, rejected


def dpo_loss(policy: torch.Tensor, reference: torch.Tensor, beta: float) -> torch.Tensor:
    """−log σ(r_chosen − r_rejected), averaged over pairs."""
    chosen, rejected = implicit_rewards(policy, reference, beta)
    return -F.logsigmoid(chosen - rejected).mean()


def make_loss(reference: nn.Module, beta: float) -> Callable[[nn.Module, dict], torch.Tensor]:
    reference.eval().requires_grad_(False)

    def loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        with torch.no_grad():
            reference_logprobs = sequence_logprobs(reference, batch)
        return dpo_loss(sequence_logprobs(model, batch), reference_logprobs, beta)

    return loss
