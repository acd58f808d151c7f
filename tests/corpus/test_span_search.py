"""Annotation search (issue 6): spans found across the corpus by label, attribute conditions
(numbers compared as numbers), covered text (plain or regex), annotator, status and collection,
in document then offset order, each with its context; bulk relabelling and deletion as one
transaction each, refused whole when a set is locked, a span changed meanwhile, or (on
PostgreSQL) a span belongs to someone the user may not edit; and undone exactly."""

from __future__ import annotations

import pytest

from annotator.document import Relation, Span, Status
from annotator.errors import AnnotatorError, EditConflict
from corpus.span_search import (
    CONTEXT,
    Condition,
    SpanQuery,
    context_bounds,
    one_line,
    parse_condition,
    parse_conditions,
)
from corpus.store import Store
from tests.conftest import close_bound_database
from tests.corpus.team_corpus import open_team_corpus
from tests.span_text import at, two_annotated_documents

ONE = (
    "Russian jets struck al-Bab on Wednesday, killing nine civilians.\n"
    "Rebels said 23 fighters were wounded near Idlib."
)
TWO = "قال مصدر طبي إن 12 مدنيا قتلوا في قصف على حلب. Another strike killed 10 people in Aleppo."


@pytest.fixture
def corpus(store: Store) -> dict[str, int]:
    """Two documents: alice annotated both, bob the first; casualty counts 9, 23, 12 and 10."""
    alice_one = [
        at(ONE, "Russian", "Actor"),
        at(ONE, "jets", "WeaponSystem", category="aircraft"),
        at(ONE, "al-Bab", "Location", type="city"),
        at(ONE, "nine civilians", "Casualty", count=9, kind="killed", group="civilian"),
        at(ONE, "23 fighters", "Casualty", count=23, kind="injured", group="combatant"),
        at(ONE, "Idlib", "Location"),
    ]
    alice_two = [
        at(TWO, "12 مدنيا", "Casualty", count=12, kind="killed", group="civilian"),
        at(TWO, "حلب", "Location", type="city"),
        at(TWO, "10 people", "Casualty", count=10, kind="killed"),
        at(TWO, "Aleppo", "Location", type="city"),
    ]
    bob = [at(ONE, "Russian jets", "WeaponSystem")]
    ids = two_annotated_documents(store, ONE, TWO, (alice_one, alice_two), bob)
    store.set_status(ids["one"], "bob", Status.DONE)
    return ids


def found(store: Store, **query: object) -> list[tuple[str, str]]:
    """(label, covered text) of each hit, in the order found."""
    return [(h.label, h.text) for h in store.find_spans(SpanQuery(**query))]  # type: ignore[arg-type]


def test_the_database_narrows_by_label_annotator_status_and_collection(store, corpus):
    assert found(store, labels=("Location",)) == [
        ("Location", "al-Bab"),
        ("Location", "Idlib"),
        ("Location", "حلب"),
        ("Location", "Aleppo"),
    ]
    assert found(store, annotators=("bob",)) == [("WeaponSystem", "Russian jets")]
    assert found(store, statuses=(Status.DONE,)) == [("WeaponSystem", "Russian jets")]
    in_syria = found(store, collection="syria", labels=("Casualty",))
    assert in_syria == [("Casualty", "nine civilians"), ("Casualty", "23 fighters")]
    assert found(store, collection="nowhere") == []
    # Document then offset order; the span that starts first comes first, annotators mixed.
    every = store.find_spans(SpanQuery())
    keys = [(h.document_id, h.start, h.end) for h in every]
    assert keys == sorted(keys) and len(every) == 11
    assert [h.annotator for h in every[:2]] == ["alice", "bob"]  # Russian, then Russian jets


def test_numeric_conditions_compare_numbers_not_text(store, corpus):
    at_least_ten = [
        h.text for h in store.find_spans(SpanQuery(conditions=(parse_condition("count>=10"),)))
    ]
    assert at_least_ten == ["23 fighters", "12 مدنيا", "10 people"]  # not 9 ("9" > "10" as text)
    killed = SpanQuery(labels=("Casualty",), conditions=parse_conditions("kind=killed count>=10"))
    assert [h.attributes["count"] for h in store.find_spans(killed)] == [12, 10]
    assert found(store, conditions=parse_conditions("count<10")) == [("Casualty", "nine civilians")]
    assert found(store, conditions=parse_conditions("count=10.0")) == [("Casualty", "10 people")]
    assert found(store, conditions=parse_conditions("kind=KILLED count>9 count<=12")) == [
        ("Casualty", "12 مدنيا"),
        ("Casualty", "10 people"),
    ]


