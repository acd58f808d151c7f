"""Curation (corpus/curation.py), on both engines: three annotators' spans grouped into agreed,
partial and conflicting candidates; accepting copies spans with their attributes, notes,
fragments, relations and events into the gold set, all or nothing, never twice; undoing takes
exactly those spans away; the gold set exports like any annotator's and is no coder in
agreement."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.document import Document, Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from annotator.schema_yaml import load_schema_text
from cli import main as cli_main
from corpus import resources
from corpus.agreement_data import agreement_document_ids, agreement_documents
from corpus.curation import GOLD, Kind, group_candidates
from corpus.store import Store
from tests.conftest import close_bound_database

TEXT = "Russian jets struck al-Bab on Wednesday, killing nine civilians near the old market."


def at(needle: str, label: str, **attributes: object) -> Span:
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


RUSSIAN = at("Russian", "Actor", category="state_force")
JETS = at("jets", "WeaponSystem", category="aircraft")
RUSSIAN_JETS = at("Russian jets", "WeaponSystem")
STRUCK = at("struck", "Attack")
TOWN = at("al-Bab", "Location", type="city")
TOWN_AS_ACTOR = at("al-Bab", "Actor")
DEAD = Span(
    TEXT.index("nine"),
    TEXT.index("civilians") + len("civilians"),
    "Casualty",
    {"count": 9, "kind": "killed"},
    "nine is the hospital's figure",
)
NEAR, MARKET = TEXT.index("near"), TEXT.index("market")
PLACE = Span(  # discontinuous: "near ... market"
    NEAR,
    MARKET + len("market"),
    "Location",
    {"type": "site"},
    fragments=((NEAR, NEAR + len("near")), (MARKET, MARKET + len("market"))),
)


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(Document(text=TEXT, title="Strike")).id


@pytest.fixture
def three(store: Store, doc_id: int) -> dict[str, dict[Span, int]]:
    """Alice, bob and carol's spans (ids by span): they all marked Russian; alice and bob the
    jets, carol 'Russian jets'; alice al-Bab as a Location, bob as an Actor; only alice the
    dead, the place and links (Russian uses jets; an Attack on struck by Russian)."""
    marked = {
        "alice": [RUSSIAN, JETS, STRUCK, TOWN, DEAD, PLACE],
        "bob": [RUSSIAN, JETS, TOWN_AS_ACTOR],
        "carol": [RUSSIAN, RUSSIAN_JETS],
    }
    ids = {
        name: dict(zip(spans, store.add_annotation_set(doc_id, name, spans), strict=True))
        for name, spans in marked.items()
    }
    alice = ids["alice"]
    store.add_relation(Relation("uses", alice[RUSSIAN], alice[JETS]))
    store.add_event(Event("Attack", alice[STRUCK], (("attacker", alice[RUSSIAN]),)))
    return ids


def gold_spans(store: Store, doc_id: int) -> dict[int, Span]:
    return {s.id: s.span for s in store.spans(doc_id, GOLD)}


def candidate(store: Store, doc_id: int, span: Span):
    return next(
        c
        for c in store.curation(doc_id).candidates
        if (c.start, c.end, c.label) == (span.start, span.end, span.label)
    )


def test_spans_group_into_agreed_partial_and_conflicting_candidates(store, doc_id, three):
    curation = store.curation(doc_id)
    assert curation.annotators == ("alice", "bob", "carol")
    kinds = {(TEXT[c.start : c.end], c.label): (c.kind, c.holders) for c in curation.candidates}
    expected = {
        ("Russian", "Actor"): (Kind.AGREED, ("alice", "bob", "carol")),
        ("Russian jets", "WeaponSystem"): (Kind.CONFLICT, ("carol",)),
        ("jets", "WeaponSystem"): (Kind.CONFLICT, ("alice", "bob")),
        ("struck", "Attack"): (Kind.PARTIAL, ("alice",)),
        ("al-Bab", "Location"): (Kind.CONFLICT, ("alice",)),  # same offsets, another label
        ("al-Bab", "Actor"): (Kind.CONFLICT, ("bob",)),
        (TEXT[DEAD.start : DEAD.end], "Casualty"): (Kind.PARTIAL, ("alice",)),
        (TEXT[PLACE.start : PLACE.end], "Location"): (Kind.PARTIAL, ("alice",)),
    }
    assert kinds == expected
    # text order, the longer of two at one start first
    assert [(c.start, -c.end) for c in curation.candidates] == sorted(
        (c.start, -c.end) for c in curation.candidates
    )
    jets = candidate(store, doc_id, JETS)
    assert jets.rival_support == 1  # carol alone marked 'Russian jets'
    assert [v.span for v in jets.marks_of("carol")] == [RUSSIAN_JETS]
    town = candidate(store, doc_id, TOWN)
    assert [v.span for v in town.marks_of("bob")] == [TOWN_AS_ACTOR]  # the other label
    assert town.marks_of("carol") == ()  # carol marked nothing there
    assert candidate(store, doc_id, RUSSIAN).versions_by_count()[0].span == RUSSIAN


def test_nested_spans_that_the_same_annotators_marked_are_no_conflict() -> None:
    outer = at("Russian jets", "WeaponSystem")
    candidates = group_candidates(
        [("alice", [(1, outer), (2, RUSSIAN)]), ("bob", [(3, outer), (4, RUSSIAN)])]
    )
    assert [c.kind for c in candidates] == [Kind.AGREED, Kind.AGREED]
    # bob left the weapon out but agreed on the actor: the weapon is partial, not a conflict
    candidates = group_candidates([("alice", [(1, outer), (2, RUSSIAN)]), ("bob", [(4, RUSSIAN)])])
    assert [(c.label, c.kind) for c in candidates] == [
        ("WeaponSystem", Kind.PARTIAL),
        ("Actor", Kind.AGREED),
    ]
    # the version most annotators gave comes first
    plain = at("Russian", "Actor")
    [actor] = group_candidates(
        [("alice", [(1, RUSSIAN)]), ("bob", [(2, plain)]), ("carol", [(3, plain)])]
    )
    assert actor.versions_differ
    assert [v.annotator for v in actor.versions_by_count()] == ["bob", "carol", "alice"]
    # a gold span no annotator marked is a candidate of its own
    [only] = group_candidates([], [(9, STRUCK)])
    assert (only.kind, only.gold_id, only.versions) == (Kind.GOLD_ONLY, 9, ())


def test_an_annotator_who_finished_without_a_span_counts(store, doc_id):
    store.add_span(doc_id, "alice", RUSSIAN)
    store.set_status(doc_id, "bob", Status.DONE)  # looked and found nothing
    store.set_status(doc_id, "carol", Status.IN_PROGRESS)  # not yet: no annotator
    curation = store.curation(doc_id)
    assert curation.annotators == ("alice", "bob")
    assert [c.kind for c in curation.candidates] == [Kind.PARTIAL]


def test_accepting_copies_attributes_notes_fragments_and_links(store, doc_id, three):
    alice = three["alice"]
    accepted = store.accept_spans(doc_id, [alice[RUSSIAN], alice[DEAD], alice[PLACE]])
    gold = gold_spans(store, doc_id)
    assert sorted(gold.values(), key=lambda s: s.start) == [RUSSIAN, DEAD, PLACE]
    assert dict(zip(accepted.ids, accepted.spans, strict=True)) == gold
    assert store.status(doc_id, GOLD) == Status.IN_PROGRESS
    assert store.relations(doc_id, GOLD) == []  # jets is not in the gold set yet
    assert store.events(doc_id, GOLD) == []

    store.accept_spans(doc_id, [alice[JETS], alice[STRUCK]])  # the other ends come in
    gold_id = {span: i for i, span in gold_spans(store, doc_id).items()}
    assert [r.relation for r in store.relations(doc_id, GOLD)] == [
        Relation("uses", gold_id[RUSSIAN], gold_id[JETS])
    ]
    assert [e.event for e in store.events(doc_id, GOLD)] == [
        Event("Attack", gold_id[STRUCK], (("attacker", gold_id[RUSSIAN]),))
    ]
    assert len(store.relations(doc_id, "alice")) == 1  # alice's own links stay


def test_a_role_joins_the_gold_event_when_its_filler_comes_later(store, doc_id, three):
    alice = three["alice"]
    store.accept_spans(doc_id, [alice[STRUCK]])
    [event] = store.events(doc_id, GOLD)
    assert event.event.roles == ()  # the attacker is not in the gold set yet
    accepted = store.accept_spans(doc_id, [alice[RUSSIAN]])
    [again] = store.events(doc_id, GOLD)
    assert again.event.roles == (("attacker", accepted.ids[0]),)
    store.undo_acceptance(accepted)  # the role goes with its filler, the event stays
    assert [e.event.roles for e in store.events(doc_id, GOLD)] == [()]


def test_accepting_is_all_or_nothing(store, doc_id, three):
    alice, bob = three["alice"], three["bob"]
    [kept] = store.accept_spans(doc_id, [alice[TOWN]]).ids
    # al-Bab's type 'city' is no longer allowed: the whole acceptance fails, the gold span it
    # was to replace comes back, and Russian is not added either
    text = resources.shipped_schema_text().replace(
        "values: [country, region, city, village, site, other]", "values: [country, region]"
    )
    store.set_schema(load_schema_text(text), text)
    with pytest.raises(AnnotatorError, match="type"):
        store.accept_spans(doc_id, [bob[RUSSIAN], alice[TOWN]], replacing=[kept])
    assert gold_spans(store, doc_id) == {kept: TOWN}
    with pytest.raises(AnnotatorError, match=f"span {kept} is no annotator's span"):
        store.accept_spans(doc_id, [bob[RUSSIAN], kept])  # a gold span is no candidate
    other = store.add_document(Document(text="Another article.")).id
    with pytest.raises(AnnotatorError, match=f"span {bob[RUSSIAN]} is no annotator's span"):
        store.accept_spans(other, [bob[RUSSIAN]])
    store.set_status(doc_id, GOLD, Status.REVIEWED)
    with pytest.raises(AnnotatorError, match="reviewed for gold"):
        store.accept_spans(doc_id, [bob[RUSSIAN]])
    assert gold_spans(store, doc_id) == {kept: TOWN}


def test_an_accepted_span_is_not_accepted_twice(store, doc_id, three):
    alice, bob, carol = three["alice"], three["bob"], three["carol"]
    first = store.accept_spans(doc_id, [alice[RUSSIAN], bob[RUSSIAN], carol[RUSSIAN]])
    assert len(first.ids) == 1  # three versions of one span: one gold span
    again = store.accept_spans(doc_id, [bob[RUSSIAN]])
    assert again.ids == ()
    assert list(gold_spans(store, doc_id)) == list(first.ids)
    assert candidate(store, doc_id, RUSSIAN).gold_id == first.ids[0]


def test_undo_removes_exactly_the_accepted_spans_and_redo_brings_them_back(store, doc_id, three):
    alice, bob = three["alice"], three["bob"]
    [town] = store.accept_spans(doc_id, [alice[TOWN]]).ids
    accepted = store.accept_spans(doc_id, [alice[RUSSIAN], alice[JETS]])
    [relation] = store.relations(doc_id, GOLD)
    states = store.undo_acceptance(accepted)
    assert gold_spans(store, doc_id) == {town: TOWN}
    assert store.relations(doc_id, GOLD) == []
    store.redo_acceptance(accepted, states)
    assert set(gold_spans(store, doc_id)) == {town, *accepted.ids}  # the same ids
    assert [r.id for r in store.relations(doc_id, GOLD)] == [relation.id]

    # bob's version of al-Bab replaces alice's; undoing puts alice's back with its id
    swap = store.accept_spans(doc_id, [bob[TOWN_AS_ACTOR]], replacing=[town])
    assert sorted(gold_spans(store, doc_id).values(), key=lambda s: s.start)[-1] == TOWN_AS_ACTOR
    assert [s.id for s in swap.replaced] == [town]
    states = store.undo_acceptance(swap)
    assert gold_spans(store, doc_id)[town] == TOWN
    assert TOWN_AS_ACTOR not in gold_spans(store, doc_id).values()
    store.redo_acceptance(swap, states)
    assert gold_spans(store, doc_id)[swap.ids[0]] == TOWN_AS_ACTOR
    assert town not in gold_spans(store, doc_id)


def test_accepting_what_enough_annotators_agreed_on(store, doc_id, three):
    everyone = store.accept_agreed(doc_id)  # all three: Russian only
    assert list(gold_spans(store, doc_id).values()) == [RUSSIAN]
    store.undo_acceptance(everyone)
    store.accept_agreed(doc_id, min_annotators=2)  # and the jets, two against carol's one
    assert sorted(gold_spans(store, doc_id).values(), key=lambda s: s.start) == [RUSSIAN, JETS]
    store.accept_agreed(doc_id, min_annotators=1)
    # al-Bab is a tie (one Location, one Actor) and carol's 'Russian jets' lost: neither comes
    assert sorted(gold_spans(store, doc_id).values(), key=lambda s: s.start) == [
        RUSSIAN,
        JETS,
        STRUCK,
        DEAD,
        PLACE,
    ]
    assert [r.relation.type for r in store.relations(doc_id, GOLD)] == ["uses"]
    assert len(store.events(doc_id, GOLD)) == 1
    assert store.accept_agreed(doc_id, min_annotators=1).ids == ()  # nothing left to add
    with pytest.raises(AnnotatorError, match="at least one"):
        store.accept_agreed(doc_id, min_annotators=0)


def test_agreed_spans_leave_offsets_the_curator_decided_alone(store, doc_id, three):
    store.add_span(doc_id, GOLD, at("Russian", "Location"))  # the curator's own call
    store.accept_agreed(doc_id)
    assert list(gold_spans(store, doc_id).values()) == [at("Russian", "Location")]


def test_the_gold_set_exports_like_an_annotators(store, doc_id, three, tmp_path: Path):
    alice = three["alice"]
    store.accept_spans(doc_id, [alice[RUSSIAN], alice[TOWN]])
    close_bound_database()
    out = tmp_path / "gold.csv"
    argv = ["--db", store.url, "export", "--format", "csv", "--annotator", GOLD, "--out", str(out)]
    assert cli_main.main(argv) == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["start"], r["end"], r["label"], r["text"]) for r in rows] == [
        (str(s.start), str(s.end), s.label, TEXT[s.start : s.end]) for s in (RUSSIAN, TOWN)
    ]
    assert {r["annotator"] for r in rows} == {GOLD}


def test_the_gold_set_is_no_coder_in_agreement(store, doc_id, three):
    store.accept_agreed(doc_id)
    lone = store.add_document(Document(text="Russian jets again.")).id
    store.add_span(lone, "alice", Span(0, 7, "Actor"))
    store.add_span(lone, GOLD, Span(0, 7, "Actor"))  # alice and gold: no pair of coders
    assert agreement_document_ids(store) == [doc_id]
    [document] = agreement_documents(store)
    assert sorted(document.annotations) == ["alice", "bob", "carol"]
    assert agreement_document_ids(store, annotators=["alice", GOLD]) == [doc_id, lone]


def test_a_missing_document_is_named(store):
    with pytest.raises(AnnotatorError, match="no document with id 99"):
        store.curation(99)
