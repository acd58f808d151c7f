"""The main window's actions on the corpus as a whole: what comes in and goes out (imports,
exports) and who works on which corpus (switching annotator, opening another corpus).

Mixed into :class:`ui.main_window.MainWindow`, whose widgets and store it uses.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from corpus.db import redact
from ui.exchange_dialogs import ExportDialog, ImportAnnotationsDialog
from ui.exchange_worker import ExchangeOutcome
from ui.import_worker import ImportOutcome
from ui.session import (
    ask_annotator,
    corpus_location,
    missing_corpus,
    open_in_new_window,
    recent_corpora,
    remember_annotator,
    remember_corpus,
    team_login,
)


class SessionActions:
    """Imports, exports, the annotator and the corpus of a main window."""

    # Provided by the main window.
    store: Any
    annotator: str
    editor: Any
    linker: Any
    browser: Any
    reader: Any
    exchange: Any
    count_label: Any
    recent_menu: Any
    _settings: Any
    # and statusBar(), refresh(), show_document(), update_annotation_status()

    def export(self) -> None:
        """Ask what to export, then export it in the background."""
        request = ExportDialog.ask(self.store, self)
        if request is not None:
            self.exchange.export(request)

    def import_annotations(self) -> None:
        """Ask what annotations to import, then import them in the background."""
        job = ImportAnnotationsDialog.ask(self.annotator, self)
        if job is not None:
            self.exchange.import_annotations(*job)

    def _exchanged(self, outcome: ExchangeOutcome) -> None:
        """After an import: list new documents and show the annotations that came in."""
        if not outcome.report.documents or self.exchange.last_was_export:
            return
        doc_id = self.reader.document_id()
        self.refresh()
        if doc_id is not None and self.browser.select_document(doc_id):
            self.reader.show_message("")
            self.show_document(doc_id)

    def _imported(self, outcome: ImportOutcome) -> None:
        """List the articles an import added; the article on show (and its undo) stays."""
        if not outcome.report.imported:
            return
        if self.reader.document_id() is None:
            self.refresh()  # the corpus was empty: show the first article
            return
        self.browser.reload()
        total = self.store.count_documents()
        self.count_label.setText(f"{total} article{'' if total == 1 else 's'}")

    def choose_annotator(self) -> None:
        """Ask who annotates from now on, and switch to them (in a team corpus an annotator
        is their login, and only curators and managers look at others' work)."""
        member = team_login(self.store)
        if member is not None and self.store.role(member) == "annotator":
            QMessageBox.information(
                self,
                "Switch Annotator",
                f"In this team corpus you annotate as {member}, the name you log in with.",
            )
            return
        name = ask_annotator(self, self.annotator, self.store.annotators())
        if name is not None:
            self.set_annotator(name)

    def set_annotator(self, name: str) -> None:
        """Annotate as ``name``: their spans, statuses and undo history from now on."""
        if name == self.annotator:
            return
        self.linker.cancel_linking()
        self.annotator = self.editor.annotator = name
        remember_annotator(self._settings, name)
        self.browser.set_annotator(name)
        doc_id = self.reader.document_id()
        if doc_id is not None:
            self.reader.show_message("")  # show it again, as the new annotator's
            self.show_document(doc_id)
        self.update_annotation_status()
        self.statusBar().showMessage(f"Annotating as {name}", 5000)

    def choose_corpus(self) -> None:
        """Ask for a corpus file and open it in a new window."""
        path, _filter = QFileDialog.getOpenFileName(
            self, "Open Corpus", "", "Corpus databases (*.db *.sqlite *.sqlite3);;All files (*)"
        )
        if path:
            self.open_corpus(path)

    def open_corpus(self, url: str) -> None:
        """Open the corpus ``url`` in a new window (one corpus per process)."""
        if corpus_location(url) == corpus_location(self.store.url):
            self.statusBar().showMessage("That corpus is open in this window", 5000)
        elif missing_corpus(url):
            self.statusBar().showMessage(f"No corpus at {url}: it was moved or deleted", 8000)
        elif open_in_new_window(url, self.annotator):
            remember_corpus(self._settings, url)
            self.statusBar().showMessage(f"Opening {redact(url)} in a new window", 5000)
        else:
            self.statusBar().showMessage(f"Could not start a window on {redact(url)}", 8000)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        here = corpus_location(self.store.url)
        for url in recent_corpora(self._settings):
            action = self.recent_menu.addAction(url)
            action.setEnabled(url != here)
            action.triggered.connect(lambda _=False, u=url: self.open_corpus(u))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)