def test_not_equal_keeps_spans_without_the_attribute_and_tilde_matches_a_regex(store, corpus):
    not_civilian = found(
        store, labels=("Casualty",), conditions=parse_conditions("group!=civilian")
    )
    assert not_civilian == [("Casualty", "23 fighters"), ("Casualty", "10 people")]
    assert found(store, conditions=parse_conditions("type~^ci")) == [
        ("Location", "al-Bab"),
        ("Location", "حلب"),
        ("Location", "Aleppo"),
    ]
    assert found(store, conditions=parse_conditions('category="aircraft"')) == [
        ("WeaponSystem", "jets")
    ]


def test_covered_text_plain_ignores_case_and_regex_searches(store, corpus):
    assert found(store, text="RUSSIAN") == [
        ("Actor", "Russian"),
        ("WeaponSystem", "Russian jets"),
    ]
    assert found(store, text="مدنيا") == [("Casualty", "12 مدنيا")]
    assert found(store, regex=r"^\d+ ") == [
        ("Casualty", "23 fighters"),
        ("Casualty", "12 مدنيا"),
        ("Casualty", "10 people"),
    ]
    assert found(store, regex="^ALEPPO$", labels=("Location",)) == [("Location", "Aleppo")]


def test_a_hit_carries_its_context_and_everything_a_row_shows(store, corpus):
    (hit,) = store.find_spans(SpanQuery(text="nine civilians"))
    assert (hit.title, hit.annotator, hit.status, hit.label) == (
        "Jets strike al-Bab",
        "alice",
        Status.IN_PROGRESS,
        "Casualty",
    )
    assert dict(hit.attributes) == {"count": 9, "kind": "killed", "group": "civilian"}
    assert ONE[hit.start : hit.end] == hit.text
    assert hit.left == ONE[: hit.start]  # fewer than 60 code points before it
    assert hit.right == ONE[hit.end : hit.end + CONTEXT] and "\n" in hit.right
    assert "\n" not in one_line(hit.right) and one_line(hit.right).startswith(". Rebels")
    assert hit.version == 1


def test_contexts_never_split_a_character_from_its_marks_or_an_emoji_sequence():
    family = "👨\u200d👩\u200d👧"
    text = "x" * 10 + family + "y" * 58 + "[hit]" + "z" * 59 + "e\u0301" + "tail"
    start = text.index("[hit]")
    left, right = context_bounds(text, start, start + 5)
    assert text[left:start].startswith(family)  # the cut fell inside the family: all of it
    assert text[start + 5 : right].endswith("e\u0301")  # the accent stays with its letter
    plain = "a" * 100 + "[hit]" + "b" * 100
    assert context_bounds(plain, 100, 105) == (100 - CONTEXT, 105 + CONTEXT)


def test_a_limit_stops_the_search_early_with_or_without_python_filters(store, corpus):
    assert [h.text for h in store.find_spans(SpanQuery(), limit=3)] == [
        "Russian",
        "Russian jets",
        "jets",
    ]
    with_b = SpanQuery(text="B", labels=("Location",))
    assert [h.text for h in store.find_spans(with_b)] == ["al-Bab", "Idlib"]
    assert [h.text for h in store.find_spans(with_b, limit=1)] == ["al-Bab"]
    assert store.find_spans(with_b, limit=0) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("count", "expected NAME, an operator"),
        ("=10", "names no attribute"),
        ("kind=", "no value after '='"),
        ("count>=ten", "'ten' is not a number"),
        ("type~[a-", "unterminated character set at position 0"),
    ],
)
def test_a_bad_condition_is_one_line_saying_why(text, reason):
    with pytest.raises(AnnotatorError) as caught:
        parse_condition(text)
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_conditions_parse_operators_longest_first_and_quoted_values():
    assert parse_condition("count>=10") == Condition("count", ">=", "10")
    assert parse_condition("kind!=killed") == Condition("kind", "!=", "killed")
    assert parse_condition("x<=-1.5") == Condition("x", "<=", "-1.5")
    assert parse_conditions('group="armed group" n>2') == (
        Condition("group", "=", "armed group"),
        Condition("n", ">", "2"),
    )
    with pytest.raises(AnnotatorError, match="No closing quotation"):
        parse_conditions('group="armed')


