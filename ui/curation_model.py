"""The curation table: one row per candidate span, with how the annotators stand on it, what
each of them marked there and what the gold set holds; disagreements tinted and named.

A thin adapter over :meth:`corpus.store.Store.curation`: the window gives it the document's
curation after every change, and it resets.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QStyleOptionViewItem

from corpus.curation import Candidate, Curation, Kind, Version
from ui.snippet_delegate import SnippetDelegate
from ui.span_painter import LabelColours

CONTEXT_CHARS = 32
"""Characters of text shown either side of a candidate."""

CONTEXT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role of a Text cell's (before, covered, after) strings."""

STATUS, TEXT, LABEL = 0, 1, 2
FIXED_HEADERS = ("Status", "Text in context", "Label")

# Tints that read on light and dark bases alike (translucent over the base colour).
ROW_TINTS = {Kind.CONFLICT: QColor(230, 70, 30, 80), Kind.PARTIAL: QColor(235, 175, 0, 60)}
BADGES = {  # colour and glyph of each kind's icon
    Kind.AGREED: ("#2f9e44", "✓"),
    Kind.PARTIAL: ("#e8a200", "½"),
    Kind.CONFLICT: ("#d9480f", "!"),
    Kind.GOLD_ONLY: ("#1971c2", "G"),
}
NOTHING = "—"


