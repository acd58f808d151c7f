"""The corpus browser: a search box and filters over the table of documents or of search hits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.document import Status
from corpus.filters import DocumentFilter
from corpus.store import Store
from ui import document_table_model as dtm
from ui.document_table_model import DOCUMENT_ID_ROLE, DocumentTableModel, status_text
from ui.search_results_model import SearchResultsModel
from ui.session import login_name
from ui.snippet_delegate import SnippetDelegate

SEARCH_DELAY_MS = 250


class CorpusBrowser(QWidget):
    """Lists the corpus's documents, or the hits of what is typed in its search box, filtered by
    collection and by ``annotator``'s status (by default the user's login name)."""

    sig_document_selected = Signal(int)
    """The id of the document the user made current."""

    def __init__(
        self, store: Store, parent: QWidget | None = None, *, annotator: str | None = None
    ) -> None:
        super().__init__(parent)
        if annotator is None:
            annotator = login_name()
        self._store = store
        self.annotator = annotator
        self._restoring = False  # making a row current again after a reload is no user's request
        self.search_box = QLineEdit(placeholderText="Search the corpus…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip('Words, "exact phrases" and -excluded words (Ctrl+F)')
        self.count_label = QLabel()

        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for status in Status.ALL:
            self.status_filter.addItem(status_text(status), status)
        self.status_filter.setToolTip(f"Only the articles with this status for {annotator}")
        self.collection_filter = QComboBox()
        self.collection_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.collection_filter.setMinimumContentsLength(14)  # long names are elided
        self.collection_filter.setToolTip("Only the articles in this collection")
        self._fill_collections()
        self.queue_filter = QCheckBox("My queue")
        self.queue_filter.setToolTip(f"Only the articles assigned to {annotator}")
        self.queue_filter.setChecked(bool(store.queue(annotator)))
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for text, combo in (("Status", self.status_filter), ("Collection", self.collection_filter)):
            # Both may shrink (eliding their text) so that the browser can be narrow.
            combo.setMinimumWidth(combo.fontMetrics().horizontalAdvance("All") + 36)
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
            filters.addSpacing(6)
        filters.addWidget(self.queue_filter)
        filters.addStretch(1)

        flt = self.current_filter()
        self.document_model = DocumentTableModel(store, flt, parent=self, annotator=annotator)
        self.search_model = SearchResultsModel(store, parent=self)
        self.search_model.set_filter(flt)
        self.document_view = _table_view(self.document_model, _DocumentView())
        header = self.document_view.horizontalHeader()
        header.setStretchLastSection(False)
        # Sorted by the database, a column at a time (see dtm.SORT_KEYS); import order at first.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        for column, width in _column_widths(self.document_view).items():
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
        layout.addLayout(filters)
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
        self.status_filter.currentIndexChanged.connect(self._apply_filter)
        self.collection_filter.currentIndexChanged.connect(self._apply_filter)
        self.queue_filter.toggled.connect(self._apply_filter)
        header.sortIndicatorChanged.connect(self._on_sort_indicator_changed)
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
        """Load the collections and documents again and redo any search (after the corpus
        changed); a collection chosen in the filter that has gone falls back to all."""
        self._fill_collections()
        flt = self.current_filter()
        self.document_model.set_filter(flt)
        self.search_model.set_filter(flt)  # which searches again
        self._update_count()

    def set_annotator(self, annotator: str) -> None:
        """Show ``annotator``'s statuses, and filter by them, from now on."""
        self.annotator = annotator
        self.status_filter.setToolTip(f"Only the articles with this status for {annotator}")
        self.queue_filter.setToolTip(f"Only the articles assigned to {annotator}")
        with QSignalBlocker(self.queue_filter):
            self.queue_filter.setChecked(bool(self._store.queue(annotator)))
        self.document_model.set_annotator(annotator)
        self.reload()

    def refresh_document(self, doc_id: int) -> None:
        """Show the document's row as stored now, and any collection new to the filter (after
        its metadata was edited); the row stays where it is until the next reload."""
        self.document_model.refresh_document(doc_id)
        self._fill_collections()

    # -- filters and order --------------------------------------------------------------------

    def _fill_collections(self) -> None:
        """List the corpus's collections in the filter, keeping the one chosen if it is there."""
        combo = self.collection_filter
        chosen = combo.currentData()
        with QSignalBlocker(combo):
            combo.clear()
            combo.addItem("All", None)
            for name in self._store.collection_names():
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)

    def current_filter(self) -> DocumentFilter:
        """The filter the list applies: status, collection, queue."""
        status = self.status_filter.currentData()
        return DocumentFilter(
            collection=self.collection_filter.currentData(),
            status=status,
            annotator=self.annotator if status is not None else None,
            assigned_to=self.annotator if self.queue_filter.isChecked() else None,
        )

    def _apply_filter(self) -> None:
        flt = self.current_filter()
        self._keeping_current(lambda: self.document_model.set_filter(flt))
        self.search_model.set_filter(flt)
        self._update_count()

    def _on_sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        model = self.document_model
        if column != -1 and column not in dtm.SORT_KEYS:
            # Not sortable: put the indicator back where the rows are sorted.
            current = model.sort_column()
            descending = model.order().descending
            with QSignalBlocker(self.document_view.horizontalHeader()):
                self.document_view.horizontalHeader().setSortIndicator(
                    current,
                    Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
                )
            return
        self._keeping_current(lambda: model.sort(column, order))

    def _keeping_current(self, change: Callable[[], None]) -> None:
        """Run ``change`` (which reloads the documents), then make the document that was current
        current again if it is among the rows loaded."""
        view = self.document_view
        current = view.currentIndex()
        doc_id = current.data(DOCUMENT_ID_ROLE) if current.isValid() else None
        change()
        row = self.document_model.row_of(doc_id) if doc_id is not None else None
        if row is not None:
            self._restoring = True
            try:
                view.setCurrentIndex(self.document_model.index(row, 0))
            finally:
                self._restoring = False
            view.scrollTo(view.currentIndex())

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
        if current.isValid() and not self._restoring:
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


def _column_widths(view: QTableView) -> dict[int, int]:
    """Widths of the document table's columns but the title, from the font: a date, a status and
    a span count fit whole; names and collections get the room of a header, elided beyond."""
    cell, header = view.fontMetrics(), view.horizontalHeader().fontMetrics()
    pad, arrow = 12, 16  # a cell's margins; the sort indicator beside a header's text
    name = header.horizontalAdvance("Collections") + pad
    return {
        dtm.AUTHOR: name,
        dtm.PUBLISHED: max(
            cell.horizontalAdvance("0000-00-00"), header.horizontalAdvance("Published") + arrow
        )
        + pad,
        dtm.SOURCE: name,
        dtm.STATUS: cell.horizontalAdvance(status_text(Status.IN_PROGRESS)) + pad,
        dtm.SPANS: max(cell.horizontalAdvance("00000"), header.horizontalAdvance("Spans")) + pad,
        dtm.COLLECTIONS: name,
    }


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
