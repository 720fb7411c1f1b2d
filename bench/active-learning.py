"""Active learning for rankings, simulated: the reward model's held-out pairwise accuracy against
the number of human rankings, when the sibling sets people rank are chosen by the reward
model's uncertainty (with the server's random share) and when they are chosen at random.

    python3 bench/active-learning.py [--pool 3000] [--start 40] [--step 60] [--budget 640]
        [--heads 5] [--random-share 0.2] [--seeds 3]

The world is hidden from the learner: every reply is a feature vector, its true quality a fixed
nonlinear function of it, and a person ranks a sibling set by true quality plus their own noise
(Gumbel, so rankings follow Plackett–Luce as human rankings roughly do). Accuracy is measured
against the true order on held-out pairs. The reward model is what the pipeline would train: an
ensemble of a few linear heads on one shared backbone, each head on its own bootstrap of the
ranked sets, trained with the trainer's own Bradley–Terry loss (training/trainer/reward.py).
A set's uncertainty is measured two ways: how much the heads disagree on the order of its
replies (the mean over its pairs of the spread of the heads' score differences), and the entropy
of the preference the reward model predicts, which the pipeline uses. Each round, after retraining, the
most uncertain sets are ranked next, and a random share of each round's sets is drawn
uniformly, as the server's task choice does, so the reward model still sees an unbiased sample.

Prints the curves and, per measure, the saving: how many fewer rankings uncertainty-driven choice needs to
reach the accuracy random choice reaches with the whole budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from training.trainer.reward import bradley_terry_loss  # noqa: E402
from training.trainer.uncertainty import pairwise_entropy  # noqa: E402

FEATURES = 64
SET_SIZE = 3
HUMAN_NOISE = 0.5
TRAIN_STEPS = 400


class World:
    """Replies, their hidden quality and a crowd that ranks them noisily."""

    def __init__(self, pool: int, generator: torch.Generator):
        self.generator = generator
        self.mix = torch.randn(FEATURES, FEATURES, generator=generator) / FEATURES**0.5
        self.weights = torch.randn(FEATURES, generator=generator)
        self.replies = torch.randn(pool, SET_SIZE, FEATURES, generator=generator)
        test = torch.randn(2000, 2, FEATURES, generator=generator)
        quality = self.quality(test)
        self.test = test
        self.test_better = quality[:, 0] > quality[:, 1]

    def quality(self, replies: torch.Tensor) -> torch.Tensor:
        return torch.tanh(replies @ self.mix) @ self.weights + 0.3 * (replies[..., 0] * replies[..., 1])

    def rank(self, indices: list[int]) -> torch.Tensor:
        """The chosen sets' replies, each set best-first as a person ranked it."""
        replies = self.replies[indices]
        uniform = torch.rand(replies.shape[:2], generator=self.generator).clamp_min(1e-9)
        noisy = self.quality(replies) - HUMAN_NOISE * torch.log(-torch.log(uniform))
        order = noisy.argsort(dim=1, descending=True)
        return torch.gather(replies, 1, order.unsqueeze(-1).expand_as(replies))


class Ensemble(nn.Module):
    """A shared backbone and several reward heads."""

    def __init__(self, heads: int):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(FEATURES, 48), nn.GELU(), nn.Linear(48, 48), nn.GELU())
        self.heads = nn.Linear(48, heads)

    def forward(self, replies: torch.Tensor) -> torch.Tensor:
        """Scores [..., heads]."""
        return self.heads(self.backbone(replies))


def train(ranked: torch.Tensor, heads: int, seed: int) -> Ensemble:
    torch.manual_seed(seed)
    model = Ensemble(heads)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
    # Each head learns from its own bootstrap of the ranked sets: the disagreement that follows
    # is where the data does not yet pin the reward down.
    bootstrap = torch.randint(0, len(ranked), (heads, len(ranked)))
    sizes = torch.full((len(ranked),), SET_SIZE)
    for _ in range(TRAIN_STEPS):
        scores = model(ranked)  # [sets, SET_SIZE, heads]
        loss = torch.stack(
            [bradley_terry_loss(scores[bootstrap[h], :, h].reshape(-1), sizes) for h in range(heads)]
        ).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


