"""A read-only text view that draws a document's spans over its text.

The spans never enter the QTextDocument: an interval index holds them (in document positions)
and ``paintEvent`` paints the ones in the visible blocks after the text, as tinted boxes with a
stacked underline each and the label as a small caption above the span's first line. The room
for captions is a minimum line height given to every block when the document is built
(:mod:`ui.captioned_text_edit`, which also holds the geometry of marks on screen).
Suggestions are drawn under the spans, dashed (:mod:`ui.suggestion_layer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from ui import span_geometry as geo
from ui.captioned_text_edit import CaptionedTextEdit
from ui.link_painter import DrawnLink, LinkShape, link_shapes, paint_links
from ui.span_index import IndexedSpan, SpanIndex
from ui.span_painter import LabelColours, paint_spans, paint_suggestions
from ui.suggestion_layer import Lines, SuggestionLayer, place_captions

TOOLTIP_TEXT_LIMIT = 200
EDGE_GRIP = 4  # pixels either side of a selected span's end that grab it for dragging


class AnnotatedTextView(SuggestionLayer, CaptionedTextEdit):
    """Shows a plain text read-only with its spans drawn over it (and suggestions under them);
    a click selects a span or makes a suggestion current, and a finished mouse selection of
    text is reported (for labelling)."""

    sig_span_clicked = Signal(int)
    """The id of the span the user clicked."""

    sig_text_selected = Signal()
    """No arguments: a mouse selection of text ended; ``selected_range()`` reads it."""

    sig_span_resized = Signal(int, str, int)
    """A span's id, the edge dragged ("start" or "end") and where it was dropped (code point)."""

    sig_zoom_requested = Signal(int)
    """Steps to zoom the text by (Ctrl and the mouse wheel): positive larger, negative smaller."""

    sig_suggestion_clicked = Signal(int)
    """The id of the suggestion the user clicked (where no span is)."""

    sig_current_suggestion_changed = Signal(object)
    """The id of the suggestion now current, or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = SpanIndex()
        self._attributes: dict[int, Mapping[str, Any]] = {}
        self._colours = LabelColours()
        self._selected: int | None = None
        self._press: QPoint | None = None
        self._alt_selection = False
        self._links: list[DrawnLink] = []
        self._all_links = True
        self._dragged_edge: tuple[int, str] | None = None
        self._edge_cursor = False  # the resize cursor is on show over a span's end
        self._cursor_before = self.viewport().cursor()
        self._linked: set[int] = set()  # spans that some link joins
        self._init_suggestions()

    # -- content ------------------------------------------------------------------------------

    def set_document(
        self,
        text: str,
        spans: Iterable[Sequence[Any]] = (),
        colors: Mapping[str, str] | None = None,
    ) -> None:
        """Show ``text`` with ``spans`` ((id, start, end, label[, attributes]) in code points)
        and no suggestions."""
        self.set_current_suggestion(None)
        self._build_document(text)
        self._selected = None
        self._init_suggestions()
        self.set_spans(spans, colors)

    def set_spans(
        self, spans: Iterable[Sequence[Any]], colors: Mapping[str, str] | None = None
    ) -> None:
        """Replace the spans drawn (and the label colours, when given)."""
        if colors is not None:
            self._colours = LabelColours(colors)
        marks = list(spans)
        self._index = self._index_of(marks)
        self._attributes = {m[0]: m[4] for m in marks if len(m) > 4 and m[4]}
        if self._selected not in self._index:
            self._selected = None
        self.viewport().update()

    def add_span(
        self,
        span_id: int,
        start: int,
        end: int,
        label: str,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        """Draw one more span (or move the span ``span_id``), repainting only its blocks."""
        span = IndexedSpan(self._offsets.to_qt(start), self._offsets.to_qt(end), span_id, label)
        self._attributes.pop(span_id, None)
        if attributes:
            self._attributes[span_id] = attributes
        self._update_range(*self._index.add(span))
        if span_id in self._linked:  # its arcs move with it
            self.viewport().update()

    def remove_span(self, span_id: int) -> None:
        """Stop drawing the span ``span_id``, repainting only its blocks."""
        if span_id not in self._index:
            return
        self._attributes.pop(span_id, None)
        if self._selected == span_id:
            self._selected = None
        self._update_range(*self._index.remove(span_id))

    def selected_range(self) -> tuple[int, int] | None:
        """The selected text's start and end in code points, if any text is selected."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.from_qt(cursor.selectionStart())
        return start, self._offsets.from_qt(cursor.selectionEnd())

    def alt_selection(self) -> bool:
        """Whether Alt was held while the current selection was made (keep its exact ends)."""
        return self._alt_selection

    def clear_selection(self) -> None:
        """Forget the text selection (the caret stays where the selection ended)."""
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    def span_ids(self) -> list[int]:
        """The ids of the spans drawn, in text order."""
        return [s.id for s in self._index.overlapping(0, self._offsets.units + 1)]

    def selected_span(self) -> int | None:
        """The id of the selected span, if any."""
        return self._selected

    def select_span(self, span_id: int | None) -> None:
        """Select the span ``span_id`` (drawn with a stronger outline), or none."""
        self._update_marks(self._index, self._selected, span_id)
        self._selected = span_id if span_id in self._index else None
        if self._selected is not None:
            self.set_current_suggestion(None)  # one of the two at a time: Backspace is clear
        if self._links:  # its arcs may reach other lines
            self.viewport().update()

    def set_links(self, links: Iterable[DrawnLink]) -> None:
        """Draw these links between spans (relations and event roles) as arcs."""
        self._links = list(links)
        self._linked = {end for link in self._links for end in (link.head, link.tail)}
        self.viewport().update()

    def links(self) -> list[DrawnLink]:
        """The links drawn."""
        return list(self._links)

    def set_all_links_shown(self, shown: bool) -> None:
        """Draw every link in view (True) or only those of the selected span."""
        self._all_links = shown
        self.viewport().update()

    # -- geometry -----------------------------------------------------------------------------

    def span_rects(self, span_id: int) -> list[QRectF]:
        """The viewport rectangles of the span's line fragments that are laid out and visible."""
        return [f.rect for f in self._visible_fragments() if f.span.id == span_id]

    def visible_captions(self) -> list[geo.Caption]:
        """The spans' captions drawn in the viewport, with their viewport rectangles."""
        return self._visible_captions()[0]

    def span_at(self, pos: QPoint) -> int | None:
        """The id of the innermost span under the viewport point ``pos`` (or its caption)."""
        return self._mark_at(pos, self._index, None)

    def _visible_lines(self) -> Lines:
        return self._lines_of(self._index)

    def _visible_fragments(self) -> list[geo.Fragment]:
        return [f for line in self._visible_lines() for f in line]

    # -- painting and events ------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the text, then the visible suggestions and spans over it, then the links."""
        super().paintEvent(event)
        lines = self._visible_lines()
        marks = self._visible_suggestion_lines()
        if not lines and not marks:
            return
        font = self._caption_font()
        right = self.viewport().width()
        captions, mark_captions = place_captions(lines, marks, QFontMetricsF(font), right)
        anchors = self._link_anchors(lines)
        tags = [caption.rect for caption in captions + mark_captions]
        shapes = self._link_shapes(anchors, tags)
        palette = self.palette()
        text, base = palette.color(palette.ColorRole.Text), palette.color(palette.ColorRole.Base)
        painter = QPainter(self.viewport())
        painter.setClipRect(event.rect())
        if marks:
            current = self._current_suggestion
            paint_suggestions(painter, marks, mark_captions, self._colours, current, font, base)
        if lines:
            paint_spans(painter, lines, captions, self._colours, self._selected, font)
        if shapes:
            paint_links(painter, shapes, anchors, text, base, font, self._selected, tags)
        painter.end()

    def visible_links(self) -> list[LinkShape]:
        """The links drawn in the viewport: their arcs, and the plates of their captions (the
        selected span's links), in viewport coordinates."""
        captions, mark_captions = self._visible_captions()
        anchors = self._link_anchors(self._visible_lines())
        return self._link_shapes(anchors, [caption.rect for caption in captions + mark_captions])

    @staticmethod
    def _link_anchors(lines: Lines) -> dict[int, QRectF]:
        """Each visible span's first visible fragment, where its links meet it."""
        anchors: dict[int, QRectF] = {}
        for line in lines:
            for fragment in line:
                anchors.setdefault(fragment.span.id, fragment.rect)
        return anchors

    def _link_shapes(self, anchors: dict[int, QRectF], tags: list[QRectF]) -> list[LinkShape]:
        """The arcs (and captions) of the links shown, their captions clear of the spans'
        captions ``tags``."""
        shown = [
            link
            for link in self._links
            if self._all_links or self._selected in (link.head, link.tail)
        ]
        if not shown or not anchors:
            return []
        top = self.cursorForPosition(QPoint(0, 0)).position()

        def side(span_id: int) -> int:
            span = self._index.get(span_id)
            return -1 if span is not None and span.start < top else 1

        return link_shapes(
            shown,
            anchors,
            side,
            QSizeF(self.viewport().size()),
            self._caption_metrics(),
            self._selected,
            tags,
            self.document().documentMargin(),
        )

    def edge_at(self, pos: QPoint) -> str | None:
        """Which end ("start" or "end") of the selected span is under the viewport point."""
        if self._selected is None:
            return None
        fragments = [f for f in self._visible_fragments() if f.span.id == self._selected]
        if not fragments:
            return None
        first, last = fragments[0], fragments[-1]
        edges = (
            ("start", first, first.rect.right() if first.right_to_left else first.rect.left()),
            ("end", last, last.rect.left() if last.right_to_left else last.rect.right()),
        )
        for name, fragment, x in edges:
            rect = fragment.rect
            if abs(pos.x() - x) <= EDGE_GRIP and rect.top() <= pos.y() <= rect.bottom():
                return name
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Grab a selected span's end, or remember where a click starts (to tell it from a
        drag that selects text)."""
        self._press = event.position().toPoint()
        self._alt_selection = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        edge = self.edge_at(self._press) if event.button() == Qt.MouseButton.LeftButton else None
        if edge is not None and self._selected is not None:
            self._dragged_edge = (self._selected, edge)
            return  # no text selection while an end is dragged
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Note Alt held at any point of a drag; show a resize cursor over a span's ends."""
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self._alt_selection = True
        pos = event.position().toPoint()
        over_edge = self._dragged_edge is not None or self.edge_at(pos) is not None
        if over_edge and not self._edge_cursor:
            self._cursor_before = self.viewport().cursor()
            self.viewport().setCursor(Qt.CursorShape.SizeHorCursor)
            self._edge_cursor = True
        elif not over_edge and self._edge_cursor:
            self.viewport().setCursor(self._cursor_before)  # I-beam, or a link's cross
            self._edge_cursor = False
        if self._dragged_edge is None:
            super().mouseMoveEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click selects a word (Qt's own), and the release that follows reports it."""
        self._alt_selection = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """A selection extended from the keyboard is exact only if Alt is held."""
        self._alt_selection = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click (not a drag) on a span selects it and reports its id; a selection is reported."""
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self._alt_selection = True
        if self._dragged_edge is not None:
            (dragged, edge), self._dragged_edge = self._dragged_edge, None
            press, self._press = self._press, None
            pos = event.position().toPoint()
            moved = press is not None and (
                (pos - press).manhattanLength() >= QApplication.startDragDistance()
            )
            if moved:  # a click on the end is no drag
                position = self.cursorForPosition(pos).position()
                self.sig_span_resized.emit(dragged, edge, self._offsets.from_qt(position))
            return
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        pos = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.textCursor().hasSelection():
            self.sig_text_selected.emit()
            return  # a drag (or a double click) selecting text
        if press is None or (pos - press).manhattanLength() >= QApplication.startDragDistance():
            return
        span_id = self.span_at(pos)
        self.select_span(span_id)
        if span_id is not None:
            self.sig_span_clicked.emit(span_id)
            return
        suggestion_id = self.suggestion_at(pos)
        self.set_current_suggestion(suggestion_id)
        if suggestion_id is not None:
            self.sig_suggestion_clicked.emit(suggestion_id)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl and the wheel zoom (through whoever owns the zoom), other wheels scroll."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() // 120
            if steps:
                self.sig_zoom_requested.emit(steps)
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        """Show what a span (or a suggestion) is on hover: its label, the text it covers and
        its attributes."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            span_id = self.span_at(event.pos())
            suggestion_id = self.suggestion_at(event.pos()) if span_id is None else None
            if span_id is not None:
                QToolTip.showText(event.globalPos(), self.span_tooltip(span_id), self.viewport())
            elif suggestion_id is not None:
                tip = self.suggestion_tooltip(suggestion_id)
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def span_tooltip(self, span_id: int) -> str:
        """The tooltip of a span: "Label: covered text", then its attributes one a line."""
        span = self._index.get(span_id)
        if span is None:
            return ""
        start, end = self._offsets.from_qt(span.start), self._offsets.from_qt(span.end)
        covered = self._text[start:end]
        if len(covered) > TOOLTIP_TEXT_LIMIT:
            covered = covered[:TOOLTIP_TEXT_LIMIT] + "…"
        lines = [f"{span.label}: {covered}"]
        lines += [f"{k}: {v}" for k, v in sorted(self._attributes.get(span_id, {}).items())]
        return "\n".join(lines)
