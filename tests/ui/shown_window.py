"""Shared by the UI tests: a new SQLite corpus, an article to put in it, and a main window shown
on it as a user opens one. Import ``store`` to use the fixture by name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.document import Document
from corpus import resources
from corpus.store import Store
from tests.conftest import close_bound_database
from ui.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new SQLite corpus file (worker threads open their own connections) with the shipped
    schema."""
    close_bound_database()
    s = Store.open(str(tmp_path / "c.db"))
    s.set_schema(resources.shipped_schema())
    yield s
    s.close()


def show_window(
    qtbot,
    store: Store,
    tmp_path: Path,
    size: tuple[int, int] | None = None,
    settings: Mapping[str, object] | None = None,
    annotator: str = "alice",
) -> MainWindow:
    """``annotator``'s main window on ``store`` (its settings in ``tmp_path``, given
    ``settings`` first), of ``size`` if given, shown, exposed and activated."""
    stored = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    for key, value in (settings or {}).items():
        stored.setValue(key, value)
    window = MainWindow(store, stored, annotator=annotator)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def add_wire_article(store: Store, text: str, title: str, collections: Sequence[str] = ()) -> int:
    """Add an article by Reuters from the Wire of 18 January 2017, in ``collections``; its id."""
    article = Document(
        text=text, title=title, author="Reuters", published="2017-01-18", source="Wire"
    )
    return store.add_document(article, collections=collections).id
