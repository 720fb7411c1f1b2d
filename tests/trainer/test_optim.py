import unittest

import torch

from training.trainer.config import StageConfig
from training.trainer.optim import learning_rate, make_optimizer

STAGE = StageConfig(steps=100, batch_size=4, grad_accum=1, lr=1e-3, warmup=10, weight_decay=0.1, min_lr_ratio=0.1)


class LearningRateTest(unittest.TestCase):
    def test_linear_warm_up_reaches_the_peak_at_its_last_step(self):
        self.assertAlmostEqual(learning_rate(0, STAGE), 1e-4)
        self.assertAlmostEqual(learning_rate(4, STAGE), 5e-4)
        self.assertAlmostEqual(learning_rate(9, STAGE), 1e-3)

    def test_cosine_decay_ends_at_the_floor_on_the_last_step(self):
        self.assertAlmostEqual(learning_rate(99, STAGE), 1e-4)
        halfway = 10 + 90 // 2 - 1  # progress 0.5
        self.assertAlmostEqual(learning_rate(halfway, STAGE), 1e-4 + 0.5 * 9e-4)
        decay = [learning_rate(step, STAGE) for step in range(10, 100)]
        self.assertTrue(all(a > b for a, b in zip(decay, decay[1:])))


class OptimizerTest(unittest.TestCase):
    def test_only_matrices_decay(self):
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LayerNorm(4))
        decayed, plain = make_optimizer(model, STAGE).param_groups
        self.assertEqual([tuple(p.shape) for p in decayed["params"]], [(4, 3)])
        self.assertEqual(decayed["weight_decay"], 0.1)
        self.assertEqual(plain["weight_decay"], 0.0)
        self.assertEqual(len(plain["params"]), 3)


if __name__ == "__main__":
    unittest.main()
