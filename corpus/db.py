"""Choosing and opening a corpus database: one proxy that SQLite and PostgreSQL both bind."""

from __future__ import annotations

import os
import re
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Any

import peewee
import platformdirs
import psycopg2
import psycopg2.extensions
from playhouse.shortcuts import ReconnectMixin

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


_CONNINFO = re.compile(r"^\s*(service|host|hostaddr|dbname|user|port)\s*=")


def is_postgres(url: str) -> bool:
    """Whether ``url`` names a PostgreSQL server (a libpq URL, or a libpq key=value string
    such as ``service=team``) rather than a SQLite file."""
    return url.startswith(("postgresql://", "postgres://")) or bool(_CONNINFO.match(url))


def _libpq_url(url: str) -> str:
    """``url`` as a ``postgresql://`` URL: a key=value string's settings become its query."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return url
    try:
        settings = psycopg2.extensions.parse_dsn(url)
    except psycopg2.ProgrammingError as exc:
        raise AnnotatorError(f"{redact(url)}: not a libpq connection string: {exc}") from None
    return "postgresql:///?" + urllib.parse.urlencode(settings)


class AccessDenied(AnnotatorError):
    """The database refused a change the user's role does not allow (team corpora)."""


class ConnectionLost(AnnotatorError):
    """The connection to the database server broke off (the server restarted, the network
    went away) while a change was being made: the change was not saved."""


# What psycopg2 says when the server end of a connection is gone, in lower case.
_LOST_CONNECTION = (
    "server closed the connection",
    "terminating connection",
    "connection already closed",
    "could not connect to server",
    "connection to server",
    "no connection to the server",
    "ssl connection has been closed",
)


def _lost(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(fragment in text for fragment in _LOST_CONNECTION)


def _refuse_if_lost(exc: Exception) -> None:
    if _lost(exc):
        raise ConnectionLost(
            "the connection to the database server was lost (did the server restart?): the "
            "change was not saved; try again once the server is back"
        ) from None


class _PostgresDatabase(ReconnectMixin, peewee.PostgresqlDatabase):  # type: ignore[misc]
    """PostgreSQL that reconnects after the server restarted, and says so clearly.

    A statement outside a transaction that finds the connection gone connects again and runs
    once more (peewee's ReconnectMixin); inside a transaction nothing is retried, since what it
    did is lost with the connection: the change is refused with :class:`ConnectionLost`, and
    the next one connects again. A refusal by the server's access control is
    :class:`AccessDenied`."""

    reconnect_errors = tuple(
        (kind, fragment)
        for kind in (peewee.OperationalError, peewee.InterfaceError)
        for fragment in _LOST_CONNECTION
    )

    def execute_sql(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().execute_sql(sql, params, *args, **kwargs)
        except peewee.ProgrammingError as exc:
            if getattr(getattr(exc, "orig", None), "pgcode", None) != _INSUFFICIENT_PRIVILEGE:
                raise
            raise AccessDenied(
                f"your role in this team corpus does not allow it ({first_line(exc)})"
            ) from None
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            _refuse_if_lost(exc)
            raise

    def begin(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().begin(*args, **kwargs)
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            _refuse_if_lost(exc)
            raise

    def rollback(self) -> None:
        """Roll back, unless the connection is gone: the server ended the transaction then."""
        try:
            super().rollback()
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            if not _lost(exc):
                raise


_INSUFFICIENT_PRIVILEGE = "42501"  # also what a row-level security policy's refusal says


def without_password(url: str) -> str:
    """``url`` with any password taken out (libpq then finds it in .pgpass or a service
    file), fit to keep in settings and to pass to another process."""
    if not is_postgres(url):
        return url
    if not url.startswith(("postgresql://", "postgres://")):
        settings = psycopg2.extensions.parse_dsn(url)
        settings.pop("password", None)
        return str(psycopg2.extensions.make_dsn(**settings))
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        creds, host = netloc.rsplit("@", 1)
        netloc = f"{creds.split(':', 1)[0]}@{host}"
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k.lower() != "password"]
    return urllib.parse.urlunsplit(
        parts._replace(netloc=netloc, query=urllib.parse.urlencode(query))
    )


def connect(url: str) -> peewee.Database:
    """Open the database named by ``url`` (a file path, or a postgresql:// URL) and bind the proxy."""
    db: peewee.Database
    if is_postgres(url):
        db = _PostgresDatabase(_libpq_url(url))
    else:
        path = Path(url).expanduser()
        if path.is_dir():
            raise AnnotatorError(f"{path}: is a folder, not a corpus file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AnnotatorError(f"{path}: cannot create its folder: {exc.strerror}") from None
        # BEGIN IMMEDIATE: a transaction takes the write lock when it starts, waiting for it up
        # to the busy timeout. A deferred one that reads, then writes, fails at once with
        # "database is locked" when another process wrote in between (SQLite cannot wait there).
        db = peewee.SqliteDatabase(
            str(path), pragmas=SQLITE_PRAGMAS, timeout=15, lock_type="IMMEDIATE"
        )
    try:
        db.connect()
    except peewee.OperationalError as exc:
        raise AnnotatorError(f"{redact(url)}: cannot open the corpus: {first_line(exc)}") from None
    database.initialize(db)
    return db


def first_line(exc: BaseException) -> str:
    """The first line of what ``exc`` says (its type's name when it says nothing): a reason
    fit for a one-line error."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def first_database_error(exc: BaseException) -> BaseException:
    """The database error that started ``exc``: when SQLite gives up a transaction itself (a
    full disk), the rollback that follows fails and names only itself, not why."""
    while isinstance(exc.__context__, (peewee.PeeweeException, sqlite3.Error)):
        exc = exc.__context__
    return exc


_PASSWORD_SETTING = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)", re.IGNORECASE)


def redact(url: str) -> str:
    """``url`` with any password (``user:secret@``, ``?password=``, ``password=``) hidden."""
    if not is_postgres(url):
        return url
    url = _PASSWORD_SETTING.sub(r"\1***", url)
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
