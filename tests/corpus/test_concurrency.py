"""Several annotators at once, in separate processes: an edit of a span someone changed since
it was read is refused with a clear message (optimistic versioning), never silently
overwritten, and what another process changes reaches a watcher without a restart."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError, EditConflict
from annotator.suggest.model import Suggestion
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


def _suggest(url: str, doc_id: int) -> None:
    store = Store.open(url)
    store.save_suggestions(doc_id, "bob", [Suggestion(15, 20, "Location")])
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


@pytest.mark.parametrize("change", [_add_span, _suggest])
def test_a_watcher_learns_what_another_process_changed(corpus, change):
    url, store = corpus
    store.set_status(1, "bob", "in_progress")  # bob's set is there: only the change notifies
    watcher = store.watch_changes()
    try:
        assert watcher.changed() == set()
        child = SPAWN.Process(target=change, args=(url, 1))
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


def _until_waiting(store: Store, second) -> None:
    """Until the ``second`` client waits for the first one's transaction: on PostgreSQL until
    the server says it waits for a lock (or it ends without waiting, as a missing lock lets
    it); SQLite's busy wait is not seen from outside, so there a pause of 1.5 s."""
    if not store.is_postgres:
        time.sleep(1.5)
        return
    waiters = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 60
    while second.is_alive() and time.monotonic() < deadline:
        if store.db.execute_sql(waiters).fetchone()[0]:
            return
        time.sleep(0.05)


# What one annotator adds twice at once from two clients, by name (child processes get names).
_ADDITIONS = {
    "span": lambda store: store.add_span(1, "alice", Span(0, 6, "Actor")),
    "link": lambda store: store.add_relation(Relation("uses", 1, 2)),
    "role": lambda store: store.add_event_role(1, "attacker", 1),
}


def _add_held(url: str, what: str, added, release) -> None:
    """In a child process: add ``what`` in a transaction held open until ``release``."""
    store = Store.open(url)
    with store.db.atomic():
        _ADDITIONS[what](store)
        added.set()
        release.wait(timeout=60)
    store.close()


def _add_again(url: str, what: str, results) -> None:
    store = Store.open(url)
    try:
        _ADDITIONS[what](store)
        results.put("saved")
    except AnnotatorError as exc:  # SQLite's check sees the first one, PostgreSQL's index
        results.put(str(exc))
    finally:
        store.close()


@pytest.mark.parametrize(
    ("what", "told"),
    [
        ("span", "the same Actor span (0..6)"),
        ("link", "'uses'"),
        ("role", "'attacker'"),
    ],
)
def test_one_addition_made_from_two_clients_at_once_is_stored_once(corpus, what, told):
    url, store = corpus
    actor = store.add_span(1, "alice", Span(0, 6, "Actor"))
    weapon = store.add_span(1, "alice", Span(7, 14, "WeaponSystem"))
    attack = store.add_span(1, "alice", Span(15, 21, "Attack"))
    store.add_event(Event("Attack", attack, ()))
    if what == "span":
        store.delete_span(actor)  # its set stays: both clients lock the set's row
    added, release, results = SPAWN.Event(), SPAWN.Event(), SPAWN.Queue()
    holder = SPAWN.Process(target=_add_held, args=(url, what, added, release))
    holder.start()
    assert added.wait(timeout=120)
    second = SPAWN.Process(target=_add_again, args=(url, what, results))
    second.start()
    _until_waiting(store, second)
    release.set()
    outcome = results.get(timeout=120)
    holder.join(timeout=60)
    second.join(timeout=60)
    assert outcome != "saved" and told in outcome, outcome
    spans = [(s.span.start, s.span.end) for s in store.spans(1)]
    assert spans == [(0, 6), (7, 14), (15, 21)]
    links = [(r.relation.head, r.relation.tail) for r in store.relations(1)]
    assert links == ([(actor, weapon)] if what == "link" else [])
    roles = [e.event.roles for e in store.events(1)]
    assert roles == [(("attacker", 1),) if what == "role" else ()]
