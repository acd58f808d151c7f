"""Corpus statistics on both engines, over a corpus whose figures are known: statuses, progress,
labels, attribute values, spans per document, casualty totals, frequent texts and located
places, narrowed to a collection or some annotators."""

from __future__ import annotations

import pytest

from annotator.document import Document, Status
from annotator.errors import AnnotatorError
from annotator.suggest.model import Suggestion
from corpus.models import Span as SpanRow
from corpus.statistics import (
    AnnotatorProgress,
    CasualtyTotal,
    Place,
    StatisticsScope,
    TextCount,
)
from tests.corpus import statistics_corpus as corpus
from tests.span_text import at

SARA = "سارة"


@pytest.fixture
def built(store):
    return corpus.build(store)


def test_documents_by_status_count_untouched_documents_as_new(store, built):
    figures = store.statistics()
    assert figures.documents == 4
    assert figures.statuses == {
        "new": 1,  # the quiet document: nobody opened it
        "in_progress": 2,
        "done": 1,
        "reviewed": 1,
        "locked": 0,
    }


def open_document(store, doc_id: int, annotator: str) -> None:
    """What opening a document in the app does: store the viewer's suggestions on their set."""
    store.save_suggestions(doc_id, annotator, [Suggestion(0, 7, "Actor", {}, "gazetteer")])


def test_a_set_only_opened_is_no_status(store):
    """A document bob finished and alice only opened is done, not also new; one only opened
    is new as a document nobody opened. A set given back the status new still counts."""
    finished, opened, reopened = (
        store.add_document(Document(f"{corpus.QUIET} Report {n}.")).id for n in range(3)
    )
    store.set_status(finished, "bob", Status.DONE)
    open_document(store, finished, "alice")
    open_document(store, opened, "alice")
    store.add_spans(reopened, "alice", [at(corpus.QUIET, "town", "Location")])
    store.set_status(reopened, "alice", Status.NEW)
    expected = {"new": 2, "in_progress": 0, "done": 1, "reviewed": 0, "locked": 0}
    assert store.statistics().statuses == expected
    assert store.stats().statuses == expected
    alices = store.statistics(StatisticsScope(annotators=("alice",)))
    assert alices.statuses == {**expected, "done": 0, "new": 3}
    assert alices.progress == [AnnotatorProgress("alice", started=0, spans=1)]


def test_documents_only_opened_change_no_figure(store, built):
    scopes = [
        StatisticsScope(),
        StatisticsScope(collection="wire"),
        StatisticsScope(annotators=("bob", SARA)),
    ]

    def figures() -> tuple[list[dict], object]:
        return [store.statistics(scope).to_dict() for scope in scopes], store.stats()

    before = figures()
    open_document(store, built["strike"], SARA)  # alice finished it, bob started it
    open_document(store, built["quiet"], "bob")  # nobody started it
    assert figures() == before


def test_progress_per_annotator(store, built):
    assert store.statistics().progress == [
        AnnotatorProgress("alice", assigned=3, started=2, done=2, reviewed=1, spans=14),
        AnnotatorProgress("bob", assigned=1, started=1, done=0, reviewed=0, spans=2),
        AnnotatorProgress(SARA, assigned=0, started=1, done=0, reviewed=0, spans=4),
    ]


def test_labels_and_attribute_values(store, built):
    figures = store.statistics()
    assert figures.labels == {"Actor": 5, "Casualty": 6, "Location": 6, "WeaponSystem": 3}
    assert figures.spans == 20
    attributes = figures.attributes
    assert attributes["Actor"] == {"category": {"non_state_armed_group": 3, "state_force": 1}}
    assert attributes["Casualty"] == {
        "count": {"9": 2, "3": 1, "4": 1, "5": 1},
        "group": {"civilian": 4, "combatant": 1},
        "kind": {"killed": 4, "injured": 2},
    }
    assert attributes["Location"]["latitude"] == {"35.93": 2, "36.2": 2, "36.37": 2}
    assert attributes["Location"]["geonames_id"] == {"170063": 2, "169389": 1}
    assert attributes["Location"]["type"] == {"city": 5}
    assert list(attributes["WeaponSystem"]["category"]) == ["aircraft", "artillery", "drone"]


def test_spans_per_document_include_documents_without_any(store, built):
    assert store.statistics().spans_per_document == {0: 1, 4: 1, 7: 1, 9: 1}


def test_casualties_sum_counts_and_count_phrases_without_one(store, built):
    figures = store.statistics()
    assert figures.casualties == [
        CasualtyTotal("injured", "civilian", total=4, counted=1, without_count=1),
        CasualtyTotal("killed", "civilian", total=18, counted=2, without_count=0),
        CasualtyTotal("killed", "combatant", total=3, counted=1, without_count=0),
        CasualtyTotal("killed", "unspecified", total=5, counted=1, without_count=0),
    ]
    assert figures.casualties_by("kind") == {"injured": 4, "killed": 26}
    assert figures.casualties_by("group") == {"civilian": 22, "combatant": 3, "unspecified": 5}


