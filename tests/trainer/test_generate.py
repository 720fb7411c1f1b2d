import unittest

import torch

from training.trainer.generate import greedy, greedy_replies
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

    def test_a_batch_decodes_each_prompt_as_it_would_alone_and_keeps_their_order(self):
        prompts = [self.prompt, self.prompt[:3], self.prompt * 7 + [1] * 4, self.prompt[2:] * 2, [257]]
        # Sorted by length, three to a batch: [1, 3, 8] and [12, 60] tokens. The 3-token prompt's
        # reply starts with 115 and stops there while its batch goes on; the 12-token one gets
        # its whole budget of 12 beside the near-full 60-token one, which has room for 4.
        stop = 115
        replies = greedy_replies(self.model, prompts, 12, stop, batch_size=3)
        self.assertEqual(replies, [greedy(self.model, prompt, 12, stop) for prompt in prompts])
        self.assertEqual([len(reply) for reply in replies], [12, 1, 4, 12, 12])
        self.assertEqual(replies[1], [stop])
        self.assertEqual(replies[0], greedy_by_recompute(self.model, self.prompt, 12))
        self.assertEqual(greedy_replies(self.model, [self.prompt * 8], 12, stop), [[]])  # no room left


if __name__ == "__main__":
    unittest.main()
