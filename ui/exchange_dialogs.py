"""File ▸ Export… and File ▸ Import Annotations…: choose a format and what to move, then run it
in the background with a progress dialog and Cancel, and show the report (what a format could
not carry, what was refused and why)."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator import formats
from annotator.document import Status
from annotator.errors import AnnotatorError
from annotator.formats.flat import POLICIES
from annotator.formats.model import ExportOptions, ImportOptions
from annotator.formats.split import parse_ratios
from corpus.exchange import ExportRequest, export_corpus, import_annotations
from corpus.filters import DocumentFilter
from corpus.store import Store
from ui.dialog_layout import lay_out_form_dialog
from ui.exchange_worker import ExchangeOutcome, ExchangeWorker, Job

TOKEN_FORMATS = {"conll", "hf"}  # the formats with a tagging scheme
TOKENIZED_FORMATS = TOKEN_FORMATS | {"spacy", "xmi", "webanno-tsv"}  # they write tokens
UTF16_FORMATS = {"jsonl", "w3c"}  # the formats whose offsets may count UTF-16 units
SHOW_PROGRESS_AFTER_MS = 400
ALL = "All"
SPACY_LANGUAGES = (
    ("ar", "Arabic"),
    ("zh", "Chinese"),
    ("nl", "Dutch"),
    ("en", "English"),
    ("fr", "French"),
    ("de", "German"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("it", "Italian"),
    ("fa", "Persian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ru", "Russian"),
    ("es", "Spanish"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("xx", "other (multi-language rules)"),
)
"""The languages offered for spaCy's tokenizer: blank pipelines that need nothing more."""


