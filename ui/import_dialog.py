"""Importing articles from the GUI: choosing files or a folder, dropping them on a window, a
progress dialog with Cancel while a background worker imports, and a summary at the end.

:class:`ImportController` is the one entry point a window needs: ``start(paths)`` runs the
import in :class:`ui.import_worker.ImportWorker` and ``sig_finished`` says when it has ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMimeData,
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QDragMoveEvent, QDropEvent, QFontDatabase, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from corpus.ingest import SUPPORTED, ImportReport, IngestOptions
from corpus.store import Store
from ui.import_worker import ImportOutcome, ImportProgress, ImportWorker

SHOW_PROGRESS_AFTER_MS = 400  # a quick import ends before its progress dialog would flash up
FILE_FILTER = f"Articles ({' '.join('*' + suffix for suffix in SUPPORTED)});;All files (*)"

_last_directory = ""  # where the previous file dialog was left, for this session


def choose_import_paths(parent: QWidget | None, folder: bool = False) -> list[str]:
    """Ask for articles to import: files of the supported types, or (``folder``) one folder,
    whose supported files are imported recursively. Empty when the user cancels."""
    global _last_directory
    if folder:
        chosen = QFileDialog.getExistingDirectory(
            parent, "Import Articles from a Folder", _last_directory
        )
        paths = [chosen] if chosen else []
    else:
        paths, _ = QFileDialog.getOpenFileNames(
            parent, "Import Articles", _last_directory, FILE_FILTER
        )
    if paths:
        _last_directory = paths[0] if folder else str(Path(paths[0]).parent)
    return list(paths)


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders named by a drag's data (other URLs are left out)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


class FileDropFilter(QObject):
    """Makes ``target`` a drop target for files and folders: dropped local paths are emitted.

    The filter watches ``target`` and those of its children that take drops themselves (line
    edits, editable text views), so a file dropped anywhere on the window is an import, while
    dragged text still goes where it is dropped.
    """

    sig_paths_dropped = Signal(list)
    """(the local paths dropped, as strings, in the order given)."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        target.setAcceptDrops(True)
        for widget in (target, *target.findChildren(QWidget)):
            if widget.acceptDrops():
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Take drags and drops that carry local files; let every other event through."""
        kind = event.type()
        if kind not in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            return False
        if not isinstance(event, QDropEvent):  # drag enter and drag move events are ones too
            return False
        paths = local_paths(event.mimeData())
        if not paths:
            return False
        if event.possibleActions() & Qt.DropAction.CopyAction:
            event.setDropAction(Qt.DropAction.CopyAction)  # importing never moves the files
        if isinstance(event, QDragMoveEvent):  # a drag entering or moving
            event.accept()
        else:
            event.accept()
            self.sig_paths_dropped.emit(paths)
        return True


class _ElidedLabel(QLabel):
    """A one-line label that shortens its text in the middle to fit, with the whole as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        """Show ``text``, shortened to the label's width."""
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        """The text before shortening."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Shorten the text again for the new width."""
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.contentsRect().width(), 40)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, width))


def counts_text(progress: ImportProgress) -> str:
    """The counts so far on one line, e.g. "1,200 imported · 3 duplicates · 0 failed"."""
    parts = [f"{progress.imported:,} imported", _plural(progress.duplicates, "duplicate")]
    if progress.near_duplicates:
        parts.append(_plural(progress.near_duplicates, "near-duplicate"))
    parts.append(f"{progress.failed:,} failed")
    return " · ".join(parts)


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class ImportProgressDialog(QDialog):
    """Shows an import in progress (counts so far, the latest article) with a Cancel button.

    Cancel (or closing the dialog) asks the import to stop; the dialog stays until it has.
    """

    sig_cancel_requested = Signal()
    """(no arguments): the user asked to stop the import."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Importing Articles")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.heading = QLabel("Importing articles…")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # articles are read as they come: the total is unknown
        self.bar.setTextVisible(False)
        self.counts_label = QLabel(counts_text(ImportProgress()))
        self.current_label = _ElidedLabel()
        self.current_label.set_full_text("Reading the first files…")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.request_cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.current_label)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def show_progress(self, progress: ImportProgress) -> None:
        """Show the counts so far and where the latest article came from."""
        self.counts_label.setText(counts_text(progress))
        if progress.current:
            self.current_label.set_full_text(f"Latest: {progress.current}")

    def request_cancel(self) -> None:
        """Ask the import to stop after the batch in flight, and say so."""
        if not self.cancel_button.isEnabled():
            return
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.heading.setText("Cancelling: finishing the articles being saved…")
        self.sig_cancel_requested.emit()

    def reject(self) -> None:
        """Escape cancels the import rather than hiding the dialog while it runs."""
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the dialog cancels the import; the dialog goes once the import has stopped."""
        event.ignore()
        self.request_cancel()


