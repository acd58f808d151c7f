"""A language-neutral tokenizer that keeps exact code-point offsets.

Words are runs of letters, digits and combining marks (so Arabic with diacritics and decomposed
accents stay whole), joined by inner apostrophes or hyphens; an emoji (a flag, a pictograph with
its skin tone or joined parts) is one token; every other non-space character is a token of its
own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

WORD = r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d]+"
"""A run of word characters (letters, digits, combining marks, Arabic marks, joiners)."""

_PICTOGRAPH = r"[\u2600-\u27bf\U0001f000-\U0001faff]"
_MODIFIERS = r"[\U0001f3fb-\U0001f3ff\ufe0f]*"  # skin tones, the emoji presentation selector
# A flag (two regional indicators) or a pictograph with its modifiers and ZWJ-joined parts.
_EMOJI = (
    r"[\U0001f1e6-\U0001f1ff]{2}"
    rf"|{_PICTOGRAPH}{_MODIFIERS}(?:\u200d{_PICTOGRAPH}{_MODIFIERS})*"
)
TOKEN_PATTERN = re.compile(rf"{WORD}(?:['’\-]{WORD})*|{_EMOJI}|[^\s]", re.UNICODE)
"""What one token matches: a word (with inner apostrophes or hyphens), an emoji, or any
other single non-space character."""


@dataclass(frozen=True)
class Token:
    """One token: ``text[start:end]``."""

    start: int
    end: int
    text: str


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text`` in order."""
    for m in TOKEN_PATTERN.finditer(text):
        yield Token(m.start(), m.end(), m.group())
