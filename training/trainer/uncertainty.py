"""How unsure the reward model is of each sibling set's order: active learning for rankings.

    python3 -m training.trainer.uncertainty --checkpoint <rm dir> --sets <sets.jsonl> --out <priorities.jsonl>

A set's uncertainty is the mean, over its pairs of replies, of the entropy (in bits) of the
Bradley–Terry preference the reward model predicts, H(σ(s_i − s_j)): 1 when it cannot tell two
replies apart, near 0 when it is sure. This is uncertainty sampling (Lewis & Gale, 1994) with the
model the pipeline trains anyway; people's rankings are worth most where it is least sure. The
server keeps a random share of its ranking tasks, so the reward model still sees an unbiased
sample. Sets come from the ranking-sets stage; the output lines are the server's priorities.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from . import reward
from .checkpoint import load_reward_model, write_atomically
from .evaluate import in_batches, on
from .model import RewardModel


def pairwise_entropy(scores: torch.Tensor) -> torch.Tensor:
    """scores [..., n] of sets of n replies: per set, the mean over its pairs of the binary entropy
    of σ(s_i − s_j), in bits."""
    n = scores.shape[-1]
    first, second = torch.triu_indices(n, n, offset=1)
    p = torch.sigmoid(scores[..., first] - scores[..., second]).clamp(1e-12, 1 - 1e-12)
    return (-(p * p.log2()) - (1 - p) * (1 - p).log2()).mean(-1)


def preference_entropy(scores: torch.Tensor) -> float:
    """One set's uncertainty: `pairwise_entropy` of its replies' scores."""
    return float(pairwise_entropy(scores))


@torch.no_grad()
def priorities(model: RewardModel, sets: list[dict], device: torch.device) -> list[dict]:
    out = []
    for chunk in in_batches(sets):
        batch = on(device, reward.collate(chunk))
        scores = model(batch["input_ids"], batch["attention_mask"]).float().cpu()
        for line, set_scores in zip(chunk, scores.split(batch["list_sizes"].tolist())):
            out.append({"parentId": line["parent_id"], "score": preference_entropy(set_scores)})
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python3 -m training.trainer.uncertainty", description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", type=Path, required=True, help="the reward model's checkpoint directory")
    parser.add_argument("--sets", type=Path, required=True, help="the ranking-sets stage's sets.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="priorities.jsonl to write")
    args = parser.parse_args(argv)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = load_reward_model(args.checkpoint).to(device).eval()
    sets = [json.loads(line) for line in args.sets.read_text().splitlines() if line.strip()]
    scored = priorities(model, sets, device)
    write_atomically(args.out, "".join(json.dumps(line) + "\n" for line in scored).encode())
    if scored:
        ordered = sorted(line["score"] for line in scored)
        print(f"uncertainty: {len(scored)} sets, entropy {ordered[0]:.3f}–{ordered[-1]:.3f} bits → {args.out}")
    else:
        print(f"uncertainty: no sets waiting for rankings → {args.out}")


if __name__ == "__main__":
    try:
        main()
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
