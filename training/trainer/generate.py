"""Decoding with the KV cache: greedy (the reply the browser's own greedy decoding must reproduce)
and sampling at a temperature (the replies RLOO learns from)."""

from __future__ import annotations

import torch

from .data import PAD_ID, PAD_MULTIPLE
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


def left_pad(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-padded rows [B, P] and their attention mask, P a multiple of PAD_MULTIPLE.

    Every prompt then ends in the last column, so one decoding step extends all rows at once.
    """
    longest = max(len(sequence) for sequence in sequences)
    width = -(-longest // PAD_MULTIPLE) * PAD_MULTIPLE
    rows = torch.full((len(sequences), width), PAD_ID, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, sequence in enumerate(sequences):
        rows[row, width - len(sequence) :] = torch.tensor(sequence, dtype=torch.long)
        mask[row, width - len(sequence) :] = 1
    return rows, mask


@torch.no_grad()
def sample(
    model: CausalLM,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    max_new_tokens: int,
    stop_id: int,
    temperature: float,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One sampled reply per left-padded prompt row [B, P]: tokens [B, L] and their mask [B, L].

    A row's mask is 1 up to and including its `stop_id` and 0 after it (the row's later tokens
    are PAD_ID); a row that ran out of budget has no stop token. As in `greedy`, the budget also
    ends where the longest prompt reaches the model's last position.
    """
    longest = int(attention_mask.sum(-1).max())
    budget = min(max_new_tokens, model.config.max_position_embeddings - longest)
    if budget < 1:
        raise ValueError(f"a {longest}-token prompt leaves no position to reply in")
    logits, past = model(input_ids, attention_mask)
    tokens, masks = [], []
    alive = torch.ones(len(input_ids), dtype=torch.bool, device=input_ids.device)
    while True:
        probabilities = torch.softmax(logits[:, -1].float() / temperature, dim=-1)
        token = torch.multinomial(probabilities, 1, generator=generator).squeeze(-1)
        tokens.append(torch.where(alive, token, PAD_ID))
        masks.append(alive.long())
        alive = alive & (token != stop_id)
        if len(tokens) == budget or not alive.any():
            return torch.stack(tokens, dim=1), torch.stack(masks, dim=1)
        # Finished rows keep decoding beside the others (one batched step is cheaper than
        # regrouping the cache); what they produce is masked out above.
        attention_mask = torch.cat((attention_mask, torch.ones_like(attention_mask[:, :1])), dim=1)
        logits, past = model(token[:, None], attention_mask, past=past)