def test_a_bad_query_is_refused_in_one_line(store, corpus):
    with pytest.raises(AnnotatorError, match=r"bad regular expression '\(': missing \)"):
        store.find_spans(SpanQuery(regex="("))
    with pytest.raises(AnnotatorError, match="not both"):
        store.find_spans(SpanQuery(text="a", regex="a"))
    with pytest.raises(AnnotatorError, match="unknown status 'finished'"):
        store.find_spans(SpanQuery(statuses=("finished",)))


# -- bulk edits -------------------------------------------------------------------------------


def stored(store: Store, doc_id: int, annotator: str = "alice") -> list[tuple[str, str, dict]]:
    text = store.document(doc_id).text
    return [
        (s.span.label, text[s.span.start : s.span.end], dict(s.span.attributes))
        for s in store.spans(doc_id, annotator)
    ]


def test_relabelling_many_spans_keeps_what_fits_and_its_undo_puts_everything_back(store, corpus):
    hits = store.find_spans(SpanQuery(labels=("Location",)))
    before = {
        corpus["one"]: stored(store, corpus["one"]),
        corpus["two"]: stored(store, corpus["two"]),
    }
    states = store.relabel_spans(
        [h.span_id for h in hits], "Actor", {h.span_id: h.version for h in hits}
    )
    assert [s.span.label for s in states] == ["Location"] * 4
    now = store.find_spans(SpanQuery(labels=("Actor",), annotators=("alice",)))
    assert [(h.text, dict(h.attributes), h.version) for h in now] == [
        ("Russian", {}, 1),
        ("al-Bab", {}, 2),  # Actor has no 'type': dropped
        ("Idlib", {}, 2),
        ("حلب", {}, 2),
        ("Aleppo", {}, 2),
    ]
    assert [h.span_id for h in now if h.text != "Russian"] == [h.span_id for h in hits]
    as_relabelled = {h.span_id: ("Actor", {}) for h in hits}
    store.restore_span_labels(states, as_relabelled)
    assert {d: stored(store, d) for d in before} == before
    assert {h.span_id: h.version for h in store.find_spans(SpanQuery(labels=("Location",)))} == {
        h.span_id: 3 for h in hits
    }
    with pytest.raises(EditConflict, match=r"al-Bab|Location span"):
        store.restore_span_labels(states, as_relabelled)  # they are Locations again


def test_relabelling_keeps_attributes_the_new_label_has(store, corpus):
    (actor,) = store.find_spans(SpanQuery(labels=("WeaponSystem",), annotators=("alice",)))
    store.relabel_spans([actor.span_id], "Actor")
    (after,) = store.find_spans(SpanQuery(text="jets", annotators=("alice",)))
    assert (after.label, dict(after.attributes)) == ("Actor", {})  # aircraft is no Actor category
    store.relabel_spans([after.span_id], "Location")
    store.relabel_spans([after.span_id], "WeaponSystem")
    assert found(store, text="jets", annotators=("alice",)) == [("WeaponSystem", "jets")]


