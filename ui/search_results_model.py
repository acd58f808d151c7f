"""Full-text search hits as a small table: title and a snippet around the match."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from corpus.filters import DocumentFilter
from corpus.search import SearchHit
from corpus.store import Store
from ui.document_table_model import DOCUMENT_ID_ROLE, ModelIndex, column_name

COLUMNS = ("Title", "Match")
TITLE, SNIPPET = range(len(COLUMNS))


class SearchResultsModel(QAbstractTableModel):
    """The best matches for one query, best first; a new query resets the model."""

    LIMIT = 200

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ""
        self._filter: DocumentFilter | None = None
        self._hits: list[SearchHit] = []

    def set_query(self, text: str) -> None:
        """Search the corpus for ``text`` (nothing for blank text) and show the hits."""
        self.beginResetModel()
        self._query = text
        self._hits = (
            self._store.search(text, self._filter, limit=self.LIMIT) if text.strip() else []
        )
        self.endResetModel()

    def set_filter(self, flt: DocumentFilter | None) -> None:
        """Keep only hits that ``flt`` keeps (all for None), searching again if need be."""
        self._filter = flt
        if self._query.strip():
            self.set_query(self._query)

    def query(self) -> str:
        """The text last searched for."""
        return self._query

    def document_id(self, row: int) -> int:
        """The id of the document shown in ``row``."""
        return self._hits[row].id

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The hits (none under any item: this is a flat table)."""
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Title and snippet."""
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, tooltips and the document id of a cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # Snippets may span lines; a table cell shows one.
            return hit.title or "(untitled)" if index.column() == TITLE else _one_line(hit.snippet)
        if role == DOCUMENT_ID_ROLE:
            return hit.id
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column names."""
        return column_name(COLUMNS, section, orientation, role)


def _one_line(text: str) -> str:
    return " ".join(text.split())
