"""Stored suggestions (corpus/suggestions.py), on both engines: never a duplicate of or an
overlap with a human span of the same label, rejected ones never come back, accepting makes
ordinary spans of the annotator, and undoing an accept or a rejection puts everything back."""

from __future__ import annotations

import pytest

from annotator.document import Document, Span, Status
from annotator.errors import AnnotatorError
from annotator.suggest.model import Suggestion
from corpus.store import Store

TEXT = "Russian jets struck al-Bab on Wednesday, killing nine civilians near the old market."


def at(needle: str, label: str, source: str = "test", **attributes: object) -> Suggestion:
    start = TEXT.index(needle)
    return Suggestion(start, start + len(needle), label, attributes, source)  # type: ignore[arg-type]


JETS = at("jets", "WeaponSystem", category="aircraft")
TOWN = at("al-Bab", "Location", type="city", latitude=36.37, longitude=37.52, geonames_id=174018)
DEAD = at("killing nine civilians", "Casualty", count=9, kind="killed", group="civilian")
MARKET = at("old market", "Location")


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(Document(text=TEXT, title="Strike")).id


def shown(store: Store, doc_id: int, who: str = "alice") -> list[tuple[str, str]]:
    return [(TEXT[s.start : s.end], s.label) for s in store.suggestions(doc_id, who)]


def test_saved_suggestions_are_shown_in_text_order(store: Store, doc_id: int) -> None:
    assert store.save_suggestions(doc_id, "alice", [TOWN, JETS, DEAD]) == 3
    assert shown(store, doc_id) == [
        ("jets", "WeaponSystem"),
        ("al-Bab", "Location"),
        ("killing nine civilians", "Casualty"),
    ]
    town = store.suggestions(doc_id, "alice")[1]
    assert dict(town.attributes)["geonames_id"] == 174018
    assert shown(store, doc_id, "bob") == []  # suggestions are per annotator
    assert store.spans(doc_id) == []  # and are not spans
    assert store.status(doc_id, "alice") == Status.NEW


def test_no_suggestion_duplicates_or_overlaps_a_human_span(store: Store, doc_id: int) -> None:
    store.add_span(doc_id, "alice", JETS.as_span())
    store.add_span(doc_id, "alice", Span(TOWN.start, TOWN.end, "Actor"))  # same range, other label
    nine = TEXT.index("nine")
    store.add_span(doc_id, "alice", Span(nine, nine + 4, "Casualty"))  # overlaps DEAD
    assert store.save_suggestions(doc_id, "alice", [JETS, TOWN, DEAD, MARKET]) == 1
    assert shown(store, doc_id) == [("old market", "Location")]
    # a span made after the suggestions were stored hides the one it clashes with
    store.add_span(doc_id, "alice", Span(MARKET.start, MARKET.end - 3, "Location"))
    assert shown(store, doc_id) == []


def test_overlapping_suggestions_of_one_label_keep_the_first_longest(
    store: Store, doc_id: int
) -> None:
    jets = at("Russian jets", "WeaponSystem")
    actor = at("Russian", "Actor")
    assert store.save_suggestions(doc_id, "alice", [JETS, jets, actor, jets]) == 2
    assert shown(store, doc_id) == [("Russian jets", "WeaponSystem"), ("Russian", "Actor")]


def test_saving_again_replaces_pending_but_never_brings_back_a_rejected_one(
    store: Store, doc_id: int
) -> None:
    store.save_suggestions(doc_id, "alice", [JETS, TOWN])
    jets = store.suggestions(doc_id, "alice")[0]
    assert store.reject_suggestions([jets.id]) == [jets.id]
    assert shown(store, doc_id) == [("al-Bab", "Location")]
    assert store.save_suggestions(doc_id, "alice", [JETS, DEAD]) == 1
    assert shown(store, doc_id) == [("killing nine civilians", "Casualty")]
    # undoing the rejection makes it pending again
    assert store.reject_suggestions([jets.id], rejected=False) == [jets.id]
    assert ("jets", "WeaponSystem") in shown(store, doc_id)


def test_accepting_makes_spans_and_undo_redo_keep_ids(store: Store, doc_id: int) -> None:
    store.save_suggestions(doc_id, "alice", [JETS, TOWN, DEAD])
    pending = store.suggestions(doc_id, "alice")
    accepted = store.accept_suggestions([pending[0].id, pending[2].id])
    spans = store.spans(doc_id, "alice")
    assert [s.id for s in spans] == accepted.span_ids
    assert [s.span for s in spans] == [JETS.as_span(), DEAD.as_span()]
    assert dict(spans[1].span.attributes) == {"count": 9, "kind": "killed", "group": "civilian"}
    assert store.status(doc_id, "alice") == Status.IN_PROGRESS
    assert shown(store, doc_id) == [("al-Bab", "Location")]
    # undo: the spans go, the suggestions come back with their ids
    states = store.delete_spans(accepted.span_ids)
    store.restore_suggestions(accepted.rows)
    assert [s.id for s in store.suggestions(doc_id, "alice")] == [p.id for p in pending]
    # redo: the same spans, the suggestions gone again
    store.restore_spans(states)
    store.drop_suggestions([r.id for r in accepted.rows])
    assert [s.id for s in store.spans(doc_id, "alice")] == accepted.span_ids
    assert shown(store, doc_id) == [("al-Bab", "Location")]


def test_accept_keeps_only_attribute_values_the_schema_takes(store: Store, doc_id: int) -> None:
    odd = at("al-Bab", "Location", type="planet", latitude=36.4, population=5)
    store.save_suggestions(doc_id, "alice", [odd])
    store.accept_suggestions([s.id for s in store.suggestions(doc_id, "alice")])
    assert dict(store.spans(doc_id, "alice")[0].span.attributes) == {"latitude": 36.4}


def test_a_locked_set_gets_no_suggestions_and_refuses_rejections(store: Store, doc_id: int) -> None:
    store.save_suggestions(doc_id, "alice", [JETS])
    jets = store.suggestions(doc_id, "alice")[0]
    store.set_status(doc_id, "alice", Status.LOCKED)
    assert store.save_suggestions(doc_id, "alice", [TOWN]) == 0
    with pytest.raises(AnnotatorError, match="locked"):
        store.reject_suggestions([jets.id])
    with pytest.raises(AnnotatorError, match="locked"):
        store.accept_suggestions([jets.id])
    assert store.spans(doc_id) == []


def test_learned_terms_carry_the_most_frequent_attributes(store: Store, doc_id: int) -> None:
    other = store.add_document(Document(text="Jets again. " + TEXT, title="Again")).id
    store.add_span(doc_id, "alice", JETS.as_span())
    store.add_span(doc_id, "bob", Span(JETS.start, JETS.end, "WeaponSystem", {"category": "other"}))
    start = 12 + JETS.start
    store.add_span(other, "bob", Span(start, start + 4, "WeaponSystem", {"category": "aircraft"}))
    store.add_span(other, "bob", Span(0, 4, "WeaponSystem"))  # "Jets": another text
    terms = {(t.text, t.label): dict(t.attributes) for t in store.learned_terms()}
    assert terms == {
        ("jets", "WeaponSystem"): {"category": "aircraft"},
        ("Jets", "WeaponSystem"): {},
    }
