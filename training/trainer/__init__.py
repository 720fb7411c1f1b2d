"""Hearth's trainer: a compact Llama-family model, its SFT / reward / DPO objectives, and evaluation."""

import os

from .allocator import keep_freed_memory

# Set before torch loads OpenMP. Idle OpenMP threads spin by default, which on our shared
# 2-core machines fights every other process: training ran 4-5× slower than with passive waits.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Before the first large tensor: every process that trains or evaluates keeps its freed memory.
keep_freed_memory()