@torch.no_grad()
def accuracy(model: Ensemble, world: World) -> float:
    scores = model(world.test).mean(-1)
    return float(((scores[:, 0] > scores[:, 1]) == world.test_better).float().mean())


@torch.no_grad()
def uncertainty(model: Ensemble, replies: torch.Tensor, strategy: str) -> torch.Tensor:
    """Per set: `disagreement`, the mean over its pairs of the heads' spread in score difference;
    `entropy`, what the pipeline uses (training/trainer/uncertainty.py), the mean over its pairs of
    the entropy of the preference σ(s_i − s_j) the reward model (the heads' mean) predicts."""
    scores = model(replies)  # [sets, SET_SIZE, heads]
    if strategy == "disagreement":
        better, worse = torch.triu_indices(SET_SIZE, SET_SIZE, offset=1)
        return (scores[:, better] - scores[:, worse]).std(-1).mean(-1)
    return pairwise_entropy(scores.mean(-1))


def run(strategy: str, args: argparse.Namespace, seed: int) -> list[tuple[int, float]]:
    generator = torch.Generator().manual_seed(seed)
    world = World(args.pool, generator)
    unlabelled = torch.randperm(args.pool, generator=generator).tolist()
    chosen, unlabelled = unlabelled[: args.start], unlabelled[args.start :]
    ranked = world.rank(chosen)
    curve = []
    while True:
        model = train(ranked, args.heads, seed)
        curve.append((len(ranked), accuracy(model, world)))
        if len(ranked) >= args.budget:
            return curve
        take = min(args.step, args.budget - len(ranked))
        random_take = take if strategy == "random" else round(take * args.random_share)
        if random_take < take:
            order = uncertainty(model, world.replies[unlabelled], strategy).argsort(descending=True).tolist()
            picked = [unlabelled[i] for i in order[: take - random_take]]
        else:
            picked = []
        taken = set(picked)
        rest = [i for i in unlabelled if i not in taken]
        shuffled = torch.randperm(len(rest), generator=generator).tolist()
        picked += [rest[i] for i in shuffled[:random_take]]
        taken.update(picked)
        unlabelled = [i for i in unlabelled if i not in taken]
        ranked = torch.cat([ranked, world.rank(picked)])


def labels_to_reach(curve: list[tuple[int, float]], target: float) -> float | None:
    """Rankings needed to reach `target` accuracy, interpolated between measured points."""
    for (n0, a0), (n1, a1) in zip(curve, curve[1:]):
        if a0 >= target:
            return n0
        if a1 >= target:
            return n0 + (n1 - n0) * (target - a0) / (a1 - a0)
    return curve[-1][0] if curve[-1][1] >= target else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=int, default=3000)
    parser.add_argument("--start", type=int, default=40)
    parser.add_argument("--step", type=int, default=60)
    parser.add_argument("--budget", type=int, default=640)
    parser.add_argument("--heads", type=int, default=5)
    parser.add_argument("--random-share", type=float, default=0.2)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)

    strategies = ("disagreement", "entropy", "random")
    curves = {s: [run(s, args, seed) for seed in range(args.seeds)] for s in strategies}
    mean = {
        s: [(runs[0][i][0], statistics.mean(r[i][1] for r in runs)) for i in range(len(runs[0]))]
        for s, runs in curves.items()
    }
    print(f"held-out pairwise accuracy, mean of {args.seeds} seeds ({args.heads} heads, "
          f"random share {args.random_share:.0%} of uncertainty-driven picks)")
    print(f"{'rankings':>9}" + "".join(f"  {s:>12}" for s in strategies))
    for i, (n, _) in enumerate(mean["random"]):
        print(f"{n:>9}" + "".join(f"  {mean[s][i][1]:>12.3f}" for s in strategies))
    target = mean["random"][-1][1]
    for strategy in strategies[:-1]:
        needed = labels_to_reach(mean[strategy], target)
        if needed is None:
            print(f"{strategy}: did not reach random choice's {target:.3f} within the budget")
        else:
            print(
                f"{strategy}: reaches {target:.3f} (random choice with {args.budget} rankings) with {needed:.0f}, "
                f"{1 - needed / args.budget:.0%} fewer rankings"
            )


if __name__ == "__main__":
    main()
