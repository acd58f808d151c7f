"""Spans given by the words they cover, for tests that build a corpus."""

from __future__ import annotations

from typing import Any

from annotator.document import Span


def at(text: str, needle: str, label: str, occurrence: int = 0, **attributes: Any) -> Span:
    """The span labelled ``label`` over the ``occurrence``-th ``needle`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), label, attributes)
