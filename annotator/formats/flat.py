"""Flat formats (CoNLL, Hugging Face, spaCy's ``doc.ents``) hold no overlapping spans: a policy
chooses which of overlapping spans to keep, and the others are reported, never lost silently."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from annotator.document import Span
from annotator.errors import AnnotatorError

POLICIES = {
    "longest": "the longest span wins (then the earliest)",
    "first": "the span that starts first wins (then the longest)",
    "shortest": "the shortest span wins (then the earliest)",
}


def _priority(policy: str, span: Span) -> tuple[int, int]:
    length = span.end - span.start
    if policy == "longest":
        return (-length, span.start)
    if policy == "first":
        return (span.start, -length)
    if policy == "shortest":
        return (length, span.start)
    raise AnnotatorError(f"unknown policy '{policy}' (expected one of {', '.join(POLICIES)})")


def flatten(spans: Sequence[Span], policy: str = "longest") -> tuple[list[int], list[int]]:
    """The indexes of ``spans`` to keep (no two overlap; in text order) and those dropped."""
    order = sorted(range(len(spans)), key=lambda i: (*_priority(policy, spans[i]), i))
    starts: list[int] = []  # kept intervals, sorted by start, pairwise apart
    ends: list[int] = []
    kept, dropped = [], []
    for i in order:
        span = spans[i]
        at = bisect_left(starts, span.start)
        clash = (at < len(starts) and starts[at] < span.end) or (
            at > 0 and ends[at - 1] > span.start
        )
        if clash:
            dropped.append(i)
            continue
        starts.insert(at, span.start)
        ends.insert(at, span.end)
        kept.append(i)
    kept.sort(key=lambda i: (spans[i].start, i))
    return kept, sorted(dropped)
