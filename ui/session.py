"""Who annotates and which corpus is open: choosing the annotator's name, and the corpora
opened recently (QSettings). A corpus opens in a window of its own, in a new process, since
one process holds one corpus."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QProcess, QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from corpus.curation import GOLD
from corpus.db import is_postgres, without_password

if TYPE_CHECKING:
    from corpus.store import Store

RECENT_SETTING = "corpora/recent"
ANNOTATOR_SETTING = "annotator/name"
RECENT_LIMIT = 8


def recent_corpora(settings: QSettings) -> list[str]:
    """The corpora opened lately, the latest first."""
    value = settings.value(RECENT_SETTING, [])
    if isinstance(value, str):  # QSettings gives a single string for a one-item list
        value = [value]
    return [str(v) for v in value or [] if v]


def corpus_location(url: str) -> str:
    """Where a corpus is, fit to keep and to pass on: a SQLite file's absolute path, or a
    PostgreSQL URL without its password (libpq finds it in .pgpass or a service file)."""
    if is_postgres(url):
        return without_password(url)
    return str(Path(url).expanduser().resolve())


def missing_corpus(url: str) -> bool:
    """Whether ``url`` names a SQLite file that is not there (opening would create one)."""
    return not is_postgres(url) and not Path(url).expanduser().exists()


def remember_corpus(settings: QSettings, url: str) -> None:
    """Put the corpus ``url`` first among the recent corpora (never with a password)."""
    location = corpus_location(url)
    corpora = [location] + [c for c in recent_corpora(settings) if c != location]
    settings.setValue(RECENT_SETTING, corpora[:RECENT_LIMIT])


def open_in_new_window(url: str, annotator: str) -> bool:
    """Start the app on the corpus ``url`` in a process of its own; False if it did not start."""
    location = corpus_location(url)
    started, _pid = QProcess.startDetached(
        sys.executable, ["-m", "cli", "--db", location, "gui", "--annotator", annotator]
    )
    return bool(started)


def team_login(store: Store) -> str | None:
    """The team member the user logs in as, on a PostgreSQL corpus where the database user is
    one; they annotate as themselves (the database refuses them anyone else's annotations)."""
    login = store.login_name()
    return login if login is not None and login in store.annotators() else None


def saved_annotator(settings: QSettings) -> str | None:
    """The annotator's name chosen last time, if any."""
    name = settings.value(ANNOTATOR_SETTING)
    return str(name) if name else None


def remember_annotator(settings: QSettings, name: str) -> None:
    """Use ``name`` as the annotator the next time the app starts."""
    settings.setValue(ANNOTATOR_SETTING, name)


def ask_annotator(parent: QWidget | None, current: str, names: Sequence[str]) -> str | None:
    """Ask who is annotating (any of ``names`` or a new name); None when cancelled."""
    people = [name for name in names if reserved_name_problem(name) is None]
    choices = list(dict.fromkeys([current, *people]))
    name, ok = QInputDialog.getItem(
        parent,
        "Annotator",
        "Annotate as (pick a name or type a new one):",
        choices,
        0,
        True,
    )
    name = name.strip()
    problem = reserved_name_problem(name)
    if ok and problem is not None:
        QMessageBox.warning(parent, "Annotator", problem)
        return None
    return name if ok and name else None


def reserved_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a person's annotator name (the gold set's is reserved), or None."""
    if name.strip().casefold() != GOLD:
        return None
    return (
        f"'{name.strip()}' is the name of the curated gold set, not of a person: choose another "
        "name (the gold set is edited in Edit › Curate…)"
    )


def login_name() -> str:
    """The user's login name, the default annotator ("annotator" when the system has none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER/LOGNAME and no password entry (some containers)
        return "annotator"
