"""The hits of an annotation search as a concordance table: the left context right-aligned,
the covered text bold in its label's colour, the right context, then label, annotator, status
and document. A right-to-left hit has its contexts swapped, so that each line reads on from
right to left as the article does.

A thin adapter over a finished search's hits (:mod:`ui.span_search_worker`); the view loads
them a page at a time (``canFetchMore``/``fetchMore``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from corpus.span_search import SpanHit, one_line
from ui.article_reader import is_rtl
from ui.document_table_model import column_name, status_text
from ui.span_painter import LabelColours

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Left context", "Match", "Right context", "Label", "Annotator", "Status", "Document")
LEFT, MATCH, RIGHT, LABEL, ANNOTATOR, STATUS, DOCUMENT = range(len(COLUMNS))

RTL_ROLE = Qt.ItemDataRole.UserRole + 1
"""Whether the row's hit reads right to left (its contexts are swapped)."""

PAGE = 500
"""Rows the view gets at a time."""

MIN_CONTRAST = 4.5  # WCAG AA for text: a label colour darkened or lightened until it reads


class SpanHitsModel(QAbstractTableModel):
    """The hits of one search, in document and offset order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SpanHit] = []
        self._rtl: list[bool] = []
        self._shown = 0  # rows given to views so far
        self._colours = LabelColours()
        self._readable: dict[tuple[str, str], QColor] = {}

    # -- content ------------------------------------------------------------------------------

    def set_hits(self, hits: Sequence[SpanHit], colors: Mapping[str, str] | None = None) -> None:
        """Show ``hits`` (the first page of them; views fetch the rest), with the labels'
        ``colors``."""
        self.beginResetModel()
        self._hits = list(hits)
        self._rtl = [reads_right_to_left(hit) for hit in self._hits]
        self._shown = min(PAGE, len(self._hits))
        if colors is not None:
            self._colours = LabelColours(colors)
            self._readable.clear()
        self.endResetModel()

    def hit(self, row: int) -> SpanHit:
        """The hit of ``row``."""
        return self._hits[row]

    def hits(self) -> list[SpanHit]:
        """Every hit of the search, those not fetched by views yet too."""
        return list(self._hits)

    def rows_of(self, span_ids: Iterable[int]) -> list[int]:
        """The rows (fetched ones) of the spans ``span_ids`` that are listed, in order."""
        wanted = set(span_ids)
        return [row for row in range(self._shown) if self._hits[row].span_id in wanted]

    # -- the Qt model -------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The hits fetched so far (a flat table)."""
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The concordance's three columns and four about the span."""
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        """Whether hits remain that views have not fetched."""
        return not parent.isValid() and self._shown < len(self._hits)

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        """Give views the next page of hits."""
        if parent.isValid() or not self.canFetchMore():
            return
        first, last = self._shown, min(self._shown + PAGE, len(self._hits)) - 1
        self.beginInsertRows(QModelIndex(), first, last)  # the last row inclusive
        self._shown = last + 1
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> str | None:
        """Column titles."""
        return column_name(COLUMNS, section, orientation, role)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """A cell's text, alignment, font, colour, tool tip or direction."""
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        hit, rtl, column = self._hits[index.row()], self._rtl[index.row()], index.column()
        if role == RTL_ROLE:
            return rtl
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(hit)
        if column in (LEFT, MATCH, RIGHT):
            return self._concordance(hit, rtl, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == LABEL:
                return hit.label
            if column == ANNOTATOR:
                return hit.annotator
            if column == STATUS:
                return status_text(hit.status)
            return one_line(hit.title).strip() or "(untitled)"
        if role == Qt.ItemDataRole.DecorationRole and column == LABEL:
            return self._colours.solid(hit.label)
        return None

    def _concordance(self, hit: SpanHit, rtl: bool, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == MATCH:
                return one_line(hit.text)
            before = column == LEFT
            return one_line(hit.left if before != rtl else hit.right)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = {
                LEFT: Qt.AlignmentFlag.AlignRight,
                MATCH: Qt.AlignmentFlag.AlignHCenter,
                RIGHT: Qt.AlignmentFlag.AlignLeft,
            }[column]
            return side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter
        if column == MATCH and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if column == MATCH and role == Qt.ItemDataRole.ForegroundRole:
            return self._label_colour(hit.label)
        return None

    def _label_colour(self, label: str) -> QColor:
        """The label's colour, made lighter or darker until it reads on the table's base."""
        base = QPalette().color(QPalette.ColorRole.Base)
        key = (label, base.name())
        if key not in self._readable:
            self._readable[key] = readable_on(self._colours.solid(label), base)
        return self._readable[key]

    def _tooltip(self, hit: SpanHit) -> str:
        attributes = ", ".join(f"{k}={v}" for k, v in hit.attributes.items())
        lines = [
            f"{hit.label} “{one_line(hit.text)}”" + (f" ({attributes})" if attributes else ""),
            f"{hit.annotator}, {status_text(hit.status)}",
            f"#{hit.document_id} {one_line(hit.title).strip() or '(untitled)'}, "
            f"at {hit.start}–{hit.end}",
        ]
        return "\n".join(lines)


def reads_right_to_left(hit: SpanHit) -> bool:
    """Whether the hit's line reads right to left: its covered text's first strong character
    is, or (for text without any, such as a number) the left context's nearest, or else the
    right context's first."""
    return is_rtl(hit.text + hit.left[::-1] + hit.right)


def readable_on(colour: QColor, base: QColor) -> QColor:
    """``colour``, lightened on a dark ``base`` or darkened on a light one just enough to reach
    :data:`MIN_CONTRAST` (as far as white or black allow)."""
    dark_base = _luminance(base) < 0.5
    result = QColor(colour)
    for _ in range(20):
        if _contrast(result, base) >= MIN_CONTRAST:
            break
        result = result.lighter(115) if dark_base else result.darker(115)
    return result


def _contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


class ConcordanceDelegate(QStyledItemDelegate):
    """Cuts a context cell's text at its far end (the end near the match stays) and lays a
    right-to-left hit's text out right to left."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """The elision side and direction of the cell's text."""
        super().initStyleOption(option, index)
        rtl = bool(index.data(RTL_ROLE))
        if rtl:
            option.direction = Qt.LayoutDirection.RightToLeft
        if index.column() == LEFT:  # the far end is the visual left: logically first unless rtl
            option.textElideMode = (
                Qt.TextElideMode.ElideRight if rtl else Qt.TextElideMode.ElideLeft
            )
        elif index.column() == RIGHT:
            option.textElideMode = (
                Qt.TextElideMode.ElideLeft if rtl else Qt.TextElideMode.ElideRight
            )
