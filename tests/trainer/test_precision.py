import io
import unittest
from contextlib import redirect_stderr
from unittest import mock

import torch

from training.trainer import precision
from training.trainer.precision import autocast, effective_precision


class EffectivePrecisionTest(unittest.TestCase):
    cpu = torch.device("cpu")

    def resolve(self, requested: str, flags: set[str]) -> tuple[str, str]:
        printed = io.StringIO()
        with mock.patch.object(precision, "cpu_flags", return_value=flags), redirect_stderr(printed):
            return effective_precision(requested, self.cpu), printed.getvalue()

    def test_bf16_where_the_cpu_has_amx_or_avx512_bf16(self):
        self.assertEqual(self.resolve("bf16", {"avx2", "amx_bf16"}), ("bf16", ""))
        self.assertEqual(self.resolve("bf16", {"avx512f", "avx512_bf16"}), ("bf16", ""))

    def test_falls_back_to_fp32_and_says_so_without_native_bf16(self):
        chosen, printed = self.resolve("bf16", {"avx2", "fma"})
        self.assertEqual(chosen, "fp32")
        self.assertIn("bf16 requested but cpu has no native bf16; training in fp32", printed)

    def test_fp32_stays_fp32(self):
        self.assertEqual(self.resolve("fp32", {"amx_bf16"}), ("fp32", ""))


class AutocastTest(unittest.TestCase):
    def test_bf16_runs_matrix_products_in_bf16_and_keeps_weights_in_fp32(self):
        layer = torch.nn.Linear(4, 3)
        x = torch.randn(2, 4)
        with autocast("bf16", torch.device("cpu")):
            self.assertEqual(layer(x).dtype, torch.bfloat16)
        self.assertEqual(layer.weight.dtype, torch.float32)
        with autocast("fp32", torch.device("cpu")):
            self.assertEqual(layer(x).dtype, torch.float32)
