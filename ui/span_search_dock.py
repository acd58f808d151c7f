"""View ▸ Find Annotations…: a dock that searches the whole corpus's spans by label, attribute
conditions, covered text, annotator, status and collection, off the GUI thread, and lists them
as a concordance (:mod:`ui.span_search_model`).

Double click or Enter opens the document at the span (``sig_open_span_requested``; the window
does it). Relabel… and Delete act on the selected rows as one step
(:mod:`ui.span_search_commands`), in the database at once; the search then runs again, and
``sig_spans_changed`` tells the window which documents changed so that it shows them anew.

Those steps go on the dock's own undo stack, not the editor's: the editor's is cleared whenever
another document opens (a double click on a hit opens one), and the bulk steps refer to no
document on show. The window's Edit › Undo belongs to a QUndoGroup, as in Qt's undo framework
example; the dock's stack is the active one while the focus is in the dock.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from corpus.span_search import SpanHit
from corpus.store import Store
from ui.annotated_text_view import AnnotatedTextView
from ui.find_bar import reveal_cursor
from ui.span_search_commands import DeleteHitsCommand, RelabelHitsCommand
from ui.span_search_form import SpanSearchForm
from ui.span_search_model import LEFT, MATCH, RIGHT, ConcordanceDelegate, SpanHitsModel
from ui.span_search_worker import SpanSearchOutcome, SpanSearchWorker

SHORTCUT = "Ctrl+Alt+F"  # Ctrl+F finds articles, Ctrl+Shift+F text in the document on show
LIMIT = 5000
"""Hits listed at most; a search that finds more says so."""
CONTEXT_WIDTH = 330  # pixels of each context column at first


class RelabelDialog:
    """Asks which label the selected spans get (tests replace :meth:`ask`)."""

    @classmethod
    def ask(cls, parent: QWidget, labels: list[str], count: int) -> str | None:
        """The label chosen for ``count`` spans, or None when cancelled."""
        what = "the span" if count == 1 else f"the {count} spans"
        label, ok = QInputDialog.getItem(
            parent, "Relabel", f"New label for {what} selected:", labels, 0, False
        )
        return str(label) if ok and label else None


class SpanSearchPanel(QWidget):
    """The form, the concordance of hits, and the buttons acting on the selected ones."""

    sig_open_span_requested = Signal(int, int, int)
    """Please show the document (id) with the text from start to end (code points) selected."""

    sig_spans_changed = Signal(object)
    """The set of ids of the documents whose spans a step here changed (or undid)."""

    def __init__(self, store: Store, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.workers: dict[SpanSearchWorker, None] = {}  # running or queued, oldest first
        self.outcome: SpanSearchOutcome | None = None  # the search on show
        self._pending: SpanSearchWorker | None = None  # the search whose hits will be shown
        self._keep: list[int] = []  # span ids to select again once the search is back
        self._colors: dict[str, str] = {}
        self._sized = False

        self.form = SpanSearchForm()
        self.model = SpanHitsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        delegate = ConcordanceDelegate(self.table)
        for column in (LEFT, RIGHT):
            self.table.setItemDelegateForColumn(column, delegate)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.relabel_button = QPushButton("Re&label…")
        self.relabel_button.setToolTip(
            "Give the selected spans another label, as one step (Edit › Undo undoes it while "
            "the focus is in this panel)"
        )
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setToolTip(
            "Delete the selected spans and their links, as one step (Edit › Undo undoes it while "
            "the focus is in this panel)"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.relabel_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.form)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.open_action = self._table_action("Open at the Span", "Return", "Enter")
        self.open_action.triggered.connect(self.open_current)
        self.delete_action = self._table_action("Delete Spans", "Delete")
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_current())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.relabel_button.clicked.connect(self.relabel_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.form.sig_search_requested.connect(self.search)
        self._update_buttons()

    def _table_action(self, text: str, *keys: str) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.table.addAction(action)
        return action

    # -- searching ----------------------------------------------------------------------------

    def refresh_choices(self) -> None:
        """Offer the labels, annotators and collections of the corpus as it is now."""
        schema = self.store.schema() if self.store.has_schema() else None
        labels = [(label.name, label.color) for label in schema.labels] if schema else []
        self._colors = dict(labels)
        self.form.set_choices(labels, self.store.annotators(), self.store.collection_names())

    def search(self) -> None:
        """Search for what the form asks, in the background; a search running is dropped."""
        try:
            query = self.form.query()
        except AnnotatorError as exc:
            self.status_label.setText(f"Not searched: {exc}")
            return
        for worker in self.workers:
            worker.cancel()
        worker = SpanSearchWorker(self.store, query, LIMIT)
        worker.signals.sig_finished.connect(self._finished)
        self.workers[worker] = None
        self._pending = worker
        self.status_label.setText("Searching…")
        self.pool.start(worker)

    def is_busy(self) -> bool:
        """Whether a search is running or queued."""
        return bool(self.workers)

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the searches in flight (tests, closing)."""
        return self.pool.waitForDone(msecs)

    def stop(self, msecs: int = -1) -> bool:
        """Cancel the searches in flight and wait for them to end (the window closes)."""
        for worker in self.workers:
            worker.cancel()
        return self.wait(msecs)

    def _finished(self, outcome: SpanSearchOutcome) -> None:
        finished = next((w for w in self.workers if w.query is outcome.query), None)
        if finished is not None:
            del self.workers[finished]
        if finished is None or finished is not self._pending or outcome.cancelled:
            return
        self._pending = None
        if outcome.error is not None:
            self.status_label.setText(f"Not searched: {outcome.error}")
            return
        self.outcome = outcome
        self.model.set_hits(outcome.hits, self._colors)
        if self.model.rowCount() and not self._sized:  # later, the widths the user gave stay
            self._size_columns()
            self._sized = True
        self._select_again()
        self.status_label.setText(_summary(outcome))
        self._update_buttons()

    def _size_columns(self) -> None:
        self.table.resizeColumnsToContents()
        for column in (LEFT, RIGHT):
            self.table.setColumnWidth(column, CONTEXT_WIDTH)
        self.table.setColumnWidth(MATCH, min(self.table.columnWidth(MATCH), 260))

    def _select_again(self) -> None:
        rows, self._keep = self.model.rows_of(self._keep), []
        selection = self.table.selectionModel()
        for row in rows:
            selection.select(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
        if rows:
            selection.setCurrentIndex(
                self.model.index(rows[0], MATCH), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    # -- acting on the hits -------------------------------------------------------------------

    def selected_hits(self) -> list[SpanHit]:
        """The hits of the selected rows, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.hit(row) for row in rows]

    def open_current(self) -> None:
        """Ask for the document of the current row, at its span."""
        index = self.table.currentIndex()
        if index.isValid():
            hit = self.model.hit(index.row())
            self.sig_open_span_requested.emit(hit.document_id, hit.start, hit.end)

    def relabel_selected(self) -> None:
        """Ask for a label and give it to the selected spans, as one undoable step."""
        hits = self.selected_hits()
        if not hits or not self._colors:
            return
        label = RelabelDialog.ask(self, list(self._colors), len(hits))
        if label is not None:
            self._keep = [hit.span_id for hit in hits]
            self.undo_stack.push(RelabelHitsCommand(self.store, self, hits, label))

    def delete_selected(self) -> None:
        """Delete the selected spans, as one undoable step."""
        hits = self.selected_hits()
        if hits:
            self.undo_stack.push(DeleteHitsCommand(self.store, self, hits))

    def _update_buttons(self) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        if not chosen and (self.relabel_button.hasFocus() or self.delete_button.hasFocus()):
            # A button disabled with the focus would pass it out of the dock, and Ctrl+Z
            # would then no longer undo the step just taken.
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.relabel_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # -- what the commands report (ui.span_search_commands.HitsSink) --------------------------

    def spans_changed(self, doc_ids: set[int]) -> None:
        """Tell the window, and search again: the hits on show are out of date."""
        self.sig_spans_changed.emit(doc_ids)
        if self.outcome is not None:
            self._keep = self._keep or [hit.span_id for hit in self.selected_hits()]
            self.search()

    def edit_failed(self, message: str) -> None:
        """Say why the store refused a step."""
        self._keep = []
        self.status_label.setText(f"Not saved: {message}")


def select_text(view: AnnotatedTextView, start: int, end: int) -> None:
    """Select the text from ``start`` to ``end`` (code points) in ``view``, in sight, and give
    the view the focus, as the find bar shows a match."""
    offsets = view.offsets()
    cursor = QTextCursor(view.document())
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    reveal_cursor(view)
    view.setFocus(Qt.FocusReason.OtherFocusReason)


def _summary(outcome: SpanSearchOutcome) -> str:
    hits = outcome.hits
    if not hits:
        return "No spans match"
    if outcome.truncated:
        return f"The first {len(hits):,} spans (refine the search to see the others)"
    documents = len({hit.document_id for hit in hits})
    spans = f"{len(hits):,} span{'s' * (len(hits) != 1)}"
    return f"{spans} in {documents:,} document{'s' * (documents != 1)}"


class SpanSearchLauncher(QObject):
    """The View ▸ Find Annotations… action of a window: opens its search dock (made the first
    time), focused on the form. Its steps go on its own ``undo_stack``, a member of the
    window's ``undo_group``, active while the focus is in the dock; when the focus goes to
    another widget of the window, the stack active before is again."""

    sig_open_span_requested = Signal(int, int, int)
    """As :attr:`SpanSearchPanel.sig_open_span_requested`."""

    sig_spans_changed = Signal(object)
    """As :attr:`SpanSearchPanel.sig_spans_changed`."""

    def __init__(self, store: Store, undo_group: QUndoGroup, window: QMainWindow) -> None:
        super().__init__(window)
        self.store = store
        self.undo_stack = QUndoStack(self)  # kept when another document opens
        self.undo_group = undo_group
        undo_group.addStack(self.undo_stack)
        self._elsewhere: QUndoStack | None = None  # the stack to give back when the focus leaves
        self._window = window
        self.dock: QDockWidget | None = None
        self.panel: SpanSearchPanel | None = None
        self.action = QAction("Find &Annotations…", window, shortcut=QKeySequence(SHORTCUT))
        self.action.setToolTip(
            "Search every document's spans by label, attribute, text, annotator and status"
        )
        self.action.triggered.connect(self.open)
        window.installEventFilter(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """When the window closes, stop a search in flight: no thread outlives the window."""
        if event.type() == QEvent.Type.Close and self.panel is not None:
            self.panel.stop()
        return False

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Make the dock's stack the active one while the focus is in the dock, and give the
        previous one back when the user moves on in the window (not when a dialog or another
        window takes the focus)."""
        if new is None or self.dock is None:
            return
        if new is self.dock or self.dock.isAncestorOf(new):  # a floating dock included
            self._take_undo()
        elif new.window() is self._window:
            self._give_back_undo()

    def _take_undo(self) -> None:
        active = self.undo_group.activeStack()
        if active is not self.undo_stack:
            self._elsewhere = active
            self.undo_group.setActiveStack(self.undo_stack)

    def _give_back_undo(self) -> None:
        if self.undo_group.activeStack() is not self.undo_stack:
            return
        if self._elsewhere is not None:
            self._elsewhere.setActive()
        else:  # none was active before
            self.undo_stack.setActive(False)

    def _visibility_changed(self, visible: bool) -> None:
        if not visible:  # closed or tabbed away with the focus in it: nobody works there now
            self._give_back_undo()

    def open(self) -> SpanSearchPanel:
        """Show the dock with the corpus's current labels, annotators and collections."""
        if self.panel is None or self.dock is None:
            self.panel = SpanSearchPanel(self.store, self.undo_stack)
            self.panel.sig_open_span_requested.connect(self.sig_open_span_requested)
            self.panel.sig_spans_changed.connect(self.sig_spans_changed)
            self.dock = QDockWidget("Find Annotations", self._window)
            self.dock.setObjectName("span_search_dock")  # names it in saveState()
            self.dock.setWidget(self.panel)
            self.dock.visibilityChanged.connect(self._visibility_changed)
            self._window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.panel.refresh_choices()
        self.dock.show()
        self.dock.raise_()
        self.panel.form.label_combo.setFocus()
        return self.panel
