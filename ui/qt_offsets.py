"""The one place where Qt document positions meet stored offsets (code points).

A QTextDocument filled from the stored text (LF line endings) has one position per UTF-16 code
unit, and one per LF (a paragraph separator inside Qt), so a document position is the UTF-16
index of the stored text. :class:`annotator.offsets.Utf16Map` does the counting.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annotator.offsets import Utf16Map


class DocumentOffsets:
    """Converts between code-point offsets into ``text`` and positions in its QTextDocument."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Utf16Map looks at every character in Python (about 0.1 s per MB); encoding counts the
        # astral characters in about 1 ms, and without any the two counts are the same.
        astral = len(text.encode("utf-16-le", "surrogatepass")) // 2 - len(text)
        self._map = Utf16Map(text) if astral else None
        self.units = self.length + astral

    def to_qt(self, offset: int) -> int:
        """The document position of code-point ``offset`` (0..len(text))."""
        if self._map is not None:
            return self._map.to_utf16(offset)
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} outside 0..{self.length}")
        return offset

    def to_qt_many(self, offsets: list[int]) -> list[int]:
        """The document positions of many code-point offsets at once."""
        if self._map is not None:
            return [self._map.to_utf16(offset) for offset in offsets]
        if offsets and not 0 <= min(offsets) <= max(offsets) <= self.length:
            raise ValueError(f"offsets outside 0..{self.length}")
        return offsets

    def to_qt_array(self, offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The document positions of an array of code-point offsets (ValueError for one
        outside the text); without astral characters, the array itself."""
        if self._map is not None:
            return np.array(self.to_qt_many(offsets.tolist()), dtype=np.int64)
        if len(offsets) and not 0 <= offsets.min() <= offsets.max() <= self.length:
            raise ValueError(f"offsets outside 0..{self.length}")
        return offsets

    def from_qt(self, position: int) -> int:
        """The code-point offset of document ``position``; inside a surrogate pair, its start."""
        if not 0 <= position <= self.units:
            raise ValueError(f"document position {position} outside 0..{self.units}")
        if self._map is None:
            return position
        try:
            return self._map.from_utf16(position)
        except ValueError:  # the second unit of a pair: the character starts one unit earlier
            return self._map.from_utf16(position - 1)