def test_a_count_that_is_not_an_integer_is_a_phrase_without_a_count(store, built):
    # Written around the schema's checks, as an import of another tool's data could.
    row = SpanRow.get(SpanRow.label == "Casualty", SpanRow.attributes["count"] == 3)
    row.attributes = {**row.attributes, "count": "three"}
    row.save()
    [combatants] = [c for c in store.statistics().casualties if c.group == "combatant"]
    assert combatants == CasualtyTotal("killed", "combatant", 0, 0, without_count=1)


def test_frequent_texts_merge_case_and_spacing_under_the_commonest_spelling(store, built):
    frequent = store.statistics().frequent
    assert frequent["Actor"] == [TextCount("Islamic State", 4), TextCount("Russian", 1)]
    # Covered text cut by code points: the Arabic text starts with an emoji.
    assert frequent["Location"] == [
        TextCount("al-Bab", 2),
        TextCount("Idlib", 2),
        TextCount("حلب", 2),
    ]
    assert frequent["WeaponSystem"] == [
        TextCount("artillery", 1),
        TextCount("jets", 1),
        TextCount("طائرات مسيّرة", 1),
    ]
    assert frequent["Casualty"][0] == TextCount("nine civilians were killed", 2)
    assert [t.text for t in store.statistics(top=1).frequent["Actor"]] == ["Islamic State"]


def test_located_places_need_both_coordinates_in_range(store, built):
    places = store.statistics().places
    assert places == [
        Place("al-Bab", 36.37, 37.52, 2, None),
        Place("حلب", 36.2, 37.16, 2, 170063),
        Place("Idlib", 35.93, 36.63, 1, 169389),  # the one with a latitude only is left out
    ]
    row = SpanRow.get(SpanRow.label == "Location", SpanRow.attributes["geonames_id"] == 169389)
    row.attributes = {**row.attributes, "latitude": 135.93}  # out of range, around the checks
    row.save()
    assert [p.text for p in store.statistics().places] == ["al-Bab", "حلب"]


def test_a_collection_narrows_every_figure(store, built):
    figures = store.statistics(StatisticsScope(collection="wire"))
    assert figures.documents == 3
    assert figures.statuses == {
        "new": 1,
        "in_progress": 1,
        "done": 1,
        "reviewed": 1,
        "locked": 0,
    }
    assert figures.labels == {"Actor": 5, "Casualty": 5, "Location": 4, "WeaponSystem": 2}
    assert figures.spans_per_document == {0: 1, 7: 1, 9: 1}
    assert [p.spans for p in figures.progress] == [14, 2, 0]
    assert [p.text for p in figures.places] == ["al-Bab", "Idlib"]
    assert figures.casualties_by("group") == {"civilian": 22, "combatant": 3}


def test_annotators_narrow_every_figure(store, built):
    figures = store.statistics(StatisticsScope(annotators=("bob", SARA)))
    assert [p.name for p in figures.progress] == ["bob", SARA]
    assert figures.documents == 4  # documents in scope: the annotators do not narrow them
    assert figures.statuses["new"] == 2 and figures.statuses["in_progress"] == 2
    assert figures.labels == {"Actor": 1, "Casualty": 2, "Location": 2, "WeaponSystem": 1}
    assert figures.spans_per_document == {0: 2, 2: 1, 4: 1}
    assert figures.frequent["Actor"] == [TextCount("Islamic State", 1)]
    assert figures.casualties_by("kind") == {"killed": 14}
    nobody = store.statistics(StatisticsScope(annotators=()))
    assert nobody.spans == 0 and nobody.statuses["new"] == 4 and nobody.progress == []


def test_without_a_scope_the_shared_figures_match_stats(store, built):
    old, new = store.stats(), store.statistics().to_dict()
    assert new["documents"] == old.documents
    assert new["statuses"] == old.statuses
    assert new["labels"] == old.labels
    assert new["annotators"] == old.annotators
    assert new["spans"] == old.spans


def test_unknown_names_are_one_line_errors(store, built):
    with pytest.raises(AnnotatorError, match="no collection named 'nope'"):
        store.statistics(StatisticsScope(collection="nope"))
    with pytest.raises(AnnotatorError, match="no annotator named 'zed'"):
        store.statistics(StatisticsScope(annotators=("alice", "zed")))


def test_check_can_stop_between_queries(store, built):
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.statistics(check=check)
    assert len(calls) == 3


def test_an_empty_corpus_has_zeros(store):
    figures = store.statistics()
    assert figures.documents == 0 and figures.spans == 0
    assert figures.statuses == dict.fromkeys(figures.statuses, 0)
    assert figures.spans_per_document == {} and figures.places == [] and figures.casualties == []
