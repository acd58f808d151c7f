"""The corpus's documents as a lazily loaded table, for the corpus browser."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from corpus.filters import DocumentFilter
from corpus.store import DocumentSummary, Store

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""Item data role holding the document id of a row, in every column."""

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Author", "Published", "Source", "Spans", "Collections")
TITLE, AUTHOR, PUBLISHED, SOURCE, SPANS, COLLECTIONS = range(len(COLUMNS))


class DocumentTableModel(QAbstractTableModel):
    """Document summaries in id order, fetched from the store a page at a time as views scroll."""

    PAGE_SIZE = 200

    def __init__(
        self,
        store: Store,
        flt: DocumentFilter | None = None,
        page_size: int = PAGE_SIZE,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._filter = flt
        self._page_size = page_size
        self._rows: list[DocumentSummary] = []
        self._total = 0
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Forget the loaded rows and load the first page again (after the corpus changed)."""
        self.beginResetModel()
        self._total = self._store.count_documents(self._filter)
        self._rows = self._page(0)
        self.endResetModel()

    def _page(self, offset: int) -> list[DocumentSummary]:
        return list(self._store.documents(self._filter, limit=self._page_size, offset=offset))

    def total(self) -> int:
        """How many documents the corpus holds for this model's filter, loaded or not."""
        return self._total

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        """Whether rows remain to be loaded."""
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        """Load the next page of rows."""
        if parent.isValid():
            return
        batch = self._page(len(self._rows))
        if len(batch) < self._page_size:
            # Documents may have gone since the count; never promise rows that will not come.
            self._total = len(self._rows) + len(batch)
        if not batch:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)  # last row inclusive
        self._rows.extend(batch)
        self.endInsertRows()

    def add_to_span_count(self, doc_id: int, delta: int) -> None:
        """Change the span count shown for ``doc_id`` by ``delta`` (after an edit elsewhere)."""
        row = self.row_of(doc_id)
        if row is None or not delta:
            return
        summary = self._rows[row]
        count = max(0, summary.span_count + delta)
        self._rows[row] = dataclasses.replace(summary, span_count=count)
        index = self.index(row, SPANS)
        self.dataChanged.emit(index, index)

    # -- lookups ------------------------------------------------------------------------------

    def document_id(self, row: int) -> int:
        """The id of the document shown in ``row``."""
        return self._rows[row].id

    def row_of(self, doc_id: int) -> int | None:
        """The row showing the document ``doc_id``, if it is loaded."""
        return next((i for i, s in enumerate(self._rows) if s.id == doc_id), None)

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Loaded rows (none under any item: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The columns of :data:`COLUMNS`."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, tooltips, alignment and the document id of a cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (TITLE, COLLECTIONS):
            return _cell(summary, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SPANS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == DOCUMENT_ID_ROLE:
            return summary.id
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column names."""
        return column_name(COLUMNS, section, orientation, role)


def column_name(
    columns: Sequence[str], section: int, orientation: Qt.Orientation, role: int
) -> str | None:
    """A table model's horizontal header text for ``section``, for the display role only."""
    if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
        return columns[section] if 0 <= section < len(columns) else None
    return None


def _cell(summary: DocumentSummary, column: int) -> str | int:
    if column == TITLE:
        return summary.title or "(untitled)"
    if column == AUTHOR:
        return summary.author or ""
    if column == PUBLISHED:
        return summary.published or ""
    if column == SOURCE:
        return summary.source or ""
    if column == SPANS:
        return summary.span_count
    return ", ".join(summary.collections)
