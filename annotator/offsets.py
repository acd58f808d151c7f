"""The offsets rule: text normalisation at import, and conversions to and from UTF-16 units.

Stored text is the imported text with CRLF and lone CR turned into LF and a leading byte order
mark removed; nothing else changes. Stored offsets are code points. Qt and some formats count
UTF-16 code units; they convert here and nowhere else.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

BOM = "\ufeff"


def normalize_text(text: str) -> str:
    """Apply the corpus text rule: drop a leading BOM, turn CRLF and lone CR into LF."""
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Utf16Map:
    """Converts offsets between code points and UTF-16 code units for one text.

    Only characters outside the Basic Multilingual Plane differ (two units, one code point), so
    the map keeps their code-point positions and bisects: O(log n) per conversion.
    """

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        # UTF-16 position of each astral character's first unit.
        self._astral_units = [pos + n for n, pos in enumerate(self._astral)]
        self.length = len(text)
        self.units = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 unit index of code-point ``offset`` (0..len(text))."""
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside 0..{self.length}")
        return offset + bisect_left(self._astral, offset)

    def from_utf16(self, unit: int) -> int:
        """Code-point offset of UTF-16 ``unit``; a unit inside a surrogate pair is refused."""
        if not 0 <= unit <= self.units:
            raise ValueError(f"UTF-16 offset {unit} outside 0..{self.units}")
        before = bisect_right(self._astral_units, unit - 1)
        if before and self._astral_units[before - 1] == unit - 1:
            raise ValueError(f"UTF-16 offset {unit} falls inside a surrogate pair")
        return unit - before
