"""Turning a selection into a span: the one place where raw offsets meet token boundaries."""

from __future__ import annotations

from enum import Enum

from annotator.document import Span
from annotator.tokenizer import tokenize


class Alignment(Enum):
    """How a selection that cuts through words is adjusted."""

    STRICT = "strict"  # keep the offsets as given, only trimming surrounding white space
    CONTRACT = "contract"  # shrink to the words wholly inside the selection
    EXPAND = "expand"  # grow to the words the selection touches


def char_span(
    text: str,
    start: int,
    end: int,
    label: str,
    alignment: Alignment = Alignment.EXPAND,
) -> Span | None:
    """The span for ``text[start:end]`` under ``alignment``, or None if nothing would remain."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    if alignment is not Alignment.STRICT:
        # Tokens never cross white space, so the words touched lie between these two spaces.
        lo = start
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        hi = end
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        tokens = [t for t in tokenize(text[lo:hi]) if t.end + lo > start and t.start + lo < end]
        if alignment is Alignment.EXPAND and tokens:
            start = min(start, tokens[0].start + lo)
            end = max(end, tokens[-1].end + lo)
        elif alignment is Alignment.CONTRACT:
            inside = [t for t in tokens if t.start + lo >= start and t.end + lo <= end]
            if not inside:
                return None
            start, end = inside[0].start + lo, inside[-1].end + lo
    return Span(start, end, label)
