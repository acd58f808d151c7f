"""Choosing and opening a corpus database: one proxy that SQLite and PostgreSQL both bind."""

from __future__ import annotations

import os
from pathlib import Path

import peewee
import platformdirs

from annotator.errors import AnnotatorError

APP_NAME = "news-annotator"
ENV_VAR = "ANNOTATOR_DB"

database = peewee.DatabaseProxy()

# Applied on every connection, so every thread's connection behaves the same.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,
    "synchronous": "normal",
    "cache_size": -32000,
}


def default_corpus_path() -> Path:
    """The embedded default corpus: a SQLite file in the platform's user data folder."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "corpus.db"


def resolve_url(url: str | None) -> str:
    """The corpus to open: ``url`` if given, else $ANNOTATOR_DB, else the default file."""
    return url or os.environ.get(ENV_VAR) or str(default_corpus_path())


def is_postgres(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server rather than a SQLite file."""
    return url.startswith(("postgresql://", "postgres://"))


def connect(url: str) -> peewee.Database:
    """Open the database named by ``url`` (a file path, or a postgresql:// URL) and bind the proxy."""
    db: peewee.Database
    if is_postgres(url):
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        db = peewee.PostgresqlDatabase(url)
    else:
        path = Path(url).expanduser()
        if path.is_dir():
            raise AnnotatorError(f"{path}: is a folder, not a corpus file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AnnotatorError(f"{path}: cannot create its folder: {exc.strerror}") from None
        db = peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=15)
    try:
        db.connect()
    except peewee.OperationalError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AnnotatorError(f"{redact(url)}: cannot open the corpus: {first_line}") from None
    database.initialize(db)
    return db


def redact(url: str) -> str:
    """``url`` with any password replaced, for messages."""
    if not is_postgres(url) or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
