"""The large generated corpora that benchmarks keep in ``bench/.cache``: where one lives, built
once (a partial build never mistaken for a whole one), and the raw bulk insert that fills it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parent / ".cache"  # git-ignored


def corpus_path(kind: str, version: int, n: int) -> Path:
    """Where the cached ``kind`` corpus of ``n`` documents lives: named by its generator's
    ``version`` and the store's schema version (an older corpus would be migrated when opened)."""
    from corpus.migrations import LATEST

    return CACHE / f"{kind}-v{version}-s{LATEST}-{n}.db"


def ensure_corpus(
    kind: str, version: int, n: int, build: Callable[[Path, int], None]
) -> tuple[Path, float | None]:
    """The cached ``kind`` corpus of ``n`` documents, built by ``build(path, n)`` first if
    missing (removing older versions of it); with its build seconds (None when it was there)."""
    path = corpus_path(kind, version, n)
    if path.exists():
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"{kind}-v*-{n}.db"):
        stale.unlink()
    partial = path.with_name(path.name + ".building")
    for leftover in CACHE.glob(partial.name + "*"):  # an interrupted build
        leftover.unlink()
    started = time.perf_counter()
    build(partial, n)
    partial.rename(path)  # the build closed its connection: no -wal or -shm file is left
    return path, time.perf_counter() - started


@contextmanager
def bulk_insert(
    store: Any, collections: Sequence[str], annotators: Sequence[tuple[str, str]], now: str
) -> Iterator[tuple[Any, list[int]]]:
    """One transaction of raw inserts into ``store``'s corpus, its collections and annotators
    (name, role) put in first: yields the cursor and the list of document ids to index, which
    the store's deferred indexing indexes at the end; then checkpoints and closes the store."""
    from corpus import search

    db = store.db
    db.execute_sql("PRAGMA cache_size = -262144")  # this connection only: the build's indexes
    try:
        with db.atomic(), search.deferred_indexing(db) as indexed:
            cursor = db.cursor()
            cursor.executemany(
                'INSERT INTO "collection" ("id", "name", "created_at") VALUES (?, ?, ?)',
                [(i, name, now) for i, name in enumerate(collections, start=1)],
            )
            cursor.executemany(
                'INSERT INTO "annotator" ("id", "name", "role", "created_at") VALUES (?, ?, ?, ?)',
                [(i, name, role, now) for i, (name, role) in enumerate(annotators, start=1)],
            )
            yield cursor, indexed
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()
