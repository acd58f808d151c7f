"""A deterministic train/dev/test split by document: the same seed and ratios put the same
document in the same part on every run and machine, whatever the order of the documents."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from annotator.errors import AnnotatorError

PART_NAMES = ("train", "dev", "test")


def parse_ratios(text: str) -> tuple[int, ...]:
    """ "80,10,10" as (80, 10, 10); one to three non-negative whole numbers, not all zero."""
    try:
        ratios = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise AnnotatorError(f"split '{text}' is not like 80,10,10") from None
    if not 1 <= len(ratios) <= len(PART_NAMES) or min(ratios) < 0 or sum(ratios) == 0:
        raise AnnotatorError(f"split '{text}' needs one to three non-negative parts, not all 0")
    return ratios


def part_of(key: str, seed: int, ratios: Sequence[int]) -> str:
    """The part (train, dev or test) the document ``key`` falls in."""
    digest = hashlib.sha256(f"{seed}\0{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(ratios)
    total = 0
    for name, ratio in zip(PART_NAMES, ratios, strict=False):
        total += ratio
        if point < total:
            return name
    return PART_NAMES[len(ratios) - 1]
