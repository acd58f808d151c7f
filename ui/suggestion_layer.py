"""The suggestions a text view draws under its spans, mixed into
:class:`ui.annotated_text_view.AnnotatedTextView`.

Suggestions live in a second interval index (document positions, like the spans) and are drawn
before the spans as dashed outlines with a faint tint; their captions take the caption rows that
the spans' captions leave free on each line. One suggestion may be current: the one Enter
accepts and Backspace rejects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QRectF
from PySide6.QtGui import QFontMetricsF, QTextCursor
from PySide6.QtWidgets import QWidget

from ui import span_geometry as geo
from ui.qt_offsets import DocumentOffsets
from ui.span_index import SpanIndex

REPAINT_ALL_OVER = 40  # more suggestions changed than this: repaint the viewport once
TOOLTIP_HINT = "Enter accepts, Backspace rejects"

Lines = list[list[geo.Fragment]]


def place_captions(
    span_lines: Lines, suggestion_lines: Lines, metrics: QFontMetricsF, right: float
) -> tuple[list[geo.Caption], list[geo.Caption]]:
    """The spans' captions, then the suggestions' in the rows they leave free, line by line
    (fragments of one line share their top), all within 0..``right``."""
    rows: dict[float, list[list[tuple[float, float]]]] = {}

    def place(lines: Lines) -> list[geo.Caption]:
        return [
            caption
            for line in lines
            for caption in geo.place_captions(
                line, metrics, rows.setdefault(line[0].rect.top(), geo.new_rows()), right
            )
        ]

    return place(span_lines), place(suggestion_lines)


class SuggestionLayer:
    """Suggestions drawn by a text view: set, made current, found under a point, described."""

    _offsets: DocumentOffsets
    _text: str
    _index: SpanIndex
    _selected: int | None
    _caption_metrics: Callable[[], QFontMetricsF]
    _lines_of: Callable[[SpanIndex], Lines]
    _update_range: Callable[[int, int], None]
    _update_marks: Callable[..., None]
    _mark_at: Callable[[QPoint, SpanIndex, SpanIndex | None], int | None]
    select_span: Callable[[int | None], None]
    viewport: Callable[[], QWidget]
    ensureCursorVisible: Callable[[], None]
    setTextCursor: Callable[[QTextCursor], None]
    document: Callable[[], Any]
    sig_current_suggestion_changed: Any

    def _init_suggestions(self) -> None:
        self._suggestions = SpanIndex()
        self._suggested: dict[int, tuple[Mapping[str, Any], str]] = {}  # attributes, source
        self._current_suggestion: int | None = None

    def set_suggestions(self, marks: Iterable[Sequence[Any]]) -> None:
        """Draw these suggestions ((id, start, end, label, attributes, source) in code points)
        in place of those drawn, repainting only the lines whose suggestions changed."""
        marks = list(marks)
        old = self._suggestions
        new = self._index_of(marks)
        self._suggestions = new
        self._suggested = {m[0]: (m[4] or {}, m[5]) for m in marks}
        if self._current_suggestion is not None and self._current_suggestion not in new:
            self._current_suggestion = None
            self.sig_current_suggestion_changed.emit(None)
        changed = new.changed_from(old)
        if len(changed) > REPAINT_ALL_OVER:
            self.viewport().update()
        else:
            for s in changed:
                self._update_range(s.start, s.end)

    def _index_of(self, marks: list[Sequence[Any]]) -> SpanIndex:
        """An index of marks given as (id, start, end, label, ...) in code points.

        Each column is read in one pass straight into an array: a pass over 20,000 scattered
        int objects costs milliseconds, so the columns are read once and checked as arrays."""
        ids, starts, ends = (
            np.fromiter(map(itemgetter(i), marks), np.int64, len(marks)) for i in range(3)
        )
        labels = np.fromiter(map(itemgetter(3), marks), object, len(marks))
        offsets = self._offsets
        return SpanIndex.from_columns(
            offsets.to_qt_array(starts), offsets.to_qt_array(ends), ids, labels
        )

    def suggestion_ids(self) -> list[int]:
        """The ids of the suggestions drawn, in text order."""
        return [s.id for s in self._suggestions.overlapping(0, self._offsets.units + 1)]

    def current_suggestion(self) -> int | None:
        """The id of the current suggestion (drawn bolder), if any."""
        return self._current_suggestion

    def set_current_suggestion(self, suggestion_id: int | None, scroll: bool = False) -> None:
        """Make a suggestion current (no span stays selected then), or none; with ``scroll``,
        bring it into view."""
        shown = self._suggestions.get(suggestion_id) if suggestion_id is not None else None
        self._update_marks(self._suggestions, self._current_suggestion, suggestion_id)
        before, self._current_suggestion = self._current_suggestion, shown.id if shown else None
        if before != self._current_suggestion:
            self.sig_current_suggestion_changed.emit(self._current_suggestion)
        if shown is None:
            return
        if self._selected is not None:
            self.select_span(None)
        if scroll:
            cursor = QTextCursor(self.document())
            cursor.setPosition(shown.start)  # no text selection left either
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def suggestion_rects(self, suggestion_id: int) -> list[QRectF]:
        """The viewport rectangles of the suggestion's line fragments that are visible."""
        return [
            f.rect
            for line in self._visible_suggestion_lines()
            for f in line
            if f.span.id == suggestion_id
        ]

    def visible_suggestion_captions(self) -> list[geo.Caption]:
        """The suggestions' captions drawn in the viewport (in rows the spans' leave free)."""
        return self._visible_captions()[1]

    def suggestion_at(self, pos: QPoint) -> int | None:
        """The id of the innermost suggestion under the viewport point ``pos`` (or its
        caption)."""
        return self._mark_at(pos, self._suggestions, self._index)

    def suggestion_tooltip(self, suggestion_id: int) -> str:
        """ "Suggested Label: covered text", its source and attributes, and the keys to press."""
        mark = self._suggestions.get(suggestion_id)
        if mark is None:
            return ""
        attributes, source = self._suggested.get(suggestion_id, ({}, ""))
        start, end = self._offsets.from_qt(mark.start), self._offsets.from_qt(mark.end)
        lines = [f"Suggested {mark.label}: {self._text[start:end]}", f"source: {source}"]
        lines += [f"{k}: {v}" for k, v in sorted(attributes.items())]
        return "\n".join([*lines, TOOLTIP_HINT])

    def _visible_suggestion_lines(self) -> Lines:
        return self._lines_of(self._suggestions)

    def _visible_captions(self) -> tuple[list[geo.Caption], list[geo.Caption]]:
        return place_captions(
            self._lines_of(self._index),
            self._visible_suggestion_lines(),
            self._caption_metrics(),
            self.viewport().width(),
        )
