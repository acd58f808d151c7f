"""Start the desktop app on a corpus."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from corpus.store import Store
from ui.main_window import APP_NAME, MainWindow

ORGANISATION_NAME = "news-annotator"


def run(store: Store, argv: list[str] | None = None, annotator: str | None = None) -> int:
    """Show the main window on ``store`` for ``annotator`` (default: the login name) and run
    the event loop; returns the exit code."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION_NAME)
    window = MainWindow(
        store, annotator=annotator
    )  # after the names: its QSettings file is named by them
    window.show()
    return app.exec()
