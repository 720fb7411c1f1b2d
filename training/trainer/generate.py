"""Greedy decoding with the KV cache: the reply the browser's own greedy decoding must reproduce."""

from __future__ import annotations

import torch

from .model import CausalLM


@torch.no_grad()
def greedy(model: CausalLM, prompt_ids: list[int], max_new_tokens: int, stop_id: int) -> list[int]:
    """The greedy continuation of `prompt_ids`, ending with `stop_id` unless the budget ran out first.

    The budget also stops at the model's last position, where rotary positions run out.
    """
    device = model.tok_emb.weight.device
    budget = min(max_new_tokens, model.config.max_position_embeddings - len(prompt_ids))
    logits, past = model(torch.tensor([prompt_ids], device=device))
    reply: list[int] = []
    while len(reply) < budget:
        token = int(logits[0, -1].argmax())
        reply.append(token)
        if token == stop_id:
            break
        logits, past = model(torch.tensor([[token]], device=device), past=past)
    return reply
