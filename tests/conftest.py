"""Fixtures shared by the whole suite: a throwaway PostgreSQL server, and a corpus store opened on
each engine (SQLite file, PostgreSQL database) with the shipped default schema."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from corpus import db as corpus_db
from corpus.resources import shipped_schema
from corpus.store import Store
from tests import pg_server as pg

T = TypeVar("T")

_USER_FOLDERS = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
_HOME = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """Keep the suite out of the user's own folders: its settings (QSettings), default corpus,
    backups and logs go to a folder of its own, set before Qt or platformdirs read them."""
    home = tempfile.mkdtemp(prefix="annotator-tests-")
    config.stash[_HOME] = home
    for name in _USER_FOLDERS:
        os.environ[name] = os.path.join(home, name.lower())
    os.environ.pop("ANNOTATOR_DB", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash.get(_HOME, ""), ignore_errors=True)


ENGINES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]

# -- databases --------------------------------------------------------------------------------

_database_numbers = itertools.count(1)


def close_bound_database() -> None:
    """Close this thread's connection of whatever database :data:`corpus.db.database` is bound to.

    Every ``Store.open`` rebinds that global proxy; closing the previous connection first keeps
    SQLite files and PostgreSQL databases from being held open by earlier tests.
    """
    bound = corpus_db.database.obj
    if bound is not None and not bound.is_closed():
        bound.close()


def read_store(url: str, read: Callable[[Store], T]) -> T:
    """What ``read`` finds in the corpus at ``url``, opened (and closed) on its own."""
    close_bound_database()
    store = Store.open(url)
    try:
        return read(store)
    finally:
        store.close()


@contextlib.contextmanager
def second_store(url: str) -> Iterator[Store]:
    """Another store on ``url`` in this thread, reading the corpus as another process would;
    afterwards the models are bound again to the database they were bound to before (opening
    a store binds them to its own, and the first store's transactions must meet its queries)."""
    previous = corpus_db.database.obj
    other = Store.open(url)
    try:
        yield other
    finally:
        other.close()
        if previous is not None:
            corpus_db.database.initialize(previous)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    """A PostgreSQL cluster started once for the session; skips without one, except on CI."""
    server = pg.start()
    if isinstance(server, str):
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests must run on CI, but the server did not start: {server}")
        pytest.skip(f"PostgreSQL unavailable: {server}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database, dropped after the test.

    Tests that ask for it directly should carry ``@pytest.mark.postgres``.
    """
    name = f"test_{next(_database_numbers)}"
    url = pg_server.create_database(name)
    yield url
    close_bound_database()
    pg_server.drop_database(name)


def corpus_url(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> str:
    """Where a fresh corpus lives on ``engine``: a file (never :memory:, threads need a file)
    or a new PostgreSQL database."""
    if engine == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return str(tmp_path / "corpus.db")


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A new corpus on each engine, with the shipped default schema set."""
    url = corpus_url(request, request.param, tmp_path)
    close_bound_database()
    opened = Store.open(url)
    try:
        opened.set_schema(shipped_schema())
        yield opened
    finally:
        opened.close()