class CurationModel(QAbstractTableModel):
    """Rows of candidates (all, or only the disagreements), columns Status, Text in context,
    Label, one per annotator and Gold."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._curation: Curation | None = None
        self._text = ""
        self._rows: list[Candidate] = []
        self._disagreements_only = False
        self._colours = LabelColours()
        self._icons = {kind: _badge(*badge) for kind, badge in BADGES.items()}

    # -- content ------------------------------------------------------------------------------

    def set_curation(
        self, curation: Curation | None, text: str, colors: Mapping[str, str] | None = None
    ) -> None:
        """Show the candidates of ``curation`` (None: none) of a document of ``text``."""
        self.beginResetModel()
        self._curation = curation
        self._text = text
        if colors is not None:
            self._colours = LabelColours(colors)
        self._fill()
        self.endResetModel()

    def set_disagreements_only(self, only: bool) -> None:
        """Show only the partial and conflicting candidates (True), or all."""
        if only == self._disagreements_only:
            return
        self.beginResetModel()
        self._disagreements_only = only
        self._fill()
        self.endResetModel()

    def _fill(self) -> None:
        candidates = self._curation.candidates if self._curation is not None else ()
        self._rows = [
            c for c in candidates if not self._disagreements_only or c.kind in Kind.DISAGREEMENTS
        ]

    def curation(self) -> Curation | None:
        """The curation on show."""
        return self._curation

    def annotators(self) -> tuple[str, ...]:
        """The annotators with a column each."""
        return self._curation.annotators if self._curation is not None else ()

    def candidate(self, row: int) -> Candidate:
        """The candidate of ``row``."""
        return self._rows[row]

    def row_of(self, key: tuple[int, int, str]) -> int | None:
        """The row of the candidate with (start, end, label) ``key``, if it is listed."""
        for row, c in enumerate(self._rows):
            if (c.start, c.end, c.label) == key:
                return row
        return None

    def row_of_gold(self, span_id: int) -> int | None:
        """The row of the candidate whose gold span is ``span_id``, if it is listed."""
        for row, c in enumerate(self._rows):
            if c.gold_id == span_id:
                return row
        return None

    def annotator_of(self, column: int) -> str | None:
        """The annotator whose column ``column`` is, if it is one's."""
        names = self.annotators()
        at = column - len(FIXED_HEADERS)
        return names[at] if 0 <= at < len(names) else None

    # -- the Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Candidates listed (a table: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The fixed columns, one per annotator, and Gold."""
        return 0 if parent.isValid() else len(FIXED_HEADERS) + len(self.annotators()) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles: the fixed ones, the annotators' names, Gold."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(FIXED_HEADERS):
            return FIXED_HEADERS[section]
        return self.annotator_of(section) or "Gold"

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        """A cell's text, tooltip, icon, tint, font or context."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        c = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.BackgroundRole:
            return ROW_TINTS.get(c.kind)
        if column == STATUS:
            return self._status_data(c, role)
        if column == TEXT:
            return self._text_data(c, role)
        if column == LABEL:
            if role == Qt.ItemDataRole.DisplayRole:
                return c.label
            if role == Qt.ItemDataRole.DecorationRole:
                return self._colours.solid(c.label)
            return None
        annotator = self.annotator_of(column)
        if annotator is not None:
            return self._annotator_data(c, annotator, role)
        return self._gold_data(c, role)

    def _status_data(self, c: Candidate, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return status_text(c)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons[c.kind]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._explain(c)
        return None

    def _text_data(self, c: Candidate, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, CONTEXT_ROLE):
            parts = context(self._text, c.start, c.end)
            return " ".join(parts).strip() if role == Qt.ItemDataRole.DisplayRole else parts
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text[c.start : c.end]
        return None

    def _annotator_data(self, c: Candidate, annotator: str, role: int) -> object:
        marks = c.marks_of(annotator)
        if role == Qt.ItemDataRole.DisplayRole:
            return mark_text(c, marks)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(self._describe(v) for v in marks) or f"{annotator} marked nothing here"
        if role == Qt.ItemDataRole.ForegroundRole and not marks:
            return QPalette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def _gold_data(self, c: Candidate, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if c.gold_id is not None:
                return f"✓ {c.label}"
            return " ".join(f"✗ {v.span.label}" for v in c.gold) or NOTHING
        if role == Qt.ItemDataRole.FontRole and c.gold_id is not None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if c.gold_id is not None:
                return "In the gold set"
            if c.gold:
                return "The gold set holds another label at these offsets"
            return "Not in the gold set"
        return None

    def _describe(self, version: Version) -> str:
        """A version as a line: its label, covered text, attributes and note."""
        span = version.span
        line = f"{span.label} '{self._text[span.start : span.end]}'"
        details = [f"{key}: {value}" for key, value in span.attributes.items()]
        if span.note:
            details.append(f"note: {span.note}")
        return f"{line} ({', '.join(details)})" if details else line

    def _explain(self, c: Candidate) -> str:
        who = ", ".join(c.holders) or "no annotator"
        lines = [f"Marked by {who} ({len(c.versions)} of {c.coders})"]
        if c.kind == Kind.CONFLICT:
            lines.append("Another annotator marked a different span or label here")
        elif c.kind == Kind.PARTIAL:
            lines.append("The others marked nothing here")
        elif c.kind == Kind.GOLD_ONLY:
            lines.append("Only the gold set holds it (the curator's own)")
        if c.versions_differ:
            lines.append("Their attributes or notes differ")
        return "\n".join(lines)


def status_text(c: Candidate) -> str:
    """The Status cell: how the annotators stand on ``c``, in words."""
    share = f"{len(c.versions)}/{c.coders}"
    text = {
        Kind.AGREED: f"Agreed {share}",
        Kind.PARTIAL: f"Partial {share}",
        Kind.CONFLICT: f"Conflict {share}",
        Kind.GOLD_ONLY: "Gold only",
    }[c.kind]
    return f"{text} *" if c.versions_differ else text


def mark_text(c: Candidate, marks: tuple[Version, ...]) -> str:
    """An annotator's cell: ✓ and the label for their version, ✗ and the label they gave at
    these offsets instead, ≈ and the label of what they marked overlapping, or a dash."""
    if not marks:
        return NOTHING
    first = marks[0].span
    if (first.start, first.end, first.label) == (c.start, c.end, c.label):
        return f"✓ {first.label}"
    if (first.start, first.end) == (c.start, c.end):
        return " ".join(f"✗ {v.span.label}" for v in marks)
    return " ".join(f"≈ {v.span.label}" for v in marks)


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """The words before ``start`` (about ``width`` characters, whole words), the text from
    ``start`` to ``end`` and the words after ``end``, each on one line."""
    before, after = text[max(0, start - width) : start], text[end : end + width]
    if start > width:  # cut off: drop the broken word, mark the cut
        before = "…" + before[_first_space(before) :].lstrip()
    if end + width < len(text):
        after = after[: _last_space(after)].rstrip() + "…"
    lead = " " if before[-1:].isspace() else ""
    trail = " " if after[:1].isspace() else ""
    return (
        " ".join(before.split()) + lead,
        " ".join(text[start:end].split()),
        trail + " ".join(after.split()),
    )


def _first_space(part: str) -> int:
    return next((i for i, char in enumerate(part) if char.isspace()), 0)


def _last_space(part: str) -> int:
    return next((i for i in range(len(part) - 1, -1, -1) if part[i].isspace()), len(part))


def _badge(colour: str, glyph: str) -> QIcon:
    """A small rounded square of ``colour`` with ``glyph`` in white: a kind's icon."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(0.5, 0.5, 15, 15), 3, 3)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(12)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRectF(0, 0, 16, 16), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)


class ContextDelegate(SnippetDelegate):
    """Draws a Text cell on one line: the words around the candidate, the candidate in bold."""

    def _document(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QTextDocument:
        before, covered, after = index.data(CONTEXT_ROLE) or ("", "", "")
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(3)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.NoWrap)
        doc.setDefaultTextOption(text_option)
        doc.setHtml(f"{html.escape(before)}<b>{html.escape(covered)}</b>{html.escape(after)}")
        doc.setTextWidth(option.rect.width())  # right-to-left lines end at the right edge
        return doc

    def _top(self, option: QStyleOptionViewItem, doc: QTextDocument) -> float:
        """The line in the middle of the cell."""
        return (option.rect.height() - doc.size().height()) / 2
