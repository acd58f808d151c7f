"""The article reader: one document's title, metadata and text, read-only."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QTextEdit, QVBoxLayout, QWidget

from annotator.document import Document
from corpus.annotations import StoredSpan
from ui.annotated_text_view import AnnotatedTextView

READING_FONT_FAMILIES = ["Noto Serif", "DejaVu Serif", "Georgia", "Times New Roman", "serif"]
READING_POINT_SIZE = 12
ZOOM_MIN, ZOOM_MAX = -6, 24  # points below and above the usual reading size
TEXT_MARGIN = 24


class ArticleReader(QStackedWidget):
    """Shows a document for reading, or a message when there is none to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document_id: int | None = None
        self._zoom = 0

        self.message_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setMargin(TEXT_MARGIN)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.title_label = _plain_label()
        title_font = QFont(self.font())
        title_font.setBold(True)
        title_font.setPointSizeF(max(title_font.pointSizeF(), 9.0) * 1.5)
        self.title_label.setFont(title_font)
        self.meta_label = _plain_label()
        self.meta_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.text_view = AnnotatedTextView()
        self.text_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text_view.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.text_view.setFont(reading_font())
        self.text_view.document().setDocumentMargin(TEXT_MARGIN)
        self.text_view.setFrameShape(QFrame.Shape.NoFrame)

        article = QWidget()
        # One reading surface: the heading sits on the text's background.
        article.setBackgroundRole(QPalette.ColorRole.Base)
        article.setAutoFillBackground(True)
        self.title_label.setForegroundRole(QPalette.ColorRole.Text)
        layout = QVBoxLayout(article)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QVBoxLayout()
        # The text's document margin indents it; the heading lines up with it.
        header.setContentsMargins(TEXT_MARGIN, TEXT_MARGIN // 2, TEXT_MARGIN, 0)
        header.setSpacing(4)
        header.addWidget(self.title_label)
        header.addWidget(self.meta_label)
        layout.addLayout(header)
        layout.addWidget(self.text_view, 1)
        self.addWidget(self.message_label)
        self.addWidget(article)
        self.setCurrentWidget(self.message_label)

    def show_document(self, doc: Document) -> None:
        """Show ``doc``: its title, author · published · source, and its text."""
        self._document_id = doc.id
        self.show_heading(doc)
        self.text_view.set_document(doc.text)
        # Each paragraph is ordered by its own direction, but every line is aligned left;
        # align the whole text (and the heading) to the side its main script reads from.
        rtl = is_mostly_rtl(doc.text or doc.title)
        option = self.text_view.document().defaultTextOption()
        option.setAlignment(_absolute(rtl))
        self.text_view.document().setDefaultTextOption(option)
        self.setCurrentIndex(1)

    def show_heading(self, doc: Document) -> None:
        """Show the title and the author · published · source line of ``doc``."""
        self.title_label.setText(doc.title or "(untitled)")
        heading_rtl = is_rtl(doc.title)
        parts = [part for part in (doc.author, doc.published, doc.source) if part]
        # Each part isolated, so an Arabic author does not reorder a date beside it; the line
        # as a whole reads in the heading's direction (a leading RLM or LRM sets it).
        mark = "\u200f" if heading_rtl else "\u200e"
        self.meta_label.setText(mark + " · ".join(f"\u2068{part}\u2069" for part in parts))
        self.meta_label.setVisible(bool(parts))
        for label in (self.title_label, self.meta_label):
            label.setAlignment(_absolute(heading_rtl) | Qt.AlignmentFlag.AlignVCenter)

    def zoom(self) -> int:
        """How many points the reading font is above (or below) its usual size."""
        return self._zoom

    def set_zoom(self, steps: int) -> None:
        """Make the reading font ``steps`` points larger than usual (smaller when negative)."""
        steps = max(ZOOM_MIN, min(ZOOM_MAX, steps))
        if steps == self._zoom:
            return
        self._zoom = steps
        font = reading_font()
        font.setPointSize(READING_POINT_SIZE + steps)
        self.text_view.set_text_font(font)

    def show_spans(self, spans: Iterable[StoredSpan], colors: Mapping[str, str]) -> None:
        """Draw ``spans`` over the text on show, in ``colors`` (label name to #rrggbb)."""
        self.text_view.set_spans(
            [(s.id, s.span.start, s.span.end, s.span.label, s.span.attributes) for s in spans],
            colors,
        )

    def show_message(self, text: str) -> None:
        """Show ``text`` in place of an article (an empty corpus, a missing document)."""
        self._document_id = None
        self.message_label.setText(text)
        self.setCurrentWidget(self.message_label)

    def document_id(self) -> int | None:
        """The id of the document on show, if any."""
        return self._document_id

    def message(self) -> str | None:
        """The message on show instead of an article, if any."""
        return self.message_label.text() if self.currentWidget() is self.message_label else None


def reading_font() -> QFont:
    """A serif font at a comfortable reading size (the system font when no serif is found)."""
    font = QFont()
    font.setFamilies(READING_FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSize(READING_POINT_SIZE)
    return font


def is_rtl(text: str) -> bool:
    """Whether ``text``'s first strongly directional character is right-to-left."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def is_mostly_rtl(text: str, sample: int = 20_000) -> bool:
    """Whether most strongly directional characters of ``text``'s start are right-to-left."""
    rtl = ltr = 0
    for char in text[:sample]:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            rtl += 1
        elif direction == "L":
            ltr += 1
    return rtl > ltr


def _absolute(right: bool) -> Qt.AlignmentFlag:
    # Without AlignAbsolute, Qt mirrors left and right for right-to-left text.
    side = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    return side | Qt.AlignmentFlag.AlignAbsolute


def _plain_label() -> QLabel:
    label = QLabel(wordWrap=True)
    label.setTextFormat(Qt.TextFormat.PlainText)  # titles may hold "<" and "&"
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