def _combo(items: Sequence[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


class ExportDialog(QDialog):
    """Asks what to export: format, file or folder, whose annotations, which documents, how."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Annotations")
        self.format = _combo([(name, name) for name in formats.names()])
        self.out = QLineEdit()
        self.out.setPlaceholderText("File or folder to write")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        self.annotator = _combo(
            [("Everyone (each annotator's set)", None)] + [(n, n) for n in store.annotators()]
        )
        self.status = _combo([(ALL, None)] + [(s.replace("_", " "), s) for s in Status.ALL])
        self.collection = _combo([(ALL, None)] + [(c, c) for c in store.collection_names()])
        self.scheme = _combo([(s.upper(), s) for s in ("bio", "iob1", "bioes", "bilou")])
        self.policy = _combo([(f"{p}: {d}", p) for p, d in POLICIES.items()])
        spacy = importlib.util.find_spec("spacy") is not None  # found, not imported: quick
        self.tokenizer = _combo(
            [("Built-in (fast)", "builtin")] + ([("spaCy", "spacy")] if spacy else [])
        )
        self.tokenizer.setToolTip("How token formats cut the text into tokens")
        self.language = _combo([(f"{name} ({code})", code) for code, name in SPACY_LANGUAGES])
        self.language.setCurrentIndex(self.language.findData("en"))
        self.language.setToolTip("The language whose tokenizer rules spaCy applies")
        tokenizer_row = self.tokenizer_row = QHBoxLayout()
        tokenizer_row.addWidget(self.tokenizer, 1)
        tokenizer_row.addWidget(self.language, 1)
        self.utf16 = QCheckBox("Count offsets in UTF-16 units (doccano's browser)")
        self.split = QCheckBox("Split into train / dev / test by document")
        self.ratios = QLineEdit("80,10,10")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        form = self.form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Write to", out_row)
        form.addRow("Annotations of", self.annotator)
        form.addRow("Status", self.status)
        form.addRow("Collection", self.collection)
        form.addRow("Tokenizer", tokenizer_row)
        form.addRow("Tagging scheme", self.scheme)
        form.addRow("Overlapping spans", self.policy)
        form.addRow("", self.utf16)
        form.addRow("", self.split)
        form.addRow("Parts (%)", self.ratios)
        form.addRow("Seed", self.seed)
        self.buttons = lay_out_form_dialog(self, form, self.problem, "Export", self._accept)
        for signal in (
            self.format.currentIndexChanged,
            self.split.toggled,
            self.tokenizer.currentIndexChanged,
        ):
            signal.connect(self._update)
        self._update()
        self.request: ExportRequest | None = None

    def _update(self) -> None:
        name = self.format.currentData()
        self.form.setRowVisible(self.tokenizer_row, name in TOKENIZED_FORMATS)
        self.language.setVisible(self.tokenizer.currentData() == "spacy")
        self.scheme.setEnabled(name in TOKEN_FORMATS)
        self.policy.setEnabled(name in TOKEN_FORMATS | {"spacy"})
        self.utf16.setEnabled(name in UTF16_FORMATS)
        for widget in (self.ratios, self.seed):
            widget.setEnabled(self.split.isChecked())

    def _browse(self) -> None:
        try:
            fmt = formats.get(self.format.currentData())
        except AnnotatorError as exc:
            self.problem.setText(str(exc))
            return
        if fmt.directory or self.split.isChecked():
            path = QFileDialog.getExistingDirectory(self, "Export into folder")
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to file", f"export{fmt.suffix}")
        if path:
            self.out.setText(path)

    def build(self) -> ExportRequest:
        """The request the dialog describes; a one-line error when it is incomplete."""
        if not self.out.text().strip():
            raise AnnotatorError("choose where to write the export")
        status = self.status.currentData()
        annotator = self.annotator.currentData()
        if status is not None and annotator is None:
            raise AnnotatorError("a status filter needs one annotator (whose status it is)")
        options = ExportOptions(
            scheme=self.scheme.currentData(),
            offsets="utf16" if self.utf16.isChecked() and self.utf16.isEnabled() else "codepoints",
            policy=self.policy.currentData(),
        )
        return ExportRequest(
            format=self.format.currentData(),
            out=Path(self.out.text().strip()),
            filter=DocumentFilter(
                collection=self.collection.currentData(), status=status, annotator=annotator
            ),
            annotator=annotator,
            options=options,
            split=parse_ratios(self.ratios.text()) if self.split.isChecked() else None,
            seed=self.seed.value(),
            tokenizer=self._tokenizer(),
        )

    def _tokenizer(self) -> str:
        """The tokenizer's name as the command line takes it (``--tokenizer``)."""
        if self.format.currentData() not in TOKENIZED_FORMATS:
            return "builtin"
        if self.tokenizer.currentData() == "spacy":
            return f"spacy:{self.language.currentData()}"
        return "builtin"

    def _accept(self) -> None:
        try:
            self.request = self.build()
        except AnnotatorError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, store: Store, parent: QWidget | None) -> ExportRequest | None:
        """Show the dialog; the request, or None when cancelled."""
        dialog = cls(store, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog.request if dialog.exec() == QDialog.DialogCode.Accepted else None


class ImportAnnotationsDialog(QDialog):
    """Asks what to import: format, files or folders, as whom, whether to extend the schema."""

    def __init__(self, annotator: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Annotations")
        self.format = _combo([(name, name) for name in formats.names()])
        self.paths = QListWidget()
        add_files, add_folder = QPushButton("Add Files…"), QPushButton("Add Folder…")
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        path_buttons = QHBoxLayout()
        path_buttons.addWidget(add_files)
        path_buttons.addWidget(add_folder)
        path_buttons.addStretch(1)
        self.annotator = QLineEdit()
        self.annotator.setPlaceholderText(f"as the files say (or e.g. {annotator})")
        self.annotator.setToolTip(
            "Whose annotations they become; empty keeps each file's annotators apart"
        )
        self.extend = QCheckBox("Add labels and attributes the schema lacks")
        self.utf16 = QCheckBox("Offsets count UTF-16 units (doccano's browser)")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Files", self.paths)
        form.addRow("", path_buttons)
        form.addRow("As annotator", self.annotator)
        form.addRow("", self.extend)
        form.addRow("", self.utf16)
        lay_out_form_dialog(self, form, self.problem, "Import", self._accept)
        self.format.currentIndexChanged.connect(self._update)
        self._update()
        self.job: tuple[str, list[Path], str | None, bool, ImportOptions] | None = None

    def _update(self) -> None:
        self.utf16.setEnabled(self.format.currentData() in UTF16_FORMATS)

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Annotation files")
        self.paths.addItems(paths)

    def _add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder of annotation files")
        if path:
            self.paths.addItem(path)

    def _accept(self) -> None:
        paths = [Path(self.paths.item(i).text()) for i in range(self.paths.count())]
        if not paths:
            self.problem.setText("add the files or folders to import")
            return
        utf16 = self.utf16.isChecked() and self.utf16.isEnabled()
        options = ImportOptions(offsets="utf16" if utf16 else "codepoints")
        who = self.annotator.text().strip() or None
        self.job = (self.format.currentData(), paths, who, self.extend.isChecked(), options)
        self.accept()

    @classmethod
    def ask(
        cls, annotator: str, parent: QWidget | None
    ) -> tuple[str, list[Path], str | None, bool, ImportOptions] | None:
        """Show the dialog; (format, paths, annotator, extend schema, options) or None."""
        dialog = cls(annotator, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog.job if dialog.exec() == QDialog.DialogCode.Accepted else None


class ReportDialog(QDialog):
    """The end of an export or import: a headline and the report's lines, copyable."""

    def __init__(self, title: str, outcome: ExchangeOutcome, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        headline = (
            "Stopped: " + outcome.error
            if outcome.error
            else ("Cancelled" if outcome.cancelled else "Finished")
        )
        self.headline = QLabel(f"<b>{headline}</b>")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.details = QPlainTextEdit("\n".join(outcome.report.lines()))
        self.details.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(620, 360)


class ExchangeController(QObject):
    """Runs one export or import at a time in the background, with progress, Cancel and the
    report at the end."""

    sig_finished = Signal(object)
    """An :class:`ExchangeOutcome`, after the report was shown."""

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(parent)
        self.store = store
        self._parent = parent
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.worker: ExchangeWorker | None = None
        self.progress: QProgressDialog | None = None
        self.report_dialog: ReportDialog | None = None
        self.last_was_export = False

    def export(self, request: ExportRequest) -> bool:
        """Start exporting as ``request`` says."""
        self.last_was_export = True
        return self._start("Export", lambda s, p, c: export_corpus(s, request, p, c))

    def import_annotations(
        self,
        format_name: str,
        paths: list[Path],
        annotator: str | None,
        extend: bool,
        options: ImportOptions,
    ) -> bool:
        """Start importing annotations from ``paths``."""
        self.last_was_export = False
        job: Job = lambda s, p, c: import_annotations(  # noqa: E731
            s, format_name, paths, annotator, extend, options, p, c
        )
        return self._start("Import Annotations", job)

    def is_running(self) -> bool:
        """Whether a job runs now."""
        return self.worker is not None

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the job in flight (tests, closing the window)."""
        return self.pool.waitForDone(msecs)

    def _start(self, title: str, job: Job) -> bool:
        if self.worker is not None:
            return False
        worker = ExchangeWorker(self.store, job)
        progress = QProgressDialog(f"{title}…", "Cancel", 0, 0, self._parent)
        progress.setWindowTitle(title)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        progress.canceled.connect(worker.cancel)
        # Shown once the job has taken a moment, so that a quick one does not flash it.
        QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self, lambda: self._show_progress(progress))
        worker.signals.sig_progress.connect(
            lambda done: progress.setLabelText(f"{title}: {done} document(s) done")
        )
        worker.signals.sig_finished.connect(lambda outcome: self._finished(title, outcome))
        self.worker, self.progress = worker, progress
        self.pool.start(worker)
        return True

    def _show_progress(self, progress: QProgressDialog) -> None:
        if self.progress is progress:
            progress.show()

    def _finished(self, title: str, outcome: ExchangeOutcome) -> None:
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
        self.worker = self.progress = None
        self.report_dialog = ReportDialog(title, outcome, self._parent)
        self.report_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.report_dialog.show()
        self.sig_finished.emit(outcome)
