"""The main window's menu bar: File, Edit, View, the navigator's, editor's and suggestions'
menus and Help, with their actions and the launchers (dashboards, Find Annotations) behind
some of them.

A base of :class:`ui.main_window.MainWindow`, whose widgets, store and slots the actions use.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from PySide6.QtGui import QAction, QKeySequence, QUndoGroup
from PySide6.QtWidgets import QMainWindow, QMessageBox

from corpus.db import redact
from ui.dashboard_parts import AgreementLauncher, StatisticsLauncher  # dashboards load on first use
from ui.find_bar import find_actions
from ui.import_dialog import choose_import_paths
from ui.shortcut_help import help_action
from ui.span_search_dock import SpanSearchLauncher
from ui.suggestion_controller import SuggestionController

APP_NAME = "News Annotator"


class MainMenus(QMainWindow):
    """The base of :class:`ui.main_window.MainWindow` that builds its menus
    (:meth:`_create_actions`), keeps their actions and shows the About box."""

    # Provided by the main window.
    store: Any
    editor: Any
    browser: Any
    reader: Any
    importer: Any
    navigator: Any
    appearance: Any
    linker: Any
    find_bar: Any
    legend_dock: Any
    details_dock: Any
    _settings: Any
    # The main window's slots (its own, and those of ui.window_session) the actions trigger.
    import_annotations: Callable[[], None]
    export: Callable[[], None]
    choose_corpus: Callable[[], None]
    _fill_recent_menu: Callable[[], None]
    choose_annotator: Callable[[], None]
    open_schema_editor: Callable[[], None]
    edit_document_properties: Callable[[], None]
    assign_documents: Callable[[], None]
    curate: Callable[[], None]
    open_span: Callable[[int, int, int], None]
    _changed_elsewhere: Callable[[set[int] | None, str], None]
    zoom_by: Callable[[int], None]

    def _create_actions(self) -> None:
        self._create_file_menu()
        self._create_edit_menu()
        self._create_view_menu()
        self.menuBar().addMenu(self.navigator.menu)
        self.menuBar().addMenu(self.editor.menu)
        self.suggester = SuggestionController(self.store, self.editor, self._settings, self)
        self.menuBar().addMenu(self.suggester.menu)
        help_menu = self.menuBar().addMenu("&Help")
        self.help_action = help_action(self, self.menuBar())
        help_menu.addAction(self.help_action)
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _create_file_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = QAction("&Import Articles…", self, shortcut=QKeySequence("Ctrl+O"))
        self.import_action.setToolTip("Import articles from files (or drop files on the window)")
        self.import_action.triggered.connect(lambda: self.importer.start(choose_import_paths(self)))
        file_menu.addAction(self.import_action)
        self.import_folder_action = QAction("Import &Folder…", self)
        self.import_folder_action.triggered.connect(
            lambda: self.importer.start(choose_import_paths(self, folder=True))
        )
        file_menu.addAction(self.import_folder_action)
        self.import_annotations_action = QAction("Import &Annotations…", self)
        self.import_annotations_action.setToolTip(
            "Import annotations from brat, CoNLL, doccano, Label Studio, XMI, TSV, W3C, spaCy…"
        )
        self.import_annotations_action.triggered.connect(self.import_annotations)
        file_menu.addAction(self.import_annotations_action)
        self.export_action = QAction("&Export…", self, shortcut=QKeySequence("Ctrl+Shift+E"))
        self.export_action.setToolTip("Export annotations in a standard format")
        self.export_action.triggered.connect(self.export)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        self.open_action = QAction("&Open Corpus…", self, shortcut=QKeySequence("Ctrl+Shift+O"))
        self.open_action.setToolTip("Open another corpus (a SQLite file) in a new window")
        self.open_action.triggered.connect(self.choose_corpus)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.annotator_action = QAction("Switch &Annotator…", self)
        self.annotator_action.triggered.connect(self.choose_annotator)
        file_menu.addAction(self.annotator_action)
        file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

    def _create_edit_menu(self) -> None:
        self.edit_menu = self.menuBar().addMenu("&Edit")
        # Undo acts where the user works: the editor's stack, or a dock's that has the focus.
        self.undo_group = QUndoGroup(self)
        self.undo_group.addStack(self.editor.undo_stack)
        self.undo_group.setActiveStack(self.editor.undo_stack)
        self.undo_action = self.undo_group.createUndoAction(self)
        self.undo_action.setShortcuts(self.editor.undo_action.shortcuts())
        self.redo_action = self.undo_group.createRedoAction(self)
        self.redo_action.setShortcuts(self.editor.redo_action.shortcuts())
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.schema_action = QAction("&Schema…", self)
        self.schema_action.setToolTip(
            "Add, rename, recolour or remove labels, relations and events"
        )
        self.schema_action.triggered.connect(self.open_schema_editor)
        self.edit_menu.addAction(self.schema_action)
        self.properties_action = QAction(
            "Document &Properties…", self, shortcut=QKeySequence("Alt+Return")
        )
        self.properties_action.setToolTip("Edit the title, author, date, source and collections")
        self.properties_action.triggered.connect(self.edit_document_properties)
        self.edit_menu.addAction(self.properties_action)
        self.assign_action = QAction("Assign &Documents…", self)
        self.assign_action.setToolTip("Put articles into annotators' queues (managers)")
        self.assign_action.triggered.connect(self.assign_documents)
        self.edit_menu.addAction(self.assign_action)
        self.curate_action = QAction("&Curate…", self, shortcut=QKeySequence("Ctrl+Shift+K"))
        self.curate_action.setToolTip("Compare every annotator's spans here and build the gold set")
        self.curate_action.triggered.connect(self.curate)
        self.edit_menu.addAction(self.curate_action)

    def _create_view_menu(self) -> None:
        view_menu = self.menuBar().addMenu("&View")
        self.find_action = QAction("&Find in Corpus", self, shortcut=QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self.browser.focus_search)
        view_menu.addAction(self.find_action)
        view_menu.addActions(find_actions(self.find_bar, self))
        view_menu.addAction(self.legend_dock.toggleViewAction())
        view_menu.addAction(self.details_dock.toggleViewAction())
        view_menu.addAction(self.editor.precision_action)
        view_menu.addAction(self.linker.all_links_action)
        self.agreement = AgreementLauncher(self.store, self)
        view_menu.addAction(self.agreement.action)
        self.statistics = StatisticsLauncher(self.store, self)
        view_menu.addAction(self.statistics.action)
        self.span_search = SpanSearchLauncher(self.store, self.undo_group, self)
        self.span_search.sig_open_span_requested.connect(self.open_span)
        self.span_search.sig_spans_changed.connect(
            lambda ids: self._changed_elsewhere(
                ids, "Updated with the change made in Find Annotations"
            )
        )
        view_menu.addAction(self.span_search.action)
        view_menu.addSeparator()
        zoom = (("Zoom &In", ("Ctrl++", "Ctrl+="), 1), ("Zoom &Out", ("Ctrl+-",), -1))
        for text, keys, step in zoom:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _=False, s=step: self.zoom_by(s))
            view_menu.addAction(action)
        self.reset_zoom_action = QAction("&Actual Size", self, shortcut=QKeySequence("Ctrl+0"))
        self.reset_zoom_action.triggered.connect(lambda: self.zoom_by(-self.reader.zoom()))
        view_menu.addAction(self.reset_zoom_action)
        view_menu.addMenu(self.appearance.menu)

    def show_about(self) -> None:
        """Say what this application is and which corpus it has open."""
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {_version()}</h3>"
            "<p>Annotate news articles by hand, with exact offsets and standard exports.</p>"
            f"<p>Corpus: {html.escape(redact(self.store.url))}</p>",
        )


def _version() -> str:
    try:
        return version("news-annotator")
    except PackageNotFoundError:
        return ""
