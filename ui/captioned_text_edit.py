"""A read-only text edit laid out with room above every line for captions, and the geometry a
view that draws marks over its text needs: the visible blocks, the marks' fragments in them,
the mark under a point, the strip of the viewport to repaint, and scrolling to an offset.

Marks are held in :class:`ui.span_index.SpanIndex` instances, in document positions; the text
is kept as given (code points) beside a converter to those positions.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRect
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QTextBlock,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from ui import span_geometry as geo
from ui.qt_offsets import DocumentOffsets
from ui.span_index import IndexedSpan, SpanIndex
from ui.suggestion_layer import Lines, place_captions

CAPTION_SCALE = 0.72


class CaptionedTextEdit(QTextEdit):
    """Shows a plain text read-only, every line with room above it for captions of marks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self._text = ""
        self._offsets = DocumentOffsets("")

    def text(self) -> str:
        """The text on show, as given (code points)."""
        return self._text

    def offsets(self) -> DocumentOffsets:
        """The converter between the text's code points and this view's document positions."""
        return self._offsets

    def set_text_font(self, font: QFont) -> None:
        """Show the text in ``font`` (a zoom), keeping the marks, selection and the paragraph at
        the top of the view."""
        top = self._block_at(self.verticalScrollBar().value()).position()
        self.setFont(font)
        self._build_document(self._text)
        cursor = QTextCursor(self.document())
        cursor.setPosition(min(top, self.document().characterCount() - 1))
        self.setTextCursor(cursor)
        self.scroll_to_offset(self._offsets.from_qt(cursor.block().position()))

    def _build_document(self, text: str) -> None:
        """Lay ``text`` out in a new QTextDocument in the view's font (marks are kept apart)."""
        old = self.document()
        doc = QTextDocument(self)  # a child: setDocument deletes the old one
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(old.documentMargin())
        doc.setDefaultTextOption(old.defaultTextOption())
        block_format = QTextBlockFormat()
        height = QFontMetricsF(self.font()).height() + geo.room_above_lines(self._caption_metrics())
        block_format.setLineHeight(height, QTextBlockFormat.LineHeightTypes.MinimumHeight.value)
        cursor = QTextCursor(doc)
        cursor.setBlockFormat(block_format)
        # Filled before the view sees it: new blocks inherit the format, and the view's layout
        # then works lazily, as after setPlainText (filling it in place measured ten times slower).
        cursor.insertText(text)
        self._text = text
        self._offsets = DocumentOffsets(text)
        self.setDocument(doc)

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so that the line holding code-point ``offset`` is at the top of the view."""
        position = self._offsets.to_qt(offset)
        block = self.document().findBlock(position)
        layout = block.layout()
        self.document().documentLayout().blockBoundingRect(block)  # lays it out if need be
        line = layout.lineForTextPosition(position - block.position())
        y = layout.position().y() + (line.y() if line.isValid() else 0.0)
        room = geo.room_above_lines(self._caption_metrics())  # keep its captions in view
        self.verticalScrollBar().setValue(max(0, int(y - room)))

    def _mark_at(self, pos: QPoint, index: SpanIndex, under: SpanIndex | None) -> int | None:
        """The id of the innermost mark of ``index`` under the viewport point ``pos``, or whose
        caption is there (in the caption rows that the marks of ``under`` leave free)."""
        point = QPointF(pos) + self._scroll()
        y = point.y()
        block = self.cursorForPosition(pos).block()
        hits: list[IndexedSpan] = []
        for candidate in (block.previous(), block, block.next()):
            if not candidate.isValid():
                continue
            marks = geo.block_fragments(candidate, index, y, y)
            if not marks:
                continue
            first = geo.block_fragments(candidate, under, y, y) if under is not None else []
            metrics, right = self._caption_metrics(), self.viewport().width()
            for caption in place_captions(first, marks, metrics, right)[1]:
                if caption.rect.contains(point):
                    return caption.span.id
            hits += [f.span for line in marks for f in line if f.rect.contains(point)]
        if not hits:
            return None
        return min(hits, key=lambda s: (s.end - s.start, -index.level(s.id))).id

    def _scroll(self) -> QPointF:
        return QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())

    def _caption_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(self.font().pointSizeF() * CAPTION_SCALE, 6.5))
        return font

    def _caption_metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self._caption_font())

    def _visible_blocks(self) -> list[QTextBlock]:
        blocks = []
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        block = self._block_at(top)
        block = block.previous() if block.previous().isValid() else block
        while block.isValid():
            layout = block.layout()
            if layout is None or layout.lineCount() == 0 or layout.position().y() > bottom:
                break
            blocks.append(block)
            block = block.next()
        return blocks

    def _block_at(self, y: float) -> QTextBlock:
        """The last laid-out block that starts at or above document height ``y``.

        Found by bisection over the blocks laid out so far (Qt lays a long document out from
        its start, in the background): while it does, ``cursorForPosition`` answers with a
        block below the viewport, and the spans would not be drawn until it was done."""
        doc = self.document()
        low, high = 0, doc.blockCount() - 1
        while low < high:
            mid = (low + high + 1) // 2
            layout = doc.findBlockByNumber(mid).layout()
            if layout is not None and layout.lineCount() and layout.position().y() <= y:
                low = mid
            else:
                high = mid - 1
        return doc.findBlockByNumber(low)

    def _lines_of(self, index: SpanIndex) -> Lines:
        """The visible fragments of ``index``'s marks, line by line, in viewport coordinates."""
        if not len(index):
            return []
        scroll = self._scroll()
        top = scroll.y()
        bottom = top + self.viewport().height()
        lines: Lines = []
        for block in self._visible_blocks():
            lines += geo.block_fragments(block, index, top, bottom)
        return [[f._replace(rect=f.rect.translated(-scroll)) for f in line] for line in lines]

    def _update_marks(self, index: SpanIndex, *ids: int | None) -> None:
        """Repaint the blocks of these marks of ``index`` (None, or an id not drawn: none)."""
        for mark_id in ids:
            mark = index.get(mark_id) if mark_id is not None else None
            if mark is not None:
                self._update_range(mark.start, mark.end)

    def _update_range(self, start: int, end: int) -> None:
        """Repaint the viewport strip of the blocks holding document positions start..end."""
        doc = self.document()
        first, last = doc.findBlock(start), doc.findBlock(max(start, end - 1))
        if not first.isValid() or first.layout() is None or first.layout().lineCount() == 0:
            return  # not laid out yet: it is painted when it is
        top = first.layout().position().y()
        last_layout = last.layout() if last.isValid() else None
        if last_layout is not None and last_layout.lineCount():
            line = last_layout.lineAt(last_layout.lineCount() - 1)
            bottom = last_layout.position().y() + line.y() + line.height()
        else:
            bottom = doc.size().height()
        bottom += geo.underline_room()
        y = self.verticalScrollBar().value()
        strip = QRect(0, int(top - y) - 1, self.viewport().width(), int(bottom - top) + 3)
        self.viewport().update(strip)
