"""Who annotates and which corpus is open: choosing the annotator's name, and the corpora
opened recently (QSettings). A corpus opens in a window of its own, in a new process, since
one process holds one corpus."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QProcess, QSettings
from PySide6.QtWidgets import QInputDialog, QWidget

from corpus.db import is_postgres

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
        scheme, rest = url.split("://", 1)
        if "@" not in rest:
            return url
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
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


def saved_annotator(settings: QSettings) -> str | None:
    """The annotator's name chosen last time, if any."""
    name = settings.value(ANNOTATOR_SETTING)
    return str(name) if name else None


def remember_annotator(settings: QSettings, name: str) -> None:
    """Use ``name`` as the annotator the next time the app starts."""
    settings.setValue(ANNOTATOR_SETTING, name)


def ask_annotator(parent: QWidget | None, current: str, names: Sequence[str]) -> str | None:
    """Ask who is annotating (any of ``names`` or a new name); None when cancelled."""
    choices = list(dict.fromkeys([current, *names]))
    name, ok = QInputDialog.getItem(
        parent,
        "Annotator",
        "Annotate as (pick a name or type a new one):",
        choices,
        0,
        True,
    )
    name = name.strip()
    return name if ok and name else None


def login_name() -> str:
    """The user's login name, the default annotator ("annotator" when the system has none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no USER/LOGNAME and no password entry (some containers)
        return "annotator"
