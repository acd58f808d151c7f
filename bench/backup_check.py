"""``python -m bench.backup_check [--runs 50] [--docs 500] [--engine sqlite|postgres|both]``:
the backup experiments of tests/corpus/test_backup.py repeated, with a table of what held.

Each run, on each engine, takes two backups of a corpus of ``--docs`` documents (three spans
each) with ``corpus.backup.backup``:

- **while written**: a thread keeps adding documents with their three spans, one transaction
  each; the backup, restored into a fresh corpus, must hold at least the documents committed
  before it started, fewer than the writer's total, and three spans on every one of them;
- **round trip**: the quiet corpus backed up, changed (a document added, a span deleted),
  restored in place with ``corpus.backup.restore``: documents, texts and spans must equal what
  they were.

PostgreSQL runs on a throwaway cluster (bench/pg_cluster.py). Prints one line per engine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.document import Document, Span
from corpus import db as corpus_db
from corpus.backup import backup, restore
from corpus.resources import shipped_schema
from corpus.store import Store

SPANS = 3


def _close_bound() -> None:
    bound = corpus_db.database.obj
    if bound is not None and not bound.is_closed():
        bound.close()


def _open(url: str) -> Store:
    _close_bound()
    return Store.open(url)


def _add(store: Store, n: int) -> int:
    with store.db.atomic():
        doc_id = store.add_document(
            Document(text=f"Report {n}: shelling near town number {n} at dawn, officials said.")
        ).id
        store.add_spans(doc_id, "alice", [Span(i, i + 6, "Actor") for i in range(SPANS)])
    return doc_id


def _snapshot(store: Store) -> tuple[Any, ...]:
    docs = list(store.documents())
    return docs, [store.document(d.id).text for d in docs], [store.spans(d.id) for d in docs]


def _while_written(url: str, fresh: Callable[[], str], folder: Path, n0: int) -> dict[str, Any]:
    """One backup taken while a thread writes; what the restored copy holds."""
    store = _open(url)
    base = store.count_documents()
    written: list[int] = []
    stop = threading.Event()

    def writer() -> None:
        try:
            n = n0
            while not stop.is_set():
                n += 1
                written.append(_add(store, n))
        finally:
            store.db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5:
        time.sleep(0.005)
    before = len(written)
    started = time.perf_counter()
    made = backup(store, folder / f"during-{n0}.bak")
    seconds = time.perf_counter() - started
    while len(written) < before + 5:
        time.sleep(0.005)
    stop.set()
    thread.join()
    target = fresh()
    restore(target, made)
    copy = _open(target)
    try:
        docs = list(copy.documents())
        total = _open_count(url)
        ok = base + before <= len(docs) < total and {d.span_count for d in docs} == {SPANS}
    finally:
        copy.close()
    return {"ok": ok, "backup_s": seconds}


def _open_count(url: str) -> int:
    store = _open(url)
    try:
        return store.count_documents()
    finally:
        store.close()


def _round_trip(url: str, folder: Path, n: int) -> dict[str, Any]:
    """Backup, change, restore in place: equal to before?"""
    store = _open(url)
    before = _snapshot(store)
    made = backup(store, folder / f"quiet-{n}.bak")
    _add(store, 10_000_000 + n)
    store.delete_span(store.spans(before[0][0].id)[0].id)
    store.close()
    started = time.perf_counter()
    restore(url, made)
    seconds = time.perf_counter() - started
    again = _open(url)
    try:
        return {"ok": _snapshot(again) == before, "restore_s": seconds}
    finally:
        again.close()


def run_engine(engine: str, runs: int, docs: int, folder: Path) -> str:
    """The experiments on one engine; the table line."""
    cluster_cm: Any = None
    if engine == "postgres":
        from bench.pg_cluster import cluster

        cluster_cm = cluster("backup_check")
        pg = cluster_cm.__enter__()
        url = pg.fresh()[1]

        def fresh() -> str:
            return str(pg.fresh()[1])
    else:
        url = str(folder / "corpus.db")
        numbers = iter(range(1, 10**6))

        def fresh() -> str:
            return str(folder / f"copy-{next(numbers)}.db")

    try:
        store = _open(url)
        store.set_schema(shipped_schema())
        for n in range(docs):
            _add(store, n)
        store.close()
        during, trips = [], []
        for r in range(runs):
            during.append(_while_written(url, fresh, folder, docs + r * 100_000))
            # the writer's documents stay: each run's corpus is a little larger
            trips.append(_round_trip(url, folder, r))
    finally:
        _close_bound()
        if cluster_cm is not None:
            cluster_cm.__exit__(None, None, None)
    backup_ms = statistics.median(d["backup_s"] for d in during) * 1000
    restore_ms = statistics.median(t["restore_s"] for t in trips) * 1000
    return (
        f"{engine:<9} runs {runs:>3}  consistent while written {sum(d['ok'] for d in during):>3}"
        f"  round trips equal {sum(t['ok'] for t in trips):>3}"
        f"  backup median {backup_ms:.0f} ms  restore median {restore_ms:.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backup_check", description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args(argv)
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    with tempfile.TemporaryDirectory(prefix="backup-check-") as tmp:
        for engine in engines:
            folder = Path(tmp) / engine
            folder.mkdir()
            print(run_engine(engine, args.runs, args.docs, folder), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
