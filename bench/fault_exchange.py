"""An export or an annotation import run by the real main window, for the fault harness.

``python -m bench.fault_exchange DB export OUT`` exports the corpus as doccano JSONL to OUT;
``python -m bench.fault_exchange DB import FILE ANNOTATOR`` imports FILE's doccano JSONL
annotations as ANNOTATOR. Either opens the main window (offscreen) and calls the File menu's
slot, whose dialog is filled in and accepted through its own button; the job then runs on the
window's worker. Prints a JSON line when the job has started (``"started"``) and when the
window was told it ended (``"finished"``, with the report's counts): only then is it done.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget

from annotator.formats.model import ImportOptions
from bench.fault_runs import WINDOW_ANNOTATOR
from corpus.exchange import ExportRequest
from corpus.store import Store
from ui import exchange_dialogs
from ui.exchange_worker import ExchangeOutcome
from ui.main_window import MainWindow

Job = tuple[str, list[Path], str | None, bool, ImportOptions]
OK = QDialogButtonBox.StandardButton.Ok


def _say(kind: str, **fields: object) -> None:
    print(json.dumps({"kind": kind, **fields}), flush=True)


def _export_dialog(out: str) -> Callable[[Store, QWidget | None], ExportRequest | None]:
    """``ExportDialog.ask`` answered as a user would: format jsonl, ``out``, Export."""

    def ask(store: Store, parent: QWidget | None) -> ExportRequest | None:
        dialog = exchange_dialogs.ExportDialog(store, parent)
        dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
        dialog.out.setText(out)
        dialog.buttons.button(OK).click()
        return dialog.request

    return ask


def _import_dialog(path: str, annotator: str) -> Callable[[str, QWidget | None], Job | None]:
    """``ImportAnnotationsDialog.ask`` answered: format jsonl, the file, as ``annotator``."""

    def ask(_annotator: str, parent: QWidget | None) -> Job | None:
        dialog = exchange_dialogs.ImportAnnotationsDialog(_annotator, parent)
        dialog.format.setCurrentIndex(dialog.format.findData("jsonl"))
        dialog.paths.addItem(path)
        dialog.annotator.setText(annotator)
        buttons = dialog.findChild(QDialogButtonBox)
        assert isinstance(buttons, QDialogButtonBox)
        buttons.button(OK).click()
        return dialog.job

    return ask


def main(argv: list[str]) -> int:
    db, job = argv[0], argv[1]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = Store.open(db)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings, annotator=WINDOW_ANNOTATOR)
    window.show()
    app.processEvents()

    def finished(outcome: ExchangeOutcome) -> None:
        report = outcome.report
        _say(
            "finished",
            documents=report.documents,
            spans=report.spans,
            error=outcome.error,
            cancelled=outcome.cancelled,
        )
        app.quit()

    window.exchange.sig_finished.connect(finished)
    if job == "export":
        export_ask = staticmethod(_export_dialog(argv[2]))
        exchange_dialogs.ExportDialog.ask = export_ask  # type: ignore[assignment]
        window.export()
    else:
        import_ask = staticmethod(_import_dialog(argv[2], argv[3]))
        exchange_dialogs.ImportAnnotationsDialog.ask = import_ask  # type: ignore[assignment]
        window.import_annotations()
    if not window.exchange.is_running():
        _say("refused")
        return 1
    _say("started")
    app.exec()
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
