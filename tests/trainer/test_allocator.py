"""Every trainer process keeps the memory it frees (allocator.py): training steps whose attention
scores are larger than glibc's largest mmap threshold reuse freed memory instead of faulting
every page of it in again, as they do with glibc's own thresholds. Page faults are counted, not
time, so the check holds on a busy machine."""

import subprocess
import sys
import textwrap
import unittest

from training.trainer.allocator import keep_freed_memory

# A step of a tiny model on 12 sequences of 512 tokens: each layer's attention scores,
# [12, 4, 512, 512] in float32, are 48 MiB, above glibc's largest mmap threshold (32 MiB).
STEP_FAULTS = textwrap.dedent(
    """
    import resource
    import torch
    from training.trainer import sft
    from training.trainer.model import CausalLM
    from tests.trainer.fixtures import tiny_config

    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = CausalLM(tiny_config(max_position_embeddings=512))
    ids = torch.randint(0, 259, (12, 512))
    batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids), "loss_mask": torch.ones_like(ids)}

    def step():
        sft.loss(model, batch).backward()

    # The first step faults its memory in either way, and the heap can still grow in the
    # second (CI saw 60,000 faults there in one run of three, against 12,000 or none in a third).
    step()
    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    step()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def faults_of_a_later_step(setup: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", "import training.trainer\n" + setup + STEP_FAULTS],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip())


@unittest.skipUnless(keep_freed_memory(), "no glibc mallopt here: the allocator is left as it is")
class KeepsFreedMemory(unittest.TestCase):
    def test_a_later_training_step_faults_far_fewer_pages_than_with_glibcs_own_thresholds(self):
        kept = faults_of_a_later_step("")
        glibc = faults_of_a_later_step(
            "from training.trainer.allocator import set_malloc_thresholds\n"
            "set_malloc_thresholds(32 << 20, 64 << 20)\n"
        )
        self.assertGreater(glibc, 3 * 12288)  # at least three 48 MiB blocks faulted in again
        self.assertLess(kept, glibc / 4, f"kept {kept} page faults, glibc's thresholds {glibc}")


if __name__ == "__main__":
    unittest.main()
