"""The store's spans on both engines: ids kept, per annotator in text order, invalid spans and
attributes refused, relations and events checked against the schema, and statuses."""

from __future__ import annotations

import pytest

from annotator.document import Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from corpus.models import EventRole
from corpus.models import Span as SpanRow
from corpus.store import Store
from tests.corpus.store_articles import ARTICLE, doc, span_at

# (annotator, word of ARTICLE, label) of spans that tests add
RUSSIA = ("alice", "Russia", "Actor")
JETS = ("alice", "jets", "WeaponSystem")
TOWN = ("alice", "al-Bab", "Location")
STRUCK = ("alice", "struck", "Attack")
BOBS = ("bob", "Moscow", "Actor")


def article_with(store: Store, *spans: tuple[str, str, str]) -> tuple[int, list[int]]:
    """A new document of ARTICLE with ``spans``, each (annotator, word, label): its id and
    theirs."""
    doc_id = store.add_document(doc(ARTICLE)).id
    return doc_id, [
        store.add_span(doc_id, who, span_at(ARTICLE, w, label)) for who, w, label in spans
    ]


# -- spans ---------------------------------------------------------------------------------------


def test_span_add_update_delete_keep_ids(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    russia = span_at(ARTICLE, "Russia", "Actor", category="state_force")
    jets = span_at(ARTICLE, "jets", "WeaponSystem", category="aircraft")
    russia_id = store.add_span(doc_id, "alice", russia)
    jets_id = store.add_span(doc_id, "alice", jets)
    assert russia_id != jets_id
    assert [(s.id, s.span) for s in store.spans(doc_id)] == [(russia_id, russia), (jets_id, jets)]

    moved = Span(jets.start, jets.end + 1, "WeaponSystem", {"category": "other"}, note="sic")
    store.update_span(jets_id, moved)
    [_, stored] = store.spans(doc_id)
    assert (stored.id, stored.span, stored.annotator) == (jets_id, moved, "alice")
    assert stored.updated_at >= stored.created_at

    store.delete_span(russia_id)
    assert [(s.id, s.span) for s in store.spans(doc_id)] == [(jets_id, moved)]
    with pytest.raises(AnnotatorError, match="no span"):
        store.update_span(russia_id, russia)


def test_spans_are_per_annotator_in_text_order(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    late = store.add_span(doc_id, "bob", span_at(ARTICLE, "Ankara", "Actor"))
    early = store.add_span(doc_id, "alice", span_at(ARTICLE, "Moscow", "Actor"))
    earliest = store.add_span(doc_id, "bob", span_at(ARTICLE, "Russia", "Actor"))
    assert [s.id for s in store.spans(doc_id)] == [earliest, early, late]
    assert [s.id for s in store.spans(doc_id, "bob")] == [earliest, late]
    assert [s.annotator for s in store.spans(doc_id)] == ["bob", "alice", "bob"]
    assert store.spans(doc_id, "carol") == []


BAD_SPANS = {
    "past the end": Span(len(ARTICLE) - 2, len(ARTICLE) + 1, "Actor"),
    "far past the end": Span(len(ARTICLE) + 10, len(ARTICLE) + 20, "Actor"),
    "unknown label": Span(0, 6, "Person"),
    "unknown attribute": Span(0, 6, "Actor", {"colour": "red"}),
    "enum value": Span(0, 6, "Actor", {"category": "army"}),
    "enum given a number": Span(0, 6, "Actor", {"category": 3}),
    "float given text": Span(0, 6, "Location", {"latitude": "north"}),
    "float out of range": Span(0, 6, "Location", {"latitude": 90.5}),
    "float below range": Span(0, 6, "Location", {"longitude": -180.01}),
    "integer given a float": Span(0, 6, "Casualty", {"count": 2.5}),
    "integer given a bool": Span(0, 6, "Casualty", {"count": True}),
    "integer below minimum": Span(0, 6, "Casualty", {"count": -1}),
    "integer id below minimum": Span(0, 6, "Location", {"geonames_id": 0}),
}


@pytest.mark.parametrize("bad", BAD_SPANS.values(), ids=BAD_SPANS.keys())
def test_invalid_spans_are_refused_and_nothing_is_stored(store: Store, bad: Span) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    with pytest.raises(AnnotatorError):
        store.add_span(doc_id, "alice", bad)
    assert store.spans(doc_id) == []
    assert store.status(doc_id, "alice") == Status.NEW
    assert store.stats().spans == 0

    # Nor can an existing span be changed into it.
    good = span_at(ARTICLE, "Russia", "Actor", category="state_force")
    span_id = store.add_span(doc_id, "alice", good)
    with pytest.raises(AnnotatorError):
        store.update_span(span_id, bad)
    assert [(s.id, s.span) for s in store.spans(doc_id)] == [(span_id, good)]
    assert SpanRow.get_by_id(span_id).version == 1


def test_valid_attributes_round_trip(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    where = span_at(
        ARTICLE, "al-Bab", "Location", type="city", latitude=36.37, longitude=37.52, geonames_id=1
    )
    dead = span_at(ARTICLE, "three", "Casualty", count=3, kind="killed", group="civilian")
    for span in (where, dead):
        store.add_span(doc_id, "alice", span)
    stored = {s.span.label: s.span for s in store.spans(doc_id)}
    assert stored == {"Location": where, "Casualty": dead}
    assert isinstance(stored["Casualty"].attributes["count"], int)
    assert isinstance(stored["Location"].attributes["latitude"], float)


def test_deleting_a_span_deletes_its_relations_and_event_roles(store: Store) -> None:
    doc_id, (russia, jets, town, struck) = article_with(store, RUSSIA, JETS, TOWN, STRUCK)
    uses = store.add_relation(Relation("uses", russia, jets))
    at = store.add_relation(Relation("located_at", struck, town))
    attack = store.add_event(
        Event("Attack", struck, (("attacker", russia), ("instrument", jets), ("place", town)))
    )

    store.delete_span(jets)
    assert [r.id for r in store.relations(doc_id)] == [at]
    [event] = store.events(doc_id)
    assert event.id == attack
    assert event.event.roles == (("attacker", russia), ("place", town))
    assert EventRole.select().where(EventRole.span == jets).count() == 0

    # Deleting the trigger deletes the event with its roles, and its relations.
    store.delete_span(struck)
    assert store.events(doc_id) == []
    assert EventRole.select().count() == 0
    assert store.relations(doc_id) == []
    assert uses not in [r.id for r in store.relations(doc_id)]
    assert [s.id for s in store.spans(doc_id)] == [russia, town]


def test_status_goes_from_new_to_in_progress_on_the_first_span(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    assert store.status(doc_id, "alice") == Status.NEW
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    assert store.status(doc_id, "alice") == Status.IN_PROGRESS
    assert store.status(doc_id, "bob") == Status.NEW

    store.set_status(doc_id, "alice", Status.DONE)
    assert store.status(doc_id, "alice") == Status.DONE
    # Later spans do not reopen finished work.
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Ankara", "Actor"))
    assert store.status(doc_id, "alice") == Status.DONE

    store.set_status(doc_id, "bob", Status.REVIEWED)
    assert store.status(doc_id, "bob") == Status.REVIEWED
    assert store.spans(doc_id, "bob") == []


def test_unknown_status_is_refused(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    with pytest.raises(AnnotatorError, match="unknown status 'finished'"):
        store.set_status(doc_id, "alice", "finished")
    assert store.status(doc_id, "alice") == Status.NEW
    with pytest.raises(AnnotatorError, match="no document"):
        store.set_status(12345, "alice", Status.DONE)
    with pytest.raises(AnnotatorError, match="needs a name"):
        store.set_status(doc_id, "  ", Status.DONE)
    # A refused change leaves the connection usable (PostgreSQL aborts a failed transaction).
    store.set_status(doc_id, "alice", Status.DONE)
    assert store.status(doc_id, "alice") == Status.DONE


def test_relation_labels_are_enforced(store: Store) -> None:
    syria_span = ("alice", "Syria", "Location")
    doc_id, (russia, jets, syria, bobs) = article_with(store, RUSSIA, JETS, syria_span, BOBS)

    uses = store.add_relation(Relation("uses", russia, jets))
    at = store.add_relation(Relation("located_at", jets, syria))  # head "*" takes any label
    with pytest.raises(AnnotatorError, match="cannot link Location to Actor"):
        store.add_relation(Relation("uses", syria, russia))
    with pytest.raises(AnnotatorError, match="cannot link WeaponSystem to Actor"):
        store.add_relation(Relation("uses", jets, russia))
    with pytest.raises(AnnotatorError, match="not in the schema"):
        store.add_relation(Relation("owns", russia, jets))
    with pytest.raises(AnnotatorError, match="one annotator"):
        store.add_relation(Relation("uses", bobs, jets))
    with pytest.raises(AnnotatorError, match="no span"):
        store.add_relation(Relation("uses", russia, 99999))

    assert store.relations(doc_id) == store.relations(doc_id, "alice")
    assert [(r.id, r.relation) for r in store.relations(doc_id)] == [
        (uses, Relation("uses", russia, jets)),
        (at, Relation("located_at", jets, syria)),
    ]
    assert store.relations(doc_id, "bob") == []


def test_event_trigger_and_role_labels_are_enforced(store: Store) -> None:
    doc_id, spans = article_with(store, RUSSIA, JETS, TOWN, STRUCK, BOBS)
    russia, jets, town, struck, bobs = spans

    refused = {
        "must be a Attack span": Event("Attack", russia, (("attacker", russia),)),
        "takes WeaponSystem, not Location": Event("Attack", struck, (("instrument", town),)),
        "takes Location, not Actor": Event("Attack", struck, (("place", russia),)),
        "has no role 'weapon'": Event("Attack", struck, (("weapon", jets),)),
        "not in the schema": Event("Bombing", struck),
        "same annotator": Event("Attack", struck, (("attacker", bobs),)),
    }
    for message, event in refused.items():
        with pytest.raises(AnnotatorError, match=message):
            store.add_event(event)
    assert store.events(doc_id) == []

    roles = (("attacker", russia), ("target", town), ("instrument", jets), ("place", town))
    event_id = store.add_event(Event("Attack", struck, roles))
    [stored] = store.events(doc_id)
    assert (stored.id, stored.annotator, stored.event) == (
        event_id,
        "alice",
        Event("Attack", struck, roles),
    )
    assert store.events(doc_id, "bob") == []
