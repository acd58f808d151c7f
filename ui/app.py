"""Start the desktop app on a corpus."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from annotator.errors import AnnotatorError
from corpus.store import Store
from ui.main_window import APP_NAME, MainWindow, login_name
from ui.session import (
    ask_annotator,
    remember_annotator,
    reserved_name_problem,
    saved_annotator,
    team_login,
)

ORGANISATION_NAME = "news-annotator"


def run(store: Store, argv: list[str] | None = None, annotator: str | None = None) -> int:
    """Show the main window on ``store`` for ``annotator`` and run the event loop; returns the
    exit code. Without ``annotator``: in a team corpus on PostgreSQL, the member the user logs
    in as; else the name chosen last time; at the first start the user is asked, the login
    name offered."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION_NAME)
    settings = QSettings()  # after the names: its file is named by them
    name = annotator or team_login(store) or saved_annotator(settings)
    if name is None:
        name = ask_annotator(None, login_name(), store.annotators()) or login_name()
    problem = reserved_name_problem(name)
    if problem is not None:
        raise AnnotatorError(problem)
    if not store.is_postgres:
        remember_annotator(settings, name)
    window = MainWindow(store, settings, annotator=name)
    window.show()
    return app.exec()
