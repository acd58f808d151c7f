"""A full disk during a write: SQLite gives the transaction up itself, the rollback that follows
fails, and the user must be told why the write failed, not that the rollback did."""

from __future__ import annotations

import peewee

from corpus.db import first_database_error
from ui.corpus_worker import one_line_error


def _failed_rollback() -> peewee.OperationalError:
    try:
        try:
            raise peewee.OperationalError("database or disk is full")
        except peewee.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except peewee.OperationalError as exc:
        return exc


def test_the_first_database_error_is_the_cause_not_the_rollback():
    exc = _failed_rollback()
    assert str(exc) == "cannot rollback - no transaction is active"
    assert str(first_database_error(exc)) == "database or disk is full"


def test_the_app_names_the_full_disk():
    assert (
        one_line_error(_failed_rollback()) == "cannot write to the corpus: database or disk is full"
    )


def test_a_lone_error_is_its_own_cause():
    error = peewee.IntegrityError("UNIQUE constraint failed")
    assert first_database_error(error) is error
