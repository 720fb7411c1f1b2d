import unittest

import torch

from training.trainer.generate import greedy
from training.trainer.model import CausalLM

from .fixtures import tiny_config


def greedy_by_recompute(model: CausalLM, prompt: list[int], steps: int) -> list[int]:
    ids = list(prompt)
    for _ in range(steps):
        logits, _ = model(torch.tensor([ids]))
        ids.append(int(logits[0, -1].argmax()))
    return ids[len(prompt) :]


class GreedyTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.model = CausalLM(tiny_config()).eval()
        self.prompt = [257, 117, 115, 101, 114, 10, 104, 105]

    def test_cached_decoding_matches_recomputing_every_step(self):
        expected = greedy_by_recompute(self.model, self.prompt, 12)
        stop = 999  # never produced: run the whole budget
        self.assertEqual(greedy(self.model, self.prompt, 12, stop_id=stop), expected)

    def test_stops_after_the_stop_token_and_at_the_last_position(self):
        expected = greedy_by_recompute(self.model, self.prompt, 12)
        stop = expected[4]
        reply = greedy(self.model, self.prompt, 12, stop_id=stop)
        self.assertEqual(reply, expected[: expected.index(stop) + 1])
        long_prompt = self.prompt * 7 + [1] * 4  # 60 of the 64 positions
        self.assertEqual(len(greedy(self.model, long_prompt, 12, stop_id=999)), 4)


if __name__ == "__main__":
    unittest.main()
