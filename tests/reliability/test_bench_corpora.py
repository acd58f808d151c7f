"""The browser and copy benchmarks build their corpora by raw inserts into a corpus of the
current schema: a schema change that breaks them shows here, not at the next ``make bench``."""

from __future__ import annotations

import sqlite3
from types import ModuleType

import pytest

from bench import browser, copy
from tests.conftest import close_bound_database


@pytest.mark.parametrize("bench", [browser, copy], ids=["browser", "copy"])
def test_a_benchmark_corpus_builds_on_the_current_schema(tmp_path, bench: ModuleType):
    path = tmp_path / "corpus.db"
    close_bound_database()
    bench.build_corpus(path, 2000)
    close_bound_database()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT COUNT(*) FROM document").fetchone() == (2000,)
        assert conn.execute("SELECT COUNT(*) FROM span").fetchone()[0] > 0
        found = conn.execute("SELECT rowid FROM document_fts WHERE document_fts MATCH 'the'")
        assert found.fetchone() is not None  # indexed for search
