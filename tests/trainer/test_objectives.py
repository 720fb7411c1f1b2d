import math
import unittest

import torch

from training.trainer import dpo, reward, sft
from training.trainer.data import PAD_MULTIPLE


def neg_log_sigmoid(x: float) -> float:
    return math.log(1 + math.exp(-x))


class SftLossTest(unittest.TestCase):
    def test_masked_tokens_do_not_count(self):
        torch.manual_seed(0)
        logits = torch.randn(1, 5, 7)
        ids = torch.tensor([[1, 2, 3, 4, 5]])
        mask = torch.tensor([[0, 0, 1, 0, 1]])  # targets: token 3 (from position 1) and 5 (from 3)
        log_probs = logits.log_softmax(-1)
        expected = -(log_probs[0, 1, 3] + log_probs[0, 3, 5])
        total, count = sft.masked_nll(logits, ids, mask)
        self.assertEqual(float(count), 2.0)
        self.assertAlmostEqual(float(total), float(expected), places=5)

        # Changing the logits at positions whose next token is masked changes nothing.
        other = logits.clone()
        other[0, 0] += 5.0
        other[0, 2] -= 3.0
        other[0, 4] += 1.0
        self.assertAlmostEqual(float(sft.masked_nll(other, ids, mask)[0]), float(total), places=5)

    def test_collate_pads_the_mask_with_zeros(self):
        batch = sft.collate([{"input_ids": [1, 2, 3], "loss_mask": [0, 1, 1]}, {"input_ids": [4], "loss_mask": [1]}])
        self.assertEqual(batch["loss_mask"].shape, (2, PAD_MULTIPLE))
        self.assertEqual(batch["loss_mask"][:, :3].tolist(), [[0, 1, 1], [1, 0, 0]])
        self.assertEqual(batch["attention_mask"][:, :3].tolist(), [[1, 1, 1], [1, 0, 0]])
        self.assertEqual(batch["loss_mask"][:, 3:].count_nonzero() + batch["attention_mask"][:, 3:].count_nonzero(), 0)


class BradleyTerryTest(unittest.TestCase):
    def test_all_pairs_of_each_list_averaged_per_list_then_over_lists(self):
        scores = torch.tensor([2.0, 0.5, 1.0, 0.3, -0.2])  # a list of 3 (best first), then a list of 2
        sizes = torch.tensor([3, 2])
        three = (neg_log_sigmoid(2.0 - 0.5) + neg_log_sigmoid(2.0 - 1.0) + neg_log_sigmoid(0.5 - 1.0)) / 3
        two = neg_log_sigmoid(0.3 - (-0.2))
        self.assertAlmostEqual(float(reward.bradley_terry_loss(scores, sizes)), (three + two) / 2, places=6)

    def test_lists_of_mixed_sizes_in_any_order_give_each_lists_own_loss_and_gradient(self):
        torch.manual_seed(0)
        sizes = torch.tensor([2, 4, 3, 2, 5, 3])
        scores = torch.randn(int(sizes.sum()), requires_grad=True)
        expected = []
        for list_scores in scores.split(sizes.tolist()):
            better, worse = reward.ranked_pairs(len(list_scores))
            expected.append(-torch.nn.functional.logsigmoid(list_scores[better] - list_scores[worse]).mean())
        (want,) = torch.autograd.grad(torch.stack(expected).mean(), scores)
        loss = reward.bradley_terry_loss(scores, sizes)
        (got,) = torch.autograd.grad(loss, scores)
        self.assertAlmostEqual(float(loss), float(torch.stack(expected).mean()), places=6)
        self.assertTrue(torch.allclose(got, want))

    def test_pairwise_accuracy_counts_every_pair(self):
        scores = torch.tensor([2.0, 0.5, 1.0, 0.3, 0.3])
        self.assertEqual(reward.correct_pairs(scores, torch.tensor([3, 2])), (2, 4))  # the tie is wrong

    def test_collate_puts_each_reply_after_its_prefix(self):
        batch = reward.collate([{"prefix_ids": [9, 9], "replies": [[1], [2, 3], [4]]}])
        self.assertEqual(batch["input_ids"][:, :4].tolist(), [[9, 9, 1, 0], [9, 9, 2, 3], [9, 9, 4, 0]])
        self.assertEqual(batch["attention_mask"].sum(-1).tolist(), [3, 4, 3])
        self.assertEqual(batch["list_sizes"].tolist(), [3])


class DpoTest(unittest.TestCase):
    def test_sigmoid_loss_on_known_log_probs(self):
        # rows: chosen of pair 1, chosen of pair 2, rejected of pair 1, rejected of pair 2
        policy = torch.tensor([-10.0, -4.0, -12.0, -3.0])
        reference = torch.tensor([-11.0, -5.0, -11.0, -2.0])
        beta = 0.1
        margin_1 = beta * ((-10 + 11) - (-12 + 11))  # 0.2
        margin_2 = beta * ((-4 + 5) - (-3 + 2))  # 0.2
        expected = (neg_log_sigmoid(margin_1) + neg_log_sigmoid(margin_2)) / 2
        self.assertAlmostEqual(float(dpo.dpo_loss(policy, reference, beta)), expected, places=6)
        self.assertAlmostEqual(float(dpo.dpo_loss(reference, reference, beta)), math.log(2), places=6)

    def test_sequence_log_probs_cover_the_reply_only(self):
        batch = dpo.collate([{"prompt_ids": [5, 6], "chosen_ids": [7], "rejected_ids": [8, 9]}])
        self.assertEqual(batch["input_ids"][:, :4].tolist(), [[5, 6, 7, 0], [5, 6, 8, 9]])
        self.assertEqual(batch["response_mask"][:, :4].tolist(), [[0, 0, 1, 0], [0, 0, 1, 1]])
        self.assertEqual(batch["response_mask"][:, 4:].count_nonzero(), 0)

        torch.manual_seed(0)
        logits = torch.randn(2, PAD_MULTIPLE, 10)

        def model(input_ids, attention_mask):
            return logits, None

        log_probs = logits.log_softmax(-1)
        chosen = log_probs[0, 1, 7]
        rejected = log_probs[1, 1, 8] + log_probs[1, 2, 9]
        torch.testing.assert_close(dpo.sequence_logprobs(model, batch), torch.stack((chosen, rejected)))


if __name__ == "__main__":
    unittest.main()
