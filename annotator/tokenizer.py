"""A language-neutral tokenizer that keeps exact code-point offsets.

Words are runs of letters, digits and combining marks (so Arabic with diacritics and decomposed
accents stay whole), joined by inner apostrophes or hyphens; every other non-space character is
a token of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_WORD = r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d]+"
_TOKEN = re.compile(rf"{_WORD}(?:['’\-]{_WORD})*|[^\s]", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """One token: ``text[start:end]``."""

    start: int
    end: int
    text: str


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text`` in order."""
    for m in _TOKEN.finditer(text):
        yield Token(m.start(), m.end(), m.group())
