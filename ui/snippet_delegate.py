"""Draws search snippets with the matched words in bold, wrapped to the column's width."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from corpus.search import HIT_END, HIT_START


def snippet_html(snippet: str) -> str:
    """``snippet`` as HTML: escaped, its hits (between [ and ]) in bold."""
    escaped = html.escape(snippet)
    return escaped.replace(html.escape(HIT_START), "<b>").replace(html.escape(HIT_END), "</b>")


class SnippetDelegate(QStyledItemDelegate):
    """Renders a cell's display text as a snippet with its hits in bold, wrapped in the cell."""

    def _document(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(2)
        doc.setHtml(snippet_html(str(index.data() or "")))
        doc.setTextWidth(max(option.rect.width(), 50))
        return doc

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the cell's background and selection as usual, then the snippet."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(0, 0, option.rect.width(), option.rect.height())
        painter.translate(0, self._top(option, doc))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def _top(self, option: QStyleOptionViewItem, doc: QTextDocument) -> float:
        """Where in the cell the text starts: at its top."""
        return 0.0