def test_a_relabelling_is_refused_whole(store, corpus):
    one = corpus["one"]
    locations = store.find_spans(SpanQuery(labels=("Location",)))
    ids = [h.span_id for h in locations]
    before = stored(store, one), stored(store, corpus["two"])
    with pytest.raises(AnnotatorError, match="label 'Place' is not in schema 'conflict'"):
        store.relabel_spans(ids, "Place")
    # A changed span: the conflict names it, and nothing changes.
    store.update_span(
        ids[-1], Span(locations[-1].start, locations[-1].end, "Location", {"type": "city"}, "noted")
    )
    with pytest.raises(
        EditConflict, match=r"Location span at \d+\.\.\d+ of document \d+ was changed"
    ):
        store.relabel_spans(ids, "Actor", {h.span_id: h.version for h in locations})
    # A document marked reviewed for alice.
    store.set_status(corpus["two"], "alice", Status.REVIEWED)
    with pytest.raises(AnnotatorError, match=f"document {corpus['two']} is reviewed for alice"):
        store.relabel_spans(ids, "Actor")
    store.set_status(corpus["two"], "alice", Status.IN_PROGRESS)
    # The same offsets with the new label there already (bob's 'Russian jets' is not alice's).
    jets = store.add_span(one, "alice", at(ONE, "Russian jets", "WeaponSystem"))
    actor = at(ONE, "Russian jets", "Actor")
    other = store.add_span(one, "alice", actor)
    with pytest.raises(AnnotatorError, match=r"alice has the same Actor span \(0\.\.12\) there"):
        store.relabel_spans([*ids, jets], "Actor")
    store.delete_span(other)
    store.delete_span(jets)
    # A link that the new label does not allow.
    (russian,) = store.find_spans(SpanQuery(labels=("Actor",)))
    store.add_relation(Relation("located_at", russian.span_id, ids[0]))
    with pytest.raises(AnnotatorError, match="cannot be in its 'located_at' link"):
        store.relabel_spans(ids, "Actor")
    assert (stored(store, one), stored(store, corpus["two"])) == before


def test_bulk_deletion_checks_versions_and_is_undone_with_the_same_ids(store, corpus):
    hits = store.find_spans(SpanQuery(labels=("Casualty",)))
    versions = {h.span_id: h.version for h in hits}
    before = stored(store, corpus["one"]), stored(store, corpus["two"])
    states = store.bulk_delete_spans(list(versions), versions)
    assert found(store, labels=("Casualty",)) == []
    store.restore_spans(states)
    assert (stored(store, corpus["one"]), stored(store, corpus["two"])) == before
    assert [h.span_id for h in store.find_spans(SpanQuery(labels=("Casualty",)))] == list(versions)
    store.relabel_spans([hits[0].span_id], "Casualty")  # version 2 now
    with pytest.raises(EditConflict):
        store.bulk_delete_spans(list(versions), versions)
    assert len(found(store, labels=("Casualty",))) == 4


# -- team mode --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_an_annotator_may_not_relabel_or_delete_another_annotators_spans(pg_server, pg_url):
    """Row-level security would skip bob's rows without a word; the edits refuse them."""
    members = {"alice": "annotator", "bob": "annotator", "carol": "curator"}
    owner, doc = open_team_corpus(pg_url, ONE, "one", members)
    owner.set_blind(False)  # alice sees bob's work, and finds it
    owner.add_span(doc, "bob", at(ONE, "Russian", "Actor"))
    owner.add_span(doc, "alice", at(ONE, "Idlib", "Location"))
    owner.close()
    database = pg_url.rsplit("/", 1)[1]
    close_bound_database()
    alice = Store.open(pg_server.url_as("alice", database))
    try:
        hits = alice.find_spans(SpanQuery())
        assert [(h.annotator, h.text) for h in hits] == [("bob", "Russian"), ("alice", "Idlib")]
        ids = [h.span_id for h in hits]
        with pytest.raises(AnnotatorError, match="you may not change bob's annotations"):
            alice.relabel_spans(ids, "Location")
        with pytest.raises(AnnotatorError, match="you may not change bob's annotations"):
            alice.bulk_delete_spans(ids)
        assert [h.label for h in alice.find_spans(SpanQuery())] == ["Actor", "Location"]
        with pytest.raises(AnnotatorError, match="your role in this team corpus does not allow"):
            alice.delete_spans(ids)  # the editor's delete: refused whole, not half done
        assert len(alice.find_spans(SpanQuery())) == 2
        alice.relabel_spans(ids[1:], "Actor")  # her own
    finally:
        alice.close()
    close_bound_database()
    carol = Store.open(pg_server.url_as("carol", database))
    try:
        states = carol.relabel_spans(ids, "Location")  # a curator corrects everyone's
        assert [h.label for h in carol.find_spans(SpanQuery())] == ["Location", "Location"]
        carol.restore_span_labels(states)
        assert [h.label for h in carol.find_spans(SpanQuery())] == ["Actor", "Actor"]
    finally:
        carol.close()
