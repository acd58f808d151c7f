"""The corpus browser: a search box over the table of documents or of search hits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from corpus.store import Store
from ui import document_table_model as dtm
from ui.document_table_model import DOCUMENT_ID_ROLE, DocumentTableModel
from ui.search_results_model import SearchResultsModel
from ui.snippet_delegate import SnippetDelegate

SEARCH_DELAY_MS = 250


class CorpusBrowser(QWidget):
    """Lists the corpus's documents, or the hits of what is typed in its search box."""

    sig_document_selected = Signal(int)
    """The id of the document the user made current."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_box = QLineEdit(placeholderText="Search the corpus…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip('Words, "exact phrases" and -excluded words (Ctrl+F)')
        self.count_label = QLabel()

        self.document_model = DocumentTableModel(store, parent=self)
        self.search_model = SearchResultsModel(store, parent=self)
        self.document_view = _table_view(self.document_model, _DocumentView())
        self.document_view.horizontalHeader().setStretchLastSection(False)
        widths = {dtm.AUTHOR: 100, dtm.PUBLISHED: 86, dtm.SOURCE: 100, dtm.SPANS: 46}
        for column, width in {**widths, dtm.COLLECTIONS: 90}.items():
            self.document_view.setColumnWidth(column, width)

        self.search_view = _table_view(self.search_model)
        self.search_view.setColumnWidth(0, 200)
        self.search_view.setWordWrap(True)
        self.search_view.setItemDelegateForColumn(1, SnippetDelegate(self.search_view))
        # Two lines a row: room for the title and the words around the hit.
        lines = self.search_view.fontMetrics().lineSpacing() * 2 + 8
        self.search_view.verticalHeader().setDefaultSectionSize(lines)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.document_view)
        self.stack.addWidget(self.search_view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search_box)
        layout.addWidget(self.count_label)
        layout.addWidget(self.stack, 1)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._run_search)
        self.search_box.textChanged.connect(self._on_search_text_changed)
        self.search_box.returnPressed.connect(self._run_search)
        for view in (self.document_view, self.search_view):
            view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.document_model.rowsInserted.connect(self._update_count)
        self.document_model.modelReset.connect(self._update_count)
        self._update_count()

    # -- public -------------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the keyboard focus in the search box, its text selected for retyping."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def is_searching(self) -> bool:
        """Whether the table shows search hits rather than the whole corpus."""
        return self.stack.currentWidget() is self.search_view

    def current_view(self) -> QTableView:
        """The table on show: documents or search hits."""
        view = self.stack.currentWidget()
        assert isinstance(view, QTableView)
        return view

    def select_first(self) -> None:
        """Make the first row of the table on show current (which shows its document)."""
        view = self.current_view()
        if view.model().rowCount() > 0:
            view.setCurrentIndex(view.model().index(0, 0))

    def select_document(self, doc_id: int) -> bool:
        """Make the row of ``doc_id`` current if the table on show has it loaded."""
        view = self.current_view()
        model = view.model()
        for row in range(model.rowCount()):
            if model.index(row, 0).data(DOCUMENT_ID_ROLE) == doc_id:
                view.setCurrentIndex(model.index(row, 0))
                view.scrollTo(model.index(row, 0))
                return True
        return False

    def select_relative(self, step: int) -> bool:
        """Make the row ``step`` rows from the current one current, loading rows past the end."""
        view = self.current_view()
        model = view.model()
        row = view.currentIndex().row()
        target = row + step if row >= 0 else 0
        while target >= model.rowCount() and model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        if not 0 <= target < model.rowCount():
            return False
        self._make_current(view, target)
        return True

    def select_next_where(self, keep: Callable[[int], bool]) -> bool:
        """Make current the first row after the current one (wrapping round) whose document id
        ``keep`` accepts; loads rows past the end as needed. False if there is none."""
        view = self.current_view()
        model = view.model()
        current = view.currentIndex().row()
        row = current + 1
        while True:
            if row >= model.rowCount():
                if not model.canFetchMore(QModelIndex()):
                    break
                model.fetchMore(QModelIndex())
                continue
            if keep(int(model.index(row, 0).data(DOCUMENT_ID_ROLE))):
                self._make_current(view, row)
                return True
            row += 1
        for row in range(max(current, 0)):
            if keep(int(model.index(row, 0).data(DOCUMENT_ID_ROLE))):
                self._make_current(view, row)
                return True
        return False

    @staticmethod
    def _make_current(view: QTableView, row: int) -> None:
        index = view.model().index(row, 0)
        view.setCurrentIndex(index)
        view.scrollTo(index)

    def reload(self) -> None:
        """Load the documents again and redo any search (after the corpus changed)."""
        self.document_model.reload()
        if self.is_searching():
            self.search_model.set_query(self.search_box.text())
            self._update_count()

    # -- slots --------------------------------------------------------------------------------

    def _on_search_text_changed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
            return
        self._timer.stop()
        self.search_model.set_query("")
        self._show(self.document_view)

    def _run_search(self) -> None:
        self._timer.stop()
        text = self.search_box.text()
        if not text.strip():
            return
        self.search_model.set_query(text)
        self._show(self.search_view)

    def _show(self, view: QTableView) -> None:
        self.stack.setCurrentWidget(view)
        self._update_count()

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.sig_document_selected.emit(int(current.data(DOCUMENT_ID_ROLE)))

    def _update_count(self, *_args: Any) -> None:
        if self.is_searching():
            hits = self.search_model.rowCount()
            query = self.search_model.query().strip()
            if not hits:
                text = f"No articles match “{query}”"
            elif hits >= SearchResultsModel.LIMIT:
                text = f"The {hits} best matches for “{query}”"
            else:
                text = f"{hits} article{' matches' if hits == 1 else 's match'} “{query}”"
        else:
            total = self.document_model.total()
            text = f"{total} article{'' if total == 1 else 's'}" if total else "No articles"
        self.count_label.setText(text)


class _DocumentView(QTableView):
    """A table whose title column takes the width the others leave, but never too little."""

    MIN_TITLE_WIDTH = 180

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Give the title column the spare width (the table scrolls sideways when there is none)."""
        super().resizeEvent(event)
        others = sum(self.columnWidth(c) for c in range(len(dtm.COLUMNS)) if c != dtm.TITLE)
        self.setColumnWidth(dtm.TITLE, max(self.MIN_TITLE_WIDTH, self.viewport().width() - others))


def _table_view(model: Any, view: QTableView | None = None) -> QTableView:
    view = view or QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view
