"""A team corpus whose PostgreSQL server restarts under it: the store connects again by itself,
an edit made while the server is down is refused in one clear line (never half saved), and
every edit acknowledged before the restart is still there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from annotator.document import Document, Span
from corpus.db import ConnectionLost
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import close_bound_database

pytestmark = pytest.mark.postgres

TEXT = "Rebels shelled Idlib on Monday; two civilians were killed."


@pytest.fixture
def team(pg_server, pg_url) -> Iterator[tuple[Store, int]]:
    close_bound_database()
    store = Store.open(pg_url)
    store.set_schema(shipped_schema())
    doc = store.add_document(Document(text=TEXT, title="one")).id
    yield store, doc
    store.close()
    close_bound_database()


def labels(store: Store, doc: int) -> list[str]:
    return [s.span.label for s in store.spans(doc, "alice")]


def test_the_store_reconnects_after_the_server_restarted(team, pg_server) -> None:
    store, doc = team
    store.add_span(doc, "alice", Span(0, 6, "Actor"))
    pg_server.pause()
    try:
        with pytest.raises(ConnectionLost, match="the change was not saved") as refused:
            store.add_span(doc, "alice", Span(7, 14, "Attack"))
        assert "\n" not in str(refused.value)
    finally:
        pg_server.resume()
    # the next edit and read connect again by themselves
    span_id = store.add_span(doc, "alice", Span(15, 20, "Location"))
    assert labels(store, doc) == ["Actor", "Location"]
    store.update_span(span_id, Span(15, 20, "Location", {"type": "city"}))
    assert dict(store.spans(doc, "alice")[1].span.attributes) == {"type": "city"}


def test_a_change_cut_off_mid_transaction_is_not_half_saved(team, pg_server) -> None:
    store, doc = team
    spans = [Span(0, 6, "Actor"), Span(7, 14, "Attack"), Span(15, 20, "Location")]
    original = store.add_spans
    calls = []

    def add_spans_then_crash(doc_id, annotator, batch):
        calls.append(len(batch))
        ids = original(doc_id, annotator, batch[:1])  # committed: a change of its own
        with store.db.atomic():
            store.add_span(doc_id, annotator, batch[1])
            pg_server.pause()  # the server goes away before this transaction commits
            store.add_span(doc_id, annotator, batch[2])
        return ids

    try:
        with pytest.raises(ConnectionLost):
            add_spans_then_crash(doc, "alice", spans)
    finally:
        pg_server.resume()
    assert calls == [3]
    assert labels(store, doc) == ["Actor"]  # the interrupted transaction left nothing
