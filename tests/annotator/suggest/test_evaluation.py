"""Evaluation of suggestions against gold spans: exact matching, the counts and ratios per label
and overall, undefined ratios, attribute accuracy on matches only, and the table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.document import Span
from annotator.suggest.evaluation import AttributeScore, Scores, evaluate, table
from annotator.suggest.model import Suggestion

GOLD = [
    Span(0, 5, "Location", {"type": "city"}),
    Span(10, 20, "Casualty", {"count": 9, "kind": "killed", "group": "civilian"}),
    Span(30, 35, "WeaponSystem", {"category": "drone"}),
    Span(40, 50, "Casualty", {"count": 3, "kind": "injured", "group": "unknown"}),
]
SUGGESTED = [
    Suggestion(0, 5, "Location", {"type": "country"}, "gazetteer:places"),  # match, wrong type
    Suggestion(10, 20, "Casualty", {"count": 9, "kind": "killed", "group": "civilian"}),
    Suggestion(30, 34, "WeaponSystem", {"category": "drone"}),  # one character short: no match
    Suggestion(40, 50, "Casualty", {"count": 3, "group": "unknown"}),  # kind left empty
    Suggestion(60, 65, "Location", {"type": "city"}),  # not in gold
    Suggestion(0, 5, "Actor"),  # right range, wrong label
]


def test_exact_matches_count_per_label_and_overall():
    result = evaluate([(GOLD, SUGGESTED)])
    assert result.labels == {
        "Actor": Scores(0, 1, 0),
        "Casualty": Scores(2, 0, 0),
        "Location": Scores(1, 1, 0),
        "WeaponSystem": Scores(0, 1, 1),
    }
    assert result.overall == Scores(3, 3, 1)
    assert result.overall.precision == pytest.approx(0.5)
    assert result.overall.recall == pytest.approx(0.75)
    assert result.overall.f1 == pytest.approx(2 * 0.5 * 0.75 / 1.25)


def test_attribute_accuracy_counts_matches_and_gold_values_only():
    result = evaluate([(GOLD, SUGGESTED)])
    assert result.attributes == {
        ("Casualty", "count"): AttributeScore(2, 2),
        ("Casualty", "group"): AttributeScore(2, 2),
        ("Casualty", "kind"): AttributeScore(1, 2),
        ("Location", "type"): AttributeScore(0, 1),
    }
    assert result.attributes[("Casualty", "kind")].accuracy == 0.5


def test_chosen_labels_only_and_each_of_them_reported():
    result = evaluate([(GOLD, SUGGESTED)], labels=["Casualty", "Location", "Actor", "Attack"])
    assert set(result.labels) == {"Actor", "Attack", "Casualty", "Location"}
    assert result.labels["Attack"] == Scores()
    assert result.overall == Scores(3, 2, 0)


def test_documents_are_kept_apart_and_duplicates_count_once():
    doc_a = ([Span(0, 4, "Location")], [Suggestion(0, 4, "Location"), Suggestion(0, 4, "Location")])
    doc_b = ([], [Suggestion(0, 4, "Location")])  # same range, other document: wrong there
    result = evaluate([doc_a, doc_b])
    assert result.overall == Scores(1, 1, 0)


def test_undefined_ratios_are_none():
    assert Scores().precision is None and Scores().recall is None and Scores().f1 is None
    nothing_suggested = Scores(0, 0, 4)
    assert nothing_suggested.precision is None and nothing_suggested.recall == 0.0
    all_wrong = Scores(0, 3, 2)
    assert all_wrong.precision == 0.0 and all_wrong.f1 == 0.0
    assert AttributeScore().accuracy is None


spans = st.builds(
    lambda start, width, label: Span(start, start + width, label),
    st.integers(0, 30),
    st.integers(1, 5),
    st.sampled_from(["A", "B", "C"]),
)
documents = st.lists(
    st.tuples(st.lists(spans, max_size=6), st.lists(spans, max_size=6)), max_size=4
)


@given(documents)
def test_swapping_gold_and_suggestions_swaps_precision_and_recall(docs):
    forward = evaluate(docs)
    backward = evaluate([(b, a) for a, b in docs])
    assert forward.overall.precision == backward.overall.recall
    assert forward.overall.recall == backward.overall.precision
    assert forward.overall == sum(forward.labels.values(), Scores())


@given(documents)
def test_gold_against_itself_is_perfect(docs):
    result = evaluate([(gold, gold) for gold, _ in docs])
    assert result.overall.false_positives == result.overall.false_negatives == 0
    assert result.overall.precision in (None, 1.0)


def test_the_table_shows_every_label_the_overall_row_and_the_attributes():
    text = table(evaluate([(GOLD, SUGGESTED)], labels=["Casualty", "Location", "WeaponSystem"]))
    lines = text.splitlines()
    assert lines[0].startswith("| Label | Precision | Recall | F1 |")
    assert "| Casualty | 1.00 | 1.00 | 1.00 | 2 | 2 | 2 |" in lines
    assert "| WeaponSystem | 0.00 | 0.00 | 0.00 | 0 | 1 | 1 |" in lines
    assert "| overall | 0.60 | 0.75 | 0.67 | 3 | 5 | 4 |" in lines
    assert "| Casualty.kind | 0.50 | 1 | 2 |" in lines
