"""The corpus's documents as a lazily loaded table, for the corpus browser, on a base that any
flat table of one document a row shares (the search results)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from annotator.errors import AnnotatorError
from corpus.document_listing import DocumentSummary
from corpus.filters import DocumentFilter, DocumentOrder
from corpus.store import Store

DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""Item data role holding the document id of a row, in every column."""

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Title", "Author", "Published", "Source", "Status", "Spans", "Collections")
TITLE, AUTHOR, PUBLISHED, SOURCE, STATUS, SPANS, COLLECTIONS = range(len(COLUMNS))

SORT_KEYS = {TITLE: "title", AUTHOR: "author", PUBLISHED: "published", SOURCE: "source"}
"""The columns the database sorts, by their :class:`DocumentOrder` keys. Status, spans and
collections are looked up a page at a time; sorting by them would read the whole corpus."""


def status_text(status: str) -> str:
    """A status as the user reads it ("in progress" for ``in_progress``)."""
    return status.replace("_", " ")


class _DocumentRow(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=_DocumentRow)


class DocumentRowsModel(QAbstractTableModel, Generic[Row]):
    """A flat table whose rows each show one document: the row's document id under
    :data:`DOCUMENT_ID_ROLE` in every column, and the names of ``columns`` in the header."""

    columns: Sequence[str] = ()
    newest_first: frozenset[int] = frozenset()  # date columns: sorted newest first at first click

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def document_id(self, row: int) -> int:
        """The id of the document shown in ``row``."""
        return self._rows[row].id

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Loaded rows (none under any item: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The columns of ``columns``."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The document id of a cell's row, or what :meth:`_cell_data` says of the cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == DOCUMENT_ID_ROLE:
            return row.id
        return self._cell_data(row, index.column(), role)

    def _cell_data(self, row: Row, column: int, role: int) -> Any:
        raise NotImplementedError

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column names, and which columns sort newest first on their first click."""
        if (
            role == Qt.ItemDataRole.InitialSortOrderRole
            and orientation == Qt.Orientation.Horizontal
            and section in self.newest_first
        ):
            return Qt.SortOrder.DescendingOrder
        return column_name(self.columns, section, orientation, role)


class DocumentTableModel(DocumentRowsModel[DocumentSummary]):
    """Document summaries fetched from the store a page at a time as views scroll, filtered and
    sorted by the database; with an annotator, the Status column shows theirs."""

    PAGE_SIZE = 200
    columns = COLUMNS
    newest_first = frozenset({PUBLISHED})

    def __init__(
        self,
        store: Store,
        flt: DocumentFilter | None = None,
        page_size: int = PAGE_SIZE,
        parent: Any = None,
        *,
        annotator: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._filter = flt
        self._order = DocumentOrder()
        self._annotator = annotator
        self._page_size = page_size
        self._row_of: dict[int, int] = {}
        self._after: DocumentSummary | None = None  # the last row fetched, as fetched
        self._total = 0
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Forget the loaded rows and load the first page again (after the corpus changed)."""
        self.beginResetModel()
        self._total = self._store.count_documents(self._filter)
        self._rows, self._row_of, self._after = [], {}, None
        self._append(self._page())
        self.endResetModel()

    def _page(self) -> list[DocumentSummary]:
        """The rows of the next page past the last row fetched that are not loaded yet."""
        while True:
            batch = list(
                self._store.documents(
                    self._filter,
                    limit=self._page_size,
                    order=self._order,
                    after=self._after,
                    annotator=self._annotator,
                )
            )
            if batch:
                self._after = batch[-1]
            # A document edited since it was loaded may come again further on in a sorted list.
            fresh = [summary for summary in batch if summary.id not in self._row_of]
            if len(batch) < self._page_size:
                # Documents may have gone since the count; never promise rows that will not come.
                self._total = len(self._rows) + len(fresh)
                return fresh
            if fresh:
                return fresh

    def _append(self, batch: list[DocumentSummary]) -> None:
        for summary in batch:
            self._row_of[summary.id] = len(self._rows)
            self._rows.append(summary)

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
        batch = self._page()
        if not batch:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)  # last row inclusive
        self._append(batch)
        self.endInsertRows()

    # -- filter and order ---------------------------------------------------------------------

    def filter(self) -> DocumentFilter | None:
        """The filter the rows pass."""
        return self._filter

    def set_filter(self, flt: DocumentFilter | None) -> None:
        """Show the documents ``flt`` keeps (all for None), from the first page."""
        self._filter = flt
        self.reload()

    def order(self) -> DocumentOrder:
        """The order of the rows."""
        return self._order

    def sort_column(self) -> int:
        """The column the rows are sorted by, or -1 for import order."""
        return next((c for c, key in SORT_KEYS.items() if key == self._order.key), -1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` if the database can (see :data:`SORT_KEYS`); -1 for import order."""
        if column != -1 and column not in SORT_KEYS:
            return
        descending = column != -1 and order == Qt.SortOrder.DescendingOrder
        wanted = DocumentOrder(SORT_KEYS.get(column, "id"), descending)
        if wanted == self._order:
            return
        self._order = wanted
        self.reload()

    # -- rows changed elsewhere ---------------------------------------------------------------

    def add_to_span_count(self, doc_id: int, delta: int) -> None:
        """Change the span count shown for ``doc_id`` by ``delta`` (after an edit elsewhere)."""
        row = self.row_of(doc_id)
        if row is None or not delta:
            return
        summary = self._rows[row]
        count = max(0, summary.span_count + delta)
        self._replace(row, dataclasses.replace(summary, span_count=count), SPANS, SPANS)

    def set_annotator(self, annotator: str | None) -> None:
        """Show ``annotator``'s statuses from now on (loads the rows again)."""
        self._annotator = annotator
        self.reload()

    def set_status_of(self, doc_id: int, status: str) -> None:
        """Show ``status`` as the annotator's for ``doc_id`` (after they changed it elsewhere).

        The row stays where it is, even if the status filter would now leave it out.
        """
        row = self.row_of(doc_id)
        if row is None or self._rows[row].status == status:
            return
        self._replace(row, dataclasses.replace(self._rows[row], status=status), STATUS, STATUS)

    def refresh_document(self, doc_id: int) -> bool:
        """Read the row of ``doc_id`` again (after its metadata was edited); False if it is not
        loaded or no longer exists. It stays in place until the next reload."""
        row = self.row_of(doc_id)
        if row is None:
            return False
        try:
            summary = self._store.summary(doc_id, self._annotator)
        except AnnotatorError:
            return False
        self._replace(row, summary, 0, len(COLUMNS) - 1)
        return True

    def _replace(self, row: int, summary: DocumentSummary, first: int, last: int) -> None:
        self._rows[row] = summary
        self.dataChanged.emit(self.index(row, first), self.index(row, last))

    # -- lookups ------------------------------------------------------------------------------

    def row_of(self, doc_id: int) -> int | None:
        """The row showing the document ``doc_id``, if it is loaded."""
        return self._row_of.get(doc_id)

    # -- cells --------------------------------------------------------------------------------

    def _cell_data(self, row: DocumentSummary, column: int, role: int) -> Any:
        """Display text, tooltips and alignment of a cell."""
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (TITLE, COLLECTIONS):
            return _cell(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SPANS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


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
    if column == STATUS:
        return status_text(summary.status) if summary.status is not None else ""
    if column == SPANS:
        return summary.span_count
    return ", ".join(summary.collections)
