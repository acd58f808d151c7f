"""Word-aware text positions for editing spans: moving a span's ends a word (or a character) at
a time, and finding every occurrence of a text. Offsets are code points.

Only a window of text around the position is tokenized, so a step costs the same in a 1 MB
article as in a short one.
"""

from __future__ import annotations

import re

from annotator.tokenizer import WORD, Token, tokenize

WINDOW = 512  # characters looked at on each side; a longer word is crossed in one step anyway
_WORD_CHAR = re.compile(WORD)


def _tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets in ``text``."""
    return [Token(t.start + start, t.end + start, t.text) for t in tokenize(text[start:end])]


def move_boundary(
    text: str, start: int, end: int, edge: str, step: int, by_word: bool = True
) -> tuple[int, int] | None:
    """The span ``start..end`` with its ``edge`` ("start" or "end") moved ``step`` (+1 right
    in text order, -1 left) by a word or a character; None when it cannot move (it would leave
    the text or become empty)."""
    if edge not in ("start", "end") or step not in (-1, 1):
        raise ValueError(f"cannot move the {edge} by {step}")
    if not by_word:
        if edge == "start":
            moved = start + step
            return (moved, end) if 0 <= moved < end else None
        moved = end + step
        return (start, moved) if start < moved <= len(text) else None
    if edge == "end" and step > 0:
        after = [t.end for t in _tokens(text, end, end + WINDOW) if t.end > end]
        return (start, after[0]) if after else None
    if edge == "end":
        before = [t.end for t in _tokens(text, start, end) if start < t.end < end]
        return (start, before[-1]) if before else None
    if step < 0:
        before = [t.start for t in _tokens(text, max(0, start - WINDOW), start) if t.start < start]
        return (before[-1], end) if before else None
    after = [t.start for t in _tokens(text, start, end) if start < t.start < end]
    return (after[0], end) if after else None


def occurrences(text: str, needle: str, whole_words: bool = True) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in ``text`` (case as given, not overlapping), as (start, end);
    with ``whole_words``, only where it is not part of a longer word."""
    if not needle:
        return []
    found = []
    position = text.find(needle)
    while position >= 0:
        end = position + len(needle)
        if not whole_words or not (
            _joins(text, position - 1, needle[0]) or _joins(text, end, needle[-1])
        ):
            found.append((position, end))
            position = text.find(needle, end)
        else:
            position = text.find(needle, position + 1)
    return found


def _joins(text: str, index: int, edge_char: str) -> bool:
    """Whether the character at ``index`` would run into a word that ends in ``edge_char``."""
    if not 0 <= index < len(text):
        return False
    return bool(_WORD_CHAR.fullmatch(text[index])) and bool(_WORD_CHAR.fullmatch(edge_char))