class ImportSummaryDialog(QDialog):
    """The end of an import: counts, and every failure and duplicate with its reason, copyable."""

    def __init__(self, outcome: ImportOutcome, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        report = outcome.report
        if outcome.error is not None:
            title, headline = "Import Stopped", "The import stopped on an error."
            explanation = f"{outcome.error}\nThe articles imported before it are kept."
        elif outcome.cancelled:
            title, headline = "Import Cancelled", "Import cancelled."
            explanation = "The articles imported before it stopped are kept, each whole."
        else:
            title, headline, explanation = "Import Finished", "Import finished.", ""
        self.setWindowTitle(title)
        self.headline = QLabel(headline)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explanation.setVisible(bool(explanation))
        counts = QFormLayout()
        self.count_labels: dict[str, QLabel] = {}
        for key, name, value in (
            ("imported", "Imported:", report.imported),
            ("near_duplicates", "Near-duplicates (imported, flagged):", report.near_duplicates),
            ("duplicates", "Duplicates (not imported again):", report.duplicates),
            ("failed", "Failed:", report.failed),
        ):
            self.count_labels[key] = QLabel(f"{value:,}")
            counts.addRow(name, self.count_labels[key])
        lines = detail_lines(report)
        self.details_label = QLabel(
            "Failures and duplicates, with their reasons:"
            if lines
            else "No failures or duplicates."
        )
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setPlainText("\n".join(lines))
        self.details.setVisible(bool(lines))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy List")
        self.copy_button.setToolTip("Copy the failures and duplicates to the clipboard")
        self.copy_button.setEnabled(bool(lines))
        self.copy_button.clicked.connect(self.copy_details)
        self.buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setVisible(bool(lines))  # after addButton(), which shows it
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.explanation)
        layout.addSpacing(4)
        layout.addLayout(counts)
        layout.addSpacing(4)
        layout.addWidget(self.details_label)
        layout.addWidget(self.details, 1)
        if not lines:
            layout.addStretch(1)
        layout.addWidget(self.buttons)
        if lines:
            self.resize(720, 440)
        else:
            self.resize(480, self.sizeHint().height())

    def details_text(self) -> str:
        """The failures and duplicates as shown, one per line."""
        return self.details.toPlainText()

    def copy_details(self) -> None:
        """Put the failures and duplicates on the clipboard."""
        QApplication.clipboard().setText(self.details_text())


def detail_lines(report: ImportReport) -> list[str]:
    """Every failure, duplicate and near-duplicate as "kind: file:line: reason", failures first,
    with a last line for each list the report kept only in part."""
    lines: list[str] = []
    for kind, details, count in (
        ("failed", report.failures, report.failed),
        ("duplicate", report.duplicate_details, report.duplicates),
        ("near-duplicate", report.near_duplicate_details, report.near_duplicates),
    ):
        lines.extend(f"{kind}: {line}" for line in details)
        if count > len(details):
            lines.append(f"{kind}: … and {count - len(details):,} more, not listed")
    return lines


class ImportController(QObject):
    """Runs imports for a window: a background worker, its progress dialog, then the summary.

    One import runs at a time; the application waits for it (cancelled) before quitting.
    """

    sig_finished = Signal(object)
    """(an :class:`ui.import_worker.ImportOutcome`): an import ended, finished or not."""

    def __init__(
        self,
        store: Store,
        parent: QWidget,
        collection: str | None = None,
        options: IngestOptions | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._window = parent
        self._collection = collection
        self._options = options
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self.worker: ImportWorker | None = None
        self._ended: ImportWorker | None = None  # kept until its thread has surely let go of it
        self.progress_dialog: ImportProgressDialog | None = None
        self.summary_dialog: ImportSummaryDialog | None = None
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.setInterval(SHOW_PROGRESS_AFTER_MS)
        self._show_timer.timeout.connect(self._show_progress)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def is_running(self) -> bool:
        """Whether an import is under way."""
        return self.worker is not None

    def start(self, paths: Sequence[str | Path]) -> bool:
        """Import ``paths`` (files and folders) in the background; False if there is nothing to
        import or an import is already running."""
        if isinstance(paths, str | Path):
            paths = [paths]
        if not paths or self.worker is not None:
            return False
        if self.summary_dialog is not None:
            self.summary_dialog.close()
            self.summary_dialog.deleteLater()
            self.summary_dialog = None
        worker = ImportWorker(self._store, paths, self._collection, self._options)
        dialog = ImportProgressDialog(self._window)
        worker.signals.sig_progress.connect(dialog.show_progress)
        worker.signals.sig_finished.connect(self._finished)
        dialog.sig_cancel_requested.connect(worker.cancel)
        self.worker, self.progress_dialog = worker, dialog
        self._pool.start(worker)
        self._show_timer.start()
        return True

    def cancel(self) -> None:
        """Ask the running import, if any, to stop after the batch in flight."""
        if self.progress_dialog is not None:
            self.progress_dialog.request_cancel()
        elif self.worker is not None:
            self.worker.cancel()

    def stop(self, msecs: int = -1) -> bool:
        """Cancel the running import and wait (up to ``msecs``; -1: as long as it takes) for its
        thread to end; True once nothing runs. For closing down (the application calls it before
        quitting); should the event loop run on, the outcome still follows as usual."""
        if self.worker is not None:
            self.worker.cancel()
        return bool(self._pool.waitForDone(msecs))

    def _show_progress(self) -> None:
        if self.progress_dialog is not None:
            self.progress_dialog.open()

    def _finished(self, outcome: ImportOutcome) -> None:
        self._show_timer.stop()
        if self.progress_dialog is not None:
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
        self._ended, self.worker, self.progress_dialog = self.worker, None, None
        if self.summary_dialog is not None:
            self.summary_dialog.deleteLater()
        self.summary_dialog = ImportSummaryDialog(outcome, self._window)
        self.summary_dialog.open()
        self.sig_finished.emit(outcome)
