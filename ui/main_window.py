"""The main window: corpus browser on the left, article reader on the right, label palette.

The annotating itself (selection to span, hotkeys, undo) lives in :mod:`ui.span_editor`, the
menus in :mod:`ui.main_menus`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.schema import Schema
from corpus.db import redact
from corpus.store import Store
from ui.appearance import Appearance
from ui.article_reader import ArticleReader
from ui.change_follower import ChangeFollower
from ui.corpus_browser import CorpusBrowser
from ui.exchange_dialogs import ExchangeController
from ui.find_bar import FindBar, with_find_bar
from ui.import_dialog import FileDropFilter, ImportController
from ui.label_legend import LabelLegend
from ui.link_editor import LinkEditor
from ui.link_list import LinkList
from ui.main_menus import APP_NAME, MainMenus
from ui.navigation import Navigator
from ui.session import login_name, remember_corpus, team_login
from ui.span_details import SpanDetails
from ui.span_editor import SpanEditor
from ui.span_search_dock import select_text
from ui.window_session import SessionActions

if TYPE_CHECKING:  # the windows and dialogs opened on demand load then, not at start-up
    from ui.curation_view import CurationWindow

# No-break spaces keep the command on one line when the message wraps.
EMPTY_CORPUS_MESSAGE = (
    "No articles yet — import some with File › Import Articles… (Ctrl+O), by dropping files "
    "here, or with: annotator\u00a0import\u00a0PATH"
)


class MainWindow(SessionActions, MainMenus):
    """Browse, search, read and annotate the articles of one corpus, as one annotator.

    The reader shows only ``annotator``'s spans (by default the user's login name), and those
    are the ones edited: see :mod:`ui.span_editor`.
    """

    def __init__(
        self,
        store: Store,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        annotator: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator or login_name()
        self._settings = settings if settings is not None else QSettings()
        self.setWindowTitle(f"{APP_NAME} — {redact(store.url)}")

        self.browser = CorpusBrowser(store, annotator=self.annotator)
        self.reader = ArticleReader()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.browser)
        self.find_bar = FindBar(self.reader.text_view)
        self.splitter.addWidget(with_find_bar(self.reader, self.find_bar))
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)  # both share a change in the window's width
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([660, 450])
        self.setCentralWidget(self.splitter)

        self.legend = LabelLegend()
        self.editor = SpanEditor(store, self.annotator, self.reader.text_view, self.legend, self)
        self._counted: tuple[int | None, int] = (None, 0)  # the document and count last shown
        self.curation: CurationWindow | None = None  # made when first asked for
        # A check box shows the mode at a glance; it never takes the focus from the text.
        self.sticky_button = QCheckBox("Sticky label")
        self.sticky_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sticky_button.setToolTip(self.editor.sticky_action.toolTip())
        self.sticky_button.toggled.connect(self.editor.sticky_action.setChecked)
        self.editor.sticky_action.toggled.connect(self.sticky_button.setChecked)
        palette = QWidget()
        palette_layout = QVBoxLayout(palette)
        palette_layout.setContentsMargins(0, 0, 0, 4)
        palette_layout.addWidget(self.legend, 1)
        palette_layout.addWidget(self.sticky_button)
        self.legend_dock = QDockWidget("Labels", self)
        self.legend_dock.setObjectName("labels_dock")  # names it in saveState()
        self.legend_dock.setWidget(palette)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.legend_dock)
        self.resizeDocks([self.legend_dock], [170], Qt.Orientation.Horizontal)
        self.linker = LinkEditor(store, self.editor, self)
        self.editor.link_actions = [self.linker.link_action, self.linker.event_action]
        self.details = SpanDetails()
        self.link_list = LinkList()
        details = QSplitter(Qt.Orientation.Vertical)
        details.addWidget(self.details)
        details.addWidget(self.link_list)
        details.setChildrenCollapsible(False)
        details.setStretchFactor(0, 1)  # the form takes what the window gains
        # The links get what the form leaves: never less than its rows need (the splitter
        # keeps each side at least its minimum), the rest a list of several links.
        details.setSizes([260, 200])
        self.details_dock = QDockWidget("Details", self)
        self.details_dock.setObjectName("details_dock")
        self.details_dock.setWidget(details)
        self.splitDockWidget(self.legend_dock, self.details_dock, Qt.Orientation.Vertical)
        self.resizeDocks([self.legend_dock, self.details_dock], [200, 460], Qt.Orientation.Vertical)
        self.details.sig_span_edit_requested.connect(self.editor.edit_span)
        self.editor.sig_span_selected.connect(self.show_span_details)
        self.linker.sig_links_changed.connect(self.show_span_links)
        self.link_list.sig_span_requested.connect(self.editor.select_span)
        self.link_list.sig_remove_requested.connect(self.linker.remove)

        self.location_label = QLabel()
        self.annotation_label = QLabel()
        self.count_label = QLabel()
        self.schema_label = QLabel()
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.annotation_label)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.schema_label)

        self.navigator = Navigator(self)
        self.appearance = Appearance(self._settings, self)
        remember_corpus(self._settings, store.url)
        self.importer = ImportController(store, self)
        self.importer.sig_finished.connect(self._imported)
        self.exchange = ExchangeController(store, self)
        self.exchange.sig_finished.connect(self._exchanged)
        self.follower = ChangeFollower(store, self)
        self.follower.sig_changed.connect(self._changed_elsewhere)
        self._create_actions()
        self.browser.sig_document_selected.connect(self.show_document)
        self.editor.sig_spans_changed.connect(self.update_annotation_status)
        self.editor.sig_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.reader.text_view.sig_zoom_requested.connect(self.zoom_by)
        self.refresh(reload_list=False)  # the browser loaded its first page when it was made
        self._restore_settings()
        self.browser.document_view.setFocus()  # arrow keys move through the articles at once
        # Last: it watches the children that take drops themselves, which exist by now.
        self.drop_filter = FileDropFilter(self)
        self.drop_filter.sig_paths_dropped.connect(self.importer.start)

    # -- content ------------------------------------------------------------------------------

    def refresh(self, reload_list: bool = True) -> None:
        """Load the corpus again: documents (unless ``reload_list`` is False: the list was
        loaded just now), schema, status bar; show the first article."""
        if reload_list:
            self.browser.reload()
        schema = self._schema()
        self.legend.set_schema(schema)
        self.editor.set_schema(schema)
        self.linker.set_schema(schema)
        self.details.set_schema(schema)
        self._label_colors = {label.name: label.color for label in schema.labels} if schema else {}
        total = self.store.count_documents()  # the list's may be filtered
        location = redact(self.store.url)
        self.location_label.setText(location)
        self.location_label.setToolTip(location)
        self.count_label.setText(f"{total} article{'' if total == 1 else 's'}")
        self.schema_label.setText(
            f"Schema: {schema.name} v{schema.version}" if schema else "No schema"
        )
        if total == 0:
            self.reader.show_message(EMPTY_CORPUS_MESSAGE)
        else:
            self.reader.show_message("")  # forget the article on show: it may have changed
            self.browser.select_first()
        if self.reader.document_id() is None:
            self.editor.set_document(None)

    def _schema(self) -> Schema | None:
        if not self.store.has_schema():
            return None
        try:
            return self.store.schema()
        except AnnotatorError as exc:
            self.statusBar().showMessage(str(exc))
            return None

    def show_document(self, doc_id: int) -> None:
        """Show the document ``doc_id`` in the reader."""
        if doc_id == self.reader.document_id():
            return
        try:
            doc = self.store.document(doc_id)
        except AnnotatorError as exc:  # removed by someone else since the list was loaded
            self.reader.show_message(str(exc))
            self.editor.set_document(None)
            return
        spans = self.store.spans(doc_id, self.annotator)
        self.reader.show_document(doc)
        self.reader.show_spans(spans, self._label_colors)
        self._counted = (None, 0)  # opening is not an edit: the list's count stays
        self.editor.set_document(doc_id, spans)

    def open_span(self, doc_id: int, start: int, end: int) -> None:
        """Show the document ``doc_id`` with the text from ``start`` to ``end`` selected."""
        if not self.browser.select_document(doc_id):  # not in the list on show
            self.show_document(doc_id)
        if self.reader.document_id() == doc_id:
            select_text(self.reader.text_view, start, end)

    def assign_documents(self) -> None:
        """Let a manager (anyone, in a SQLite corpus) fill annotators' queues."""
        member = team_login(self.store)
        if member is not None and self.store.role(member) != "manager":
            self.statusBar().showMessage("Only a manager assigns documents", 5000)
            return
        from ui.assign_dialog import AssignDialog

        dialog = AssignDialog(
            self.store, self.reader.document_id(), self.browser.current_filter(), self
        )
        if dialog.exec():
            self.statusBar().showMessage(f"{dialog.assigned} new assignments", 5000)
            self.browser.reload()

    def _changed_elsewhere(
        self, doc_ids: set[int] | None, note: str = "Updated with changes saved elsewhere"
    ) -> None:
        """Another window, process or team member (or the Find Annotations dock) changed
        documents (``None``: which ones is unknown): show the document on show as stored now
        (its spans, with ``note`` in the status bar, and its pending suggestions), and its row
        in the list."""
        curated = self.curation.doc_id if self.curation and self.curation.isVisible() else None
        if curated is not None and (doc_ids is None or curated in doc_ids):
            self.curation.reload()  # annotators' spans (gold is edited in that window)
        doc_id = self.reader.document_id()
        if doc_id is None or (doc_ids is not None and doc_id not in doc_ids):
            return
        try:
            spans = self.store.spans(doc_id, self.annotator)
        except AnnotatorError:
            return
        if self.editor.refresh_spans(spans):
            self.statusBar().showMessage(note, 5000)
        else:  # new spans read the suggestions again; a suggestion run elsewhere needs it too
            self.suggester.suggestions_changed()
        self.browser.refresh_document(doc_id)

    def open_schema_editor(self) -> None:
        """Edit the corpus's schema; after a saved change, show the new labels and spans."""
        from ui.schema_editor import edit_schema

        shown = self.reader.document_id()
        if not edit_schema(self.store, self):
            return
        self.editor.undo_stack.clear()  # its commands hold the old label and type names
        self.span_search.undo_stack.clear()
        self.refresh()  # palette, hotkeys, link types, details forms, span counts
        if shown is not None:
            self.browser.select_document(shown)

    def curate(self) -> None:
        """Open the curation window on the document on show; it follows the documents opened
        here while it is open."""
        doc_id = self.reader.document_id()
        if doc_id is None:
            self.statusBar().showMessage("Open an article to curate it", 5000)
            return
        member = team_login(self.store)
        if member is not None and self.store.role(member) == "annotator":
            self.statusBar().showMessage(
                "Curators and managers curate; annotators work blind", 5000
            )
            return
        if self.curation is None:
            from ui.curation_view import CurationWindow

            self.curation = CurationWindow(self.store, self)
            self.curation.sig_gold_changed.connect(self.browser.refresh_document)
            self.browser.sig_document_selected.connect(self.curation.follow)
        self.curation.set_schema(self._schema())
        self.curation.show_document(doc_id)
        self.curation.show()
        self.curation.raise_()
        self.curation.activateWindow()

    def edit_document_properties(self) -> None:
        """Edit the title, author, date, source and collections of the document on show."""
        doc_id = self.reader.document_id()
        if doc_id is None:
            return
        from ui.metadata_editor import edit_metadata

        try:
            saved = edit_metadata(self.store, doc_id, self)
            if saved:
                self.browser.refresh_document(doc_id)
                self.reader.show_heading(self.store.document(doc_id))
        except AnnotatorError as exc:  # removed since it was opened
            self.statusBar().showMessage(str(exc), 5000)

    def show_span_details(self, span_id: int | None) -> None:
        """Show the span ``span_id`` (or none) in the details panel."""
        shown = self.editor.span(span_id) if span_id is not None else None
        if shown is None:
            self.details.show_span(None)
        else:
            self.details.show_span(span_id, *shown)
        self.show_span_links()

    def show_span_links(self) -> None:
        """List the selected span's links in the details panel."""
        span_id = self.reader.text_view.selected_span()
        self.link_list.show_links(self.linker.links_of(span_id) if span_id is not None else [])

    def update_annotation_status(self) -> None:
        """Show the annotator, their status for the document on show and its span count."""
        doc_id = self.editor.doc_id
        if doc_id is None:
            self.annotation_label.setText(f"Annotator: {self.annotator}")
            return
        stored = self.store.status(doc_id, self.annotator)
        self.browser.document_model.set_status_of(doc_id, stored)
        status = stored.replace("_", " ")
        count = self.editor.span_count()
        if self._counted[0] == doc_id:  # an edit: the list's count follows without a reload
            self.browser.document_model.add_to_span_count(doc_id, count - self._counted[1])
        self._counted = (doc_id, count)
        self.annotation_label.setText(
            f"Annotator: {self.annotator} · {status} · {count} span{'' if count == 1 else 's'}"
        )

    def zoom_by(self, steps: int) -> None:
        """Make the reading font ``steps`` points larger (smaller when negative); remembered."""
        self.reader.set_zoom(self.reader.zoom() + steps)
        self._settings.setValue("reader/zoom", self.reader.zoom())

    # -- settings -----------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self._settings.value("main_window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            available = self.screen().availableGeometry()
            self.resize(
                min(1280, available.width() * 9 // 10), min(800, available.height() * 9 // 10)
            )
        state = self._settings.value("main_window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self._settings.value("main_window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        zoom = self._settings.value("reader/zoom", 0)
        self.reader.set_zoom(int(zoom) if str(zoom).lstrip("-").isdigit() else 0)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop an import in progress (what it committed stays); remember the window's
        geometry and layout for next time."""
        self.importer.stop()
        self.exchange.wait()
        self.follower.stop()
        self._settings.setValue("main_window/geometry", self.saveGeometry())
        self._settings.setValue("main_window/state", self.saveState())
        self._settings.setValue("main_window/splitter", self.splitter.saveState())
        self._settings.sync()
        super().closeEvent(event)
