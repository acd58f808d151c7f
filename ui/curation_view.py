"""The curation window: every annotator's spans on a document side by side, disagreements
highlighted, and the gold set built from them.

The table lists the candidates (:mod:`ui.curation_model`); the curator accepts one (in the
version most annotators gave, or one annotator's), all agreed ones at once, or rejects a gold
span. Below, the gold set is on show and edited like any annotator's spans (select text and
press a label's key, relabel, delete, move ends, link): a :class:`ui.span_editor.SpanEditor`
of the annotator :data:`corpus.curation.GOLD`. Every step is one command on that editor's undo
stack, in the database at once.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.document import Status
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from corpus.curation import GOLD, Candidate, Kind
from corpus.store import Store
from ui.article_reader import ArticleReader
from ui.curation_model import TEXT, ContextDelegate, CurationModel
from ui.curation_steps import CurationSteps
from ui.label_legend import LabelLegend
from ui.link_editor import LinkEditor
from ui.span_editor import SpanEditor

SHOW_ALL, SHOW_DISAGREEMENTS = "All candidates", "Disagreements only"


class CurationWindow(CurationSteps, QMainWindow):
    """Curate one document at a time: compare the annotators' spans, build the gold set."""

    sig_gold_changed = Signal(int)
    """The id of the document whose gold set (spans or status) changed."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.store = store
        self.doc_id: int | None = None
        self._title = ""
        self._colors: dict[str, str] = {}
        self._syncing = False  # the table and the gold view follow each other, once
        self._opening = False  # a document is being opened: its gold set did not change

        self.model = CurationModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setItemDelegateForColumn(TEXT, ContextDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._rows_selected)
        self.table.doubleClicked.connect(self._double_clicked)

        self.reader = ArticleReader()
        self.legend = LabelLegend()
        self.editor = SpanEditor(store, GOLD, self.reader.text_view, self.legend, self)
        self.linker = LinkEditor(store, self.editor, self)
        self.editor.link_actions = [self.linker.link_action, self.linker.event_action]
        self.editor.sig_spans_changed.connect(self._gold_spans_changed)
        self.editor.sig_span_selected.connect(self._gold_span_selected)
        self.editor.sig_message.connect(lambda text: self.statusBar().showMessage(text, 6000))

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        gold_caption = QLabel(
            "Gold set — edit it like any annotation: select text and press a label's key; "
            "Delete removes the selected span"
        )
        gold_caption.setWordWrap(True)
        gold = QWidget()
        gold_layout = QVBoxLayout(gold)
        gold_layout.setContentsMargins(0, 4, 0, 0)
        gold_layout.addWidget(gold_caption)
        gold_layout.addWidget(self.reader, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(gold)
        lower.addWidget(self.legend)
        lower.setStretchFactor(0, 1)
        lower.setSizes([900, 170])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(lower)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 330])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._create_actions()
        self.resize(1180, 760)

    def _create_actions(self) -> None:
        bar = QToolBar("Curation")
        bar.setObjectName("curation_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(bar)
        self.accept_action = self._table_action("&Accept", "Return", "Enter")
        self.accept_action.setToolTip(
            "Copy the selected candidates into the gold set, in the version most annotators gave"
        )
        self.accept_action.triggered.connect(self.accept_selected)
        bar.addAction(self.accept_action)
        self.version_menu = QMenu("Accept &Version", self)
        self.version_menu.aboutToShow.connect(self._fill_version_menu)
        self.version_button = QToolButton()
        self.version_button.setText("Accept Version")
        self.version_button.setToolTip("Accept one annotator's version of the selected candidate")
        self.version_button.setMenu(self.version_menu)
        self.version_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(self.version_button)
        self.reject_action = self._table_action("&Reject Gold Span", "Delete", "Backspace")
        self.reject_action.setToolTip("Remove the selected candidates' spans from the gold set")
        self.reject_action.triggered.connect(self.reject_selected)
        bar.addAction(self.reject_action)
        bar.addSeparator()
        self.agreed_action = QAction("Accept All A&greed", self)
        self.agreed_action.setShortcut(QKeySequence("Ctrl+Shift+Return"))
        self.agreed_action.setToolTip(
            "Accept every candidate enough annotators marked (and more than any rival), "
            "where the gold set holds nothing yet"
        )
        self.agreed_action.triggered.connect(self.accept_agreed)
        bar.addAction(self.agreed_action)
        self.min_annotators = QSpinBox()
        self.min_annotators.setPrefix("by at least ")
        self.min_annotators.setToolTip("How many annotators must have marked a span")
        bar.addWidget(self.min_annotators)
        bar.addSeparator()
        bar.addWidget(QLabel(" Show: "))
        self.show_combo = QComboBox()
        self.show_combo.addItems([SHOW_ALL, SHOW_DISAGREEMENTS])
        self.show_combo.currentTextChanged.connect(
            lambda text: self._keeping_selection(
                lambda: self.model.set_disagreements_only(text == SHOW_DISAGREEMENTS)
            )
        )
        bar.addWidget(self.show_combo)
        bar.addSeparator()
        bar.addWidget(QLabel(" Gold status: "))
        self.status_combo = QComboBox()
        for status in Status.ALL:
            self.status_combo.addItem(status.replace("_", " ").capitalize(), status)
        self.status_combo.activated.connect(
            lambda i: self.set_gold_status(str(self.status_combo.itemData(i)))
        )
        bar.addWidget(self.status_combo)

        menu = self.menuBar().addMenu("&Edit")
        menu.addAction(self.editor.undo_action)
        menu.addAction(self.editor.redo_action)
        menu.addSeparator()
        menu.addAction(self.accept_action)
        menu.addMenu(self.version_menu)
        menu.addAction(self.reject_action)
        menu.addAction(self.agreed_action)
        self.menuBar().addMenu(self.editor.menu)  # the gold set's labels, links and spans

    def _table_action(self, text: str, *keys: str) -> QAction:
        """An action whose keys work while the table has the focus (the gold view has its own)."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.table.addAction(action)
        return action

    # -- what is on show ----------------------------------------------------------------------

    def set_schema(self, schema: Schema | None) -> None:
        """Use the labels, colours, relations and events of ``schema``."""
        self._colors = {label.name: label.color for label in schema.labels} if schema else {}
        self.legend.set_schema(schema)
        self.editor.set_schema(schema)
        self.linker.set_schema(schema)
        if self.doc_id is not None:
            self.reader.show_spans(self.store.spans(self.doc_id, GOLD), self._colors)
            self.reload()

    def show_document(self, doc_id: int) -> None:
        """Curate the document ``doc_id`` (its undo history starts afresh)."""
        try:
            doc = self.store.document(doc_id)
        except AnnotatorError as exc:
            self.statusBar().showMessage(str(exc), 6000)
            return
        self.doc_id = doc_id
        self._title = doc.title or "(untitled)"
        self.setWindowTitle(f"Curate — {self._title}")
        spans = self.store.spans(doc_id, GOLD)
        self.reader.show_document(doc)
        self.reader.show_spans(spans, self._colors)
        self.model.set_curation(None, doc.text, self._colors)
        self._opening = True
        try:
            self.editor.set_document(doc_id, spans)  # reloads the table (sig_spans_changed)
        finally:
            self._opening = False
        if self.model.rowCount():
            self.select_row(0)

    def follow(self, doc_id: int) -> None:
        """Curate ``doc_id`` if the window is open (the main window opened another document)."""
        if self.isVisible() and doc_id != self.doc_id:
            self.show_document(doc_id)

    def reload(self) -> None:
        """Read the document's candidates and gold set again (the selection stays)."""
        if self.doc_id is None:
            return
        curation = self.store.curation(self.doc_id)
        self._keeping_selection(
            lambda: self.model.set_curation(curation, self.reader.text_view.text(), self._colors)
        )
        n = len(curation.annotators)
        with QSignalBlocker(self.min_annotators):
            keep = self.min_annotators.value() if self.min_annotators.maximum() == n else n
            self.min_annotators.setRange(min(1, n), max(n, 1))
            self.min_annotators.setSuffix(f" of {n}")
            self.min_annotators.setValue(keep)
        self.status_combo.setCurrentIndex(self.status_combo.findData(curation.gold_status))
        self.summary.setText(self._summary_text())
        self._update_actions()

    def _summary_text(self) -> str:
        curation = self.model.curation()
        if curation is None:
            return ""
        kinds = [c.kind for c in curation.candidates]
        names = ", ".join(curation.annotators) or "nobody yet"
        counts = ", ".join(
            f"{kinds.count(kind)} {word}"
            for kind, word in (
                (Kind.AGREED, "agreed"),
                (Kind.PARTIAL, "partial"),
                (Kind.CONFLICT, "in conflict"),
                (Kind.GOLD_ONLY, "gold only"),
            )
            if kind in kinds
        )
        total = len(kinds)
        return (
            f"Annotated by {names} · {total} candidate{'s' * (total != 1)}"
            f"{': ' + counts if counts else ''} · {len(curation.gold)} in the gold set"
        )

    def _keeping_selection(self, change: object) -> None:
        """Run ``change`` (a model reset) and select the same candidates again, if listed."""
        keys = [(c.start, c.end, c.label) for c in self.selected_candidates()]
        current = self.table.currentIndex()
        self._syncing = True
        try:
            assert callable(change)
            change()
            selection = self.table.selectionModel()
            rows = [r for r in (self.model.row_of(key) for key in keys) if r is not None]
            for row in rows:
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
            if rows:
                column = max(current.column(), 0)
                selection.setCurrentIndex(
                    self.model.index(rows[0], column), QItemSelectionModel.SelectionFlag.NoUpdate
                )
        finally:
            self._syncing = False
        self._update_actions()

    def select_row(self, row: int) -> None:
        """Select the candidate of ``row`` alone and make it current, in view."""
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def selected_candidates(self) -> list[Candidate]:
        """The candidates of the selected rows, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.candidate(row) for row in rows if row < self.model.rowCount()]

    def _update_actions(self) -> None:
        chosen = self.selected_candidates()
        self.accept_action.setEnabled(any(c.versions and c.gold_id is None for c in chosen))
        self.reject_action.setEnabled(any(c.gold_id is not None for c in chosen))
        self.version_button.setEnabled(len(chosen) == 1)

    # -- the table and the gold view follow each other ----------------------------------------

    def _rows_selected(self) -> None:
        self._update_actions()
        if self._syncing:
            return
        chosen = self.selected_candidates()
        if len(chosen) != 1:
            return
        c = chosen[0]
        view = self.reader.text_view
        self._syncing = True
        try:
            if c.gold_id is not None:
                self.editor.select_span(c.gold_id)
            else:  # its text selected: a label's key in the gold view makes it a gold span
                view.select_span(None)
                offsets = view.offsets()
                cursor = QTextCursor(view.document())
                cursor.setPosition(offsets.to_qt(c.start))
                cursor.setPosition(offsets.to_qt(c.end), QTextCursor.MoveMode.KeepAnchor)
                view.setTextCursor(cursor)
                self.editor.report_selection()
            view.ensureCursorVisible()
        finally:
            self._syncing = False

    def _gold_span_selected(self, span_id: int | None) -> None:
        if self._syncing or span_id is None:
            return
        row = self.model.row_of_gold(span_id)
        if row is not None:
            self._syncing = True
            try:
                self.select_row(row)
            finally:
                self._syncing = False

    def _gold_spans_changed(self) -> None:
        self.reload()
        if self.doc_id is not None and not self._opening:
            self.sig_gold_changed.emit(self.doc_id)

    def _double_clicked(self, index: QModelIndex) -> None:
        """A double click on an annotator's cell accepts their version; elsewhere, the row."""
        annotator = self.model.annotator_of(index.column())
        if annotator is not None:
            self.accept_version(annotator)
        else:
            self.accept_selected()
