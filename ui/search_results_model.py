"""Full-text search hits as a small table: title and a snippet around the match."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from corpus.filters import DocumentFilter
from corpus.search import SearchHit
from corpus.store import Store
from ui.document_table_model import DocumentRowsModel

COLUMNS = ("Title", "Match")
TITLE, SNIPPET = range(len(COLUMNS))


class SearchResultsModel(DocumentRowsModel[SearchHit]):
    """The best matches for one query, best first; a new query resets the model."""

    LIMIT = 200
    columns = COLUMNS

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._query = ""
        self._filter: DocumentFilter | None = None

    def set_query(self, text: str) -> None:
        """Search the corpus for ``text`` (nothing for blank text) and show the hits."""
        self.beginResetModel()
        self._query = text
        self._rows = (
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

    def _cell_data(self, row: SearchHit, column: int, role: int) -> Any:
        """Display text and tooltips of a cell."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # Snippets may span lines; a table cell shows one.
            return row.title or "(untitled)" if column == TITLE else _one_line(row.snippet)
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
