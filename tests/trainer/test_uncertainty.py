import contextlib
import io
import json
import math
import tempfile
import unittest
from pathlib import Path

import torch

from training.trainer.checkpoint import save_checkpoint
from training.trainer.model import RewardModel
from training.trainer.uncertainty import main as uncertainty_main
from training.trainer.uncertainty import preference_entropy, priorities

from .fixtures import tiny_config


def binary_entropy(p: float) -> float:
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def run(root: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        uncertainty_main(
            ["--checkpoint", str(root / "rm"), "--sets", str(root / "sets.jsonl"), "--out", str(root / "p.jsonl")]
        )


class PreferenceEntropyTest(unittest.TestCase):
    def test_one_bit_when_the_replies_score_alike_and_little_when_far_apart(self):
        self.assertAlmostEqual(preference_entropy(torch.tensor([0.3, 0.3])), 1.0, places=6)
        self.assertLess(preference_entropy(torch.tensor([8.0, -8.0])), 0.001)

    def test_the_mean_over_every_pair_of_the_set(self):
        scores = torch.tensor([1.0, 0.0, -1.0])
        pairs = [1.0, 2.0, 1.0]  # score differences of (0, 1), (0, 2), (1, 2)
        expected = sum(binary_entropy(1 / (1 + math.exp(-d))) for d in pairs) / 3
        self.assertAlmostEqual(preference_entropy(scores), expected, places=5)


class PrioritiesTest(unittest.TestCase):
    def test_scores_every_set_with_the_judges_own_scores(self):
        def judge(input_ids, attention_mask):  # larger token ids score higher
            return (input_ids * attention_mask).sum(-1).float() / 10

        sets = [
            {"parent_id": "a", "prefix_ids": [1], "replies": [[5], [5]]},
            {"parent_id": "b", "prefix_ids": [1], "replies": [[90], [2], [40]]},
        ]
        scored = priorities(judge, sets, torch.device("cpu"))
        self.assertEqual([line["parentId"] for line in scored], ["a", "b"])
        self.assertAlmostEqual(scored[0]["score"], 1.0, places=6)
        self.assertAlmostEqual(scored[1]["score"], preference_entropy(torch.tensor([9.1, 0.3, 4.1])), places=5)

    def test_the_cli_writes_the_servers_priorities_from_a_checkpoint(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            torch.manual_seed(0)
            save_checkpoint(root / "rm", RewardModel(tiny_config()))
            sets = [
                {"parent_id": f"p{i}", "prefix_ids": [10, 11], "replies": [[12, i], [13], [14, 15]]} for i in range(3)
            ]
            (root / "sets.jsonl").write_text("".join(json.dumps(s) + "\n" for s in sets))
            run(root)
            lines = [json.loads(line) for line in (root / "p.jsonl").read_text().splitlines()]
            self.assertEqual([line["parentId"] for line in lines], ["p0", "p1", "p2"])
            for line in lines:
                self.assertTrue(0 < line["score"] <= 1)

    def test_no_sets_no_priorities(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            save_checkpoint(root / "rm", RewardModel(tiny_config()))
            (root / "sets.jsonl").write_text("")
            run(root)
            self.assertEqual((root / "p.jsonl").read_text(), "")


if __name__ == "__main__":
    unittest.main()
