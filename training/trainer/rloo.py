"""RLOO: REINFORCE with a leave-one-out baseline, on the reward model's scores.

Each step takes a batch of B prompts x and samples k replies y_1 … y_k to each from the current
policy π, at the stage's temperature; a reply ends at the end-of-turn token or after
max_new_tokens. A reply earns the reward model's score of the whole conversation, less a penalty
for drifting from the reference π_ref, the policy the stage started from (frozen):

    r_i = RM(x, y_i) − kl_coef · Σ_t [log π(y_i,t | x, y_i,<t) − log π_ref(y_i,t | x, y_i,<t)]

The summed log-ratio is a one-sample estimate of KL(π ‖ π_ref) on that prompt. It keeps the policy
near replies the reward model has seen the like of: far from them its scores mean little, and a
policy that chases them anyway learns to please the judge instead of the people it learnt from.

Reply i's baseline is the mean reward of the prompt's other k − 1 replies, so its advantage

    A_i = r_i − 1/(k − 1) · Σ_{j≠i} r_j

says how much better it did than its siblings on the same prompt. The baseline does not depend on
y_i, so the gradient stays unbiased; unlike PPO's, it needs no value network. The loss is
REINFORCE's,

    L = −1/(B·k) · Σ_i A_i · log π(y_i | x),    log π(y_i | x) = Σ_t log π(y_i,t | x, y_i,<t),

whose gradient raises the likelihood of the replies that beat their siblings and lowers the
others'. Rewards and advantages are constants to it: the gradient flows through log π alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from .config import StageConfig
from .data import PAD_ID, PAD_MULTIPLE
from .generate import left_pad, sample
from .model import CausalLM, RewardModel
from .sft import target_logprobs


def distinct_prompts(pairs: list[dict]) -> list[dict]:
    """The prompts of the DPO pairs, each once (a ranked list of n replies gives n(n−1)/2 pairs)."""
    seen: dict[tuple[int, ...], dict] = {}
    for pair in pairs:
        seen.setdefault(tuple(pair["prompt_ids"]), {"tree_id": pair["tree_id"], "prompt_ids": pair["prompt_ids"]})
    return list(seen.values())


def collate(prompts: list[dict]) -> dict[str, torch.Tensor]:
    input_ids, attention_mask = left_pad([prompt["prompt_ids"] for prompt in prompts])
    return {"input_ids": input_ids, "attention_mask": attention_mask}


def rollouts(
    policy: CausalLM, batch: dict[str, torch.Tensor], stage: StageConfig, stop_id: int, generator: torch.Generator
) -> dict[str, torch.Tensor]:
    """stage.k sampled replies to each prompt row, as rows prompt + reply: prompt b's replies are
    rows b·k … b·k + k − 1. response_mask marks the reply tokens (up to and including the stop token)."""
    prompts = batch["input_ids"].repeat_interleave(stage.k, dim=0)
    prompt_mask = batch["attention_mask"].repeat_interleave(stage.k, dim=0)
    replies, reply_mask = sample(
        policy, prompts, prompt_mask, stage.max_new_tokens, stop_id, stage.temperature, generator
    )
    # Round the width up as data.pad does: CPU kernels keep buffers per tensor shape.
    extra = -replies.shape[1] % PAD_MULTIPLE
    replies = nn.functional.pad(replies, (0, extra), value=PAD_ID)
    reply_mask = nn.functional.pad(reply_mask, (0, extra), value=0)
    return {
        "input_ids": torch.cat((prompts, replies), dim=1),
        "attention_mask": torch.cat((prompt_mask, reply_mask), dim=1),
        "response_mask": torch.cat((torch.zeros_like(prompt_mask), reply_mask), dim=1),
    }


def token_logprobs(model: nn.Module, rows: dict[str, torch.Tensor]) -> torch.Tensor:
    """log π(token t | tokens < t) [N, T−1] of every row; only reply positions mean anything."""
    logits, _ = model(rows["input_ids"], rows["attention_mask"])
    return target_logprobs(logits.float(), rows["input_ids"])


def reply_logprob(token_logprobs: torch.Tensor, response_mask: torch.Tensor) -> torch.Tensor:
    """Σ over the reply's tokens [N]: token_logprobs [N, T−1] predict positions 1 … T−1, so the
    mask shifts by one. `where`, not a product, so a non-finite value at padding cannot leak in."""
    targets = response_mask[:, 1:].bool()
    return torch.where(targets, token_logprobs, torch.zeros_like(token_logprobs)).sum(-1)


def kl_penalty(policy: torch.Tensor, reference: torch.Tensor, response_mask: torch.Tensor) -> torch.Tensor:
    """Σ over the reply's tokens of log π − log π_ref [N], from token log-probs [N, T−1] each."""
    return reply_logprob(policy - reference, response_mask)


def leave_one_out_advantages(rewards: torch.Tensor) -> torch.Tensor:
    """rewards [B, k] → advantages [B, k]: each reward less the mean of its prompt's other k − 1."""
    k = rewards.shape[-1]
    baseline = (rewards.sum(-1, keepdim=True) - rewards) / (k - 1)
    return rewards - baseline


def rloo_loss(advantages: torch.Tensor, logprobs: torch.Tensor) -> torch.Tensor:
    """−mean of A_i · log π(y_i | x) over the batch's replies; the advantages carry no gradient."""
    return -(advantages.detach() * logprobs).mean()


@dataclass
class Progress:
    """Per micro-batch means over its replies: the reward model's score and the KL estimate."""

    scores: list[float] = field(default_factory=list)
    kls: list[float] = field(default_factory=list)


def make_loss(
    reference: CausalLM,
    reward_model: RewardModel,
    stage: StageConfig,
    stop_id: int,
    generator: torch.Generator,
    progress: Progress,
) -> Callable[[nn.Module, dict], torch.Tensor]:
    reference.eval().requires_grad_(False)
    reward_model.eval().requires_grad_(False)

    def loss(model: nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        # Sampling needs no gradient, so not DDP's bookkeeping either: the module it wraps.
        policy = getattr(model, "module", model)
        rows = rollouts(policy, batch, stage, stop_id, generator)
        with torch.no_grad():
            scores = reward_model(rows["input_ids"], rows["attention_mask"]).float()
            reference_tokens = token_logprobs(reference, rows)
        policy_tokens = token_logprobs(model, rows)
        kl = kl_penalty(policy_tokens.detach(), reference_tokens, rows["response_mask"])
        rewards = scores - stage.kl_coef * kl
        advantages = leave_one_out_advantages(rewards.view(-1, stage.k)).view(-1)
        progress.scores.append(float(scores.mean()))
        progress.kls.append(float(kl.mean()))
        return rloo_loss(advantages, reply_logprob(policy_tokens, rows["response_mask"]))

    return loss
