"""Decoding with the KV cache, many prompts at once: greedy (the reply the browser's own greedy
decoding must reproduce) and sampling at a temperature (the replies RLOO learns from).

Prompts are left-padded so that each ends in the last column and one decoding step extends
every row; positions count real tokens only, so a row decodes as it would alone.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from .data import PAD_ID, PAD_MULTIPLE
from .model import CausalLM

# Rows decoded together by `greedy_replies`: enough to keep a GPU busy, little memory on a CPU.
GREEDY_BATCH = 32


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


def budgets(model: CausalLM, attention_mask: torch.Tensor, max_new_tokens: int) -> torch.Tensor:
    """Each row's token budget [B]: `max_new_tokens`, or fewer where the row would run past the
    model's last position (rotary positions run out there)."""
    room = model.config.max_position_embeddings - attention_mask.sum(-1)
    return room.clamp(max=max_new_tokens)


def decode(
    model: CausalLM,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    budget: torch.Tensor,
    stop_id: int,
    pick: Callable[[torch.Tensor], torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor]:
    """Tokens [B, L] chosen by `pick` (next-token logits [B, V] → ids [B]) and their mask [B, L].

    A row's mask is 1 up to and including its `stop_id`, or up to its `budget`, and 0 after it
    (the row's later tokens are PAD_ID). A row with no budget gets an empty reply.
    """
    logits, past = model(input_ids, attention_mask)
    tokens, masks = [], []
    alive = budget > 0
    while True:
        token = pick(logits[:, -1])
        tokens.append(torch.where(alive, token, PAD_ID))
        masks.append(alive.long())
        alive = alive & (token != stop_id) & (budget > len(tokens))
        if not alive.any():
            return torch.stack(tokens, dim=1), torch.stack(masks, dim=1)
        # Finished rows keep decoding beside the others (one batched step is cheaper than
        # regrouping the cache); what they produce is masked out above.
        attention_mask = torch.cat((attention_mask, torch.ones_like(attention_mask[:, :1])), dim=1)
        logits, past = model(token[:, None], attention_mask, past=past)


@torch.no_grad()
def greedy_replies(
    model: CausalLM, prompts: list[list[int]], max_new_tokens: int, stop_id: int, batch_size: int = GREEDY_BATCH
) -> list[list[int]]:
    """The greedy continuation of each prompt, ending with `stop_id` unless its budget ran out first.

    Prompts of similar length share a batch, so little of it is padding; replies come back in
    the prompts' order.
    """
    device = model.tok_emb.weight.device
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    replies: list[list[int]] = [[] for _ in prompts]
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        input_ids, attention_mask = (t.to(device) for t in left_pad([prompts[i] for i in rows]))
        budget = budgets(model, attention_mask, max_new_tokens)
        tokens, mask = decode(model, input_ids, attention_mask, budget, stop_id, lambda logits: logits.argmax(-1))
        for row, i in enumerate(rows):
            replies[i] = tokens[row][mask[row].bool()].tolist()
    return replies


def greedy(model: CausalLM, prompt_ids: list[int], max_new_tokens: int, stop_id: int) -> list[int]:
    """The greedy continuation of one prompt (see `greedy_replies`)."""
    return greedy_replies(model, [prompt_ids], max_new_tokens, stop_id)[0]


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

    As in `decode`, a row ends at its `stop_id` or its budget, and a row that ran out of budget
    has no stop token.
    """
    budget = budgets(model, attention_mask, max_new_tokens)
    if int(budget.min()) < 1:
        longest = int(attention_mask.sum(-1).max())
        raise ValueError(f"a {longest}-token prompt leaves no position to reply in")

    def pick(logits: torch.Tensor) -> torch.Tensor:
        probabilities = torch.softmax(logits.float() / temperature, dim=-1)
        return torch.multinomial(probabilities, 1, generator=generator).squeeze(-1)

    return decode(model, input_ids, attention_mask, budget, stop_id, pick)
