"""Holding off Python's cyclic garbage collector while a hot loop makes many small objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector for the block (when it was on), for loops that make tens of
    thousands of small objects, none in a cycle: each pass their allocations would set off
    walks the whole heap, and a large heap (Qt wrappers, a big automaton's values) makes a pass
    cost more than the loop itself (measured in the gazetteer)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
