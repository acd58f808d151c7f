"""User search text to a safe query: words, "quoted phrases" and -excluded words, nothing else.

Whatever the user types (stray quotes, AND, NEAR, parentheses, colons) becomes plain words, so
no input can reach the engines' query syntax raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# Letters and digits; "_" separates words in both engines' tokenizers.
_WORD = re.compile(r"[^\W_]+")
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}


@dataclass(frozen=True)
class ParsedQuery:
    """Phrases that must all occur and phrases that must not; each phrase is a tuple of words."""

    required: tuple[tuple[str, ...], ...]
    excluded: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.required)

    def fts5(self) -> str:
        """The query in SQLite FTS5 syntax, every phrase double-quoted."""

        def quote(phrase: tuple[str, ...]) -> str:
            return '"' + " ".join(phrase) + '"'

        expr = " AND ".join(quote(p) for p in self.required)
        for p in self.excluded:
            expr += f" NOT {quote(p)}"
        return expr

    def websearch(self) -> str:
        """The query for PostgreSQL's ``websearch_to_tsquery``, which never raises."""
        parts = ['"' + " ".join(p) + '"' for p in self.required]
        parts += ['-"' + " ".join(p) + '"' for p in self.excluded]
        return " ".join(parts)


def parse_query(text: str) -> ParsedQuery:
    """Parse what a user typed into a search box."""
    required: list[tuple[str, ...]] = []
    excluded: list[tuple[str, ...]] = []
    for m in _PART.finditer(text):
        negated = bool(m.group(1) or m.group(3))
        chunk = m.group(2) if m.group(2) is not None else m.group(4)
        if m.group(4) is not None and m.group(4) in _OPERATORS:
            continue
        words = tuple(_WORD.findall(chunk))
        if words:
            (excluded if negated else required).append(words)
    # Repeats add nothing but cost (ts_headline is quadratic in the query's terms).
    return ParsedQuery(tuple(dict.fromkeys(required)), tuple(dict.fromkeys(excluded)))
