"""Several annotators at once, in separate processes: an edit of a span someone changed since
it was read is refused with a clear message (optimistic versioning), never silently
overwritten, and what another process changes reaches a watcher without a restart."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from annotator.document import Document, Span
from corpus.annotations import EditConflict
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import ENGINES, close_bound_database, corpus_url

SPAWN = multiprocessing.get_context("spawn")


def _relabel(url: str, span_id: int, version: int, label: str, barrier, results) -> None:
    """In a child process: wait for the others, then relabel the span from ``version``."""
    store = Store.open(url)
    span = next(s.span for s in store.spans(1) if s.id == span_id)
    barrier.wait(timeout=60)
    try:
        store.update_span(span_id, Span(span.start, span.end, label), expected_version=version)
        results.put((label, "saved"))
    except EditConflict as exc:
        results.put((label, str(exc)))
    finally:
        store.close()


def _add_span(url: str, doc_id: int) -> None:
    store = Store.open(url)
    store.add_span(doc_id, "bob", Span(0, 6, "Actor"))
    store.close()


@pytest.fixture(params=ENGINES)
def corpus(request, tmp_path):
    url = corpus_url(request, request.param, tmp_path)
    close_bound_database()
    store = Store.open(url)
    store.set_schema(shipped_schema())
    store.add_document(Document(text="Rebels shelled Idlib on Monday.", title="one"))
    yield url, store
    store.close()


def test_a_stale_update_is_refused_and_the_newer_edit_kept(corpus):
    _, store = corpus
    span_id = store.add_span(1, "alice", Span(0, 6, "Actor"))
    [read] = store.spans(1)
    assert read.version == 1
    assert store.update_span(span_id, Span(0, 6, "Location"), expected_version=1) == 2
    with pytest.raises(EditConflict, match="changed elsewhere"):
        store.update_span(span_id, Span(0, 7, "Actor"), expected_version=1)
    [now] = store.spans(1)
    assert (now.span.label, now.span.end, now.version) == ("Location", 6, 2)


def test_a_stale_delete_is_refused_and_a_deleted_span_reported(corpus):
    _, store = corpus
    span_id = store.add_span(1, "alice", Span(0, 6, "Actor"))
    store.update_span(span_id, Span(0, 6, "Location"))
    with pytest.raises(EditConflict, match="changed elsewhere"):
        store.delete_span(span_id, expected_version=1)
    store.delete_span(span_id, expected_version=2)
    with pytest.raises(EditConflict, match="deleted elsewhere"):
        store.update_span(span_id, Span(0, 6, "Actor"), expected_version=2)
    with pytest.raises(EditConflict, match="deleted elsewhere"):
        store.delete_span(span_id, expected_version=2)


def test_two_processes_relabelling_one_span_at_once_one_wins_one_is_told(corpus):
    url, store = corpus
    span_id = store.add_span(1, "alice", Span(0, 6, "Actor"))
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    workers = [
        SPAWN.Process(target=_relabel, args=(url, span_id, 1, label, barrier, results))
        for label in ("Location", "WeaponSystem")
    ]
    for worker in workers:
        worker.start()
    outcomes = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    saved = [label for label, outcome in outcomes.items() if outcome == "saved"]
    assert len(saved) == 1, outcomes
    [refused] = [outcome for outcome in outcomes.values() if outcome != "saved"]
    assert "changed elsewhere" in refused
    [stored] = store.spans(1)
    assert (stored.span.label, stored.version) == (saved[0], 2)


def test_a_watcher_learns_what_another_process_changed(corpus):
    url, store = corpus
    watcher = store.watch_changes()
    try:
        assert watcher.changed() == set()
        child = SPAWN.Process(target=_add_span, args=(url, 1))
        child.start()
        child.join(timeout=120)
        assert child.exitcode == 0
        seen: set[int] | None = set()
        deadline = time.monotonic() + 10
        while seen == set() and time.monotonic() < deadline:
            seen = watcher.changed()
            time.sleep(0.05)
        # PostgreSQL names the documents; SQLite knows only that something changed.
        assert seen == ({1} if store.is_postgres else None)
        assert watcher.changed() == set()
    finally:
        watcher.close()


def test_a_watcher_ignores_nothing_happening(corpus):
    _, store = corpus
    watcher = store.watch_changes()
    try:
        store.spans(1)
        assert watcher.changed() == set()
    finally:
        watcher.close()
