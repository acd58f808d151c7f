"""Undoing a span's deletion on both engines: span_state then restore_span bring back the span,
its relations and its event roles with their ids, and later additions never collide with them."""

from __future__ import annotations

import pytest

from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from corpus.models import EventRole
from corpus.store import Store

TEXT = "Russian jets struck al-Bab on Wednesday, and Turkish artillery shelled the town."


def at(needle: str, label: str, **attributes: object) -> Span:
    """A ``label`` span over the first ``needle`` in TEXT."""
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


@pytest.fixture
def doc_id(store: Store) -> int:
    """A document of TEXT."""
    return store.add_document(Document(text=TEXT)).id


def test_restore_brings_back_the_span_its_relations_and_event_roles(
    store: Store, doc_id: int
) -> None:
    russian = store.add_span(doc_id, "alice", at("Russian", "Actor", category="state_force"))
    jets = store.add_span(doc_id, "alice", at("jets", "WeaponSystem"))
    struck = store.add_span(doc_id, "alice", at("struck", "Attack"))
    town = store.add_span(doc_id, "alice", at("al-Bab", "Location", type="city"))
    uses = store.add_relation(Relation("uses", russian, jets))
    store.add_relation(Relation("located_at", struck, town))
    attack = store.add_event(
        Event("Attack", struck, (("attacker", russian), ("instrument", jets), ("place", town)))
    )
    before_spans = store.spans(doc_id)
    before_relations = store.relations(doc_id)
    before_events = store.events(doc_id)
    role_ids = sorted(EventRole.select(EventRole.id).scalars())

    state = store.span_state(russian)
    assert (state.id, state.document, state.annotator) == (russian, doc_id, "alice")
    assert state.span == at("Russian", "Actor", category="state_force")
    assert [r.id for r in state.relations] == [uses]
    assert [(r.event, r.role, r.span) for r in state.roles] == [(attack, "attacker", russian)]

    store.delete_span(russian)
    assert russian not in [s.id for s in store.spans(doc_id)]
    assert uses not in [r.id for r in store.relations(doc_id)]

    store.restore_span(state)
    assert store.spans(doc_id) == before_spans  # same ids, values and timestamps
    assert store.relations(doc_id) == before_relations
    assert store.events(doc_id) == before_events
    assert sorted(EventRole.select(EventRole.id).scalars()) == role_ids


def test_restoring_a_trigger_brings_back_its_event_with_every_role(
    store: Store, doc_id: int
) -> None:
    russian = store.add_span(doc_id, "alice", at("Russian", "Actor"))
    struck = store.add_span(doc_id, "alice", at("struck", "Attack"))
    town = store.add_span(doc_id, "alice", at("al-Bab", "Location"))
    store.add_event(Event("Attack", struck, (("attacker", russian), ("place", town))))
    before = store.events(doc_id)
    state = store.span_state(struck)
    store.delete_span(struck)
    assert store.events(doc_id) == []
    store.restore_span(state)
    assert store.events(doc_id) == before


def test_links_to_spans_deleted_meanwhile_stay_deleted(store: Store, doc_id: int) -> None:
    russian = store.add_span(doc_id, "alice", at("Russian", "Actor"))
    jets = store.add_span(doc_id, "alice", at("jets", "WeaponSystem"))
    store.add_relation(Relation("uses", russian, jets))
    state = store.span_state(russian)
    store.delete_span(russian)
    store.delete_span(jets)
    store.restore_span(state)
    assert [s.id for s in store.spans(doc_id)] == [russian]
    assert store.relations(doc_id) == []


def test_later_spans_never_take_a_restored_id(store: Store, doc_id: int) -> None:
    """Restored ids were issued before: the PostgreSQL sequence is past them already."""
    first = store.add_span(doc_id, "alice", at("Russian", "Actor"))
    second = store.add_span(doc_id, "alice", at("jets", "WeaponSystem"))
    state = store.span_state(first)
    store.delete_span(first)
    store.restore_span(state)
    third = store.add_span(doc_id, "alice", at("struck", "Attack"))
    fourth = store.add_span(doc_id, "bob", at("Turkish", "Actor"))
    assert len({first, second, third, fourth}) == 4
    assert third > second and fourth > third
    assert sorted(s.id for s in store.spans(doc_id)) == [first, second, third, fourth]


def test_restoring_twice_or_an_unknown_span_is_refused(store: Store, doc_id: int) -> None:
    span_id = store.add_span(doc_id, "alice", at("Russian", "Actor"))
    state = store.span_state(span_id)
    with pytest.raises(AnnotatorError, match="exists already"):
        store.restore_span(state)  # not deleted
    with pytest.raises(AnnotatorError, match="no span"):
        store.span_state(span_id + 100)
    assert [s.id for s in store.spans(doc_id)] == [span_id]


def test_a_taken_id_is_refused_and_nothing_changes(store: Store, doc_id: int) -> None:
    """On SQLite the highest deleted id may be issued again; restoring it then fails cleanly."""
    span_id = store.add_span(doc_id, "alice", at("Russian", "Actor"))
    state = store.span_state(span_id)
    store.delete_span(span_id)
    other = store.add_span(doc_id, "bob", at("Turkish", "Actor"))
    if other != span_id:
        pytest.skip("this engine never reissues ids")
    with pytest.raises(AnnotatorError, match="exists already"):
        store.restore_span(state)
    assert [(s.id, s.annotator) for s in store.spans(doc_id)] == [(other, "bob")]
