"""Keeping freed memory in the process, so that large tensors are not faulted in again every step.

glibc's malloc gives a block above its mmap threshold (which grows with use, to at most 32 MiB)
back to the kernel as soon as it is freed, and the next block of that size is mapped and zeroed
again, one page fault per 4 KiB. A training step allocates and frees such blocks in every layer,
forward and backward: the attention scores of a batch are [B, H, T, T], 113 MiB in float32 for
the demo's 32 sequences of 384 tokens. On two cores that made a 384-token step about six times
slower and a 256-token step about twice as slow (bench/trainer-allocator.py measures it). With
both thresholds at 1 GiB, freed blocks stay in the heap for the next step. Where there is no
glibc (macOS, musl, Windows) nothing changes.
"""

from __future__ import annotations

import ctypes

# mallopt parameters, from glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

KEEP_BELOW_BYTES = 1 << 30


def set_malloc_thresholds(mmap_bytes: int, trim_bytes: int) -> bool:
    """Sets glibc's mmap and trim thresholds; False where the C library has no `mallopt`."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, mmap_bytes)) and bool(mallopt(M_TRIM_THRESHOLD, trim_bytes))


def keep_freed_memory() -> bool:
    """Keeps freed blocks below 1 GiB in the heap for reuse (see the module's docstring)."""
    return set_malloc_thresholds(KEEP_BELOW_BYTES, KEEP_BELOW_BYTES)
