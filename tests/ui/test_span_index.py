"""The interval index behind the text view: range queries and stacking levels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui.span_index import IndexedSpan, SpanIndex


def spans_strategy() -> st.SearchStrategy[list[IndexedSpan]]:
    """Random spans over positions 0..60, with unique ids."""
    pair = st.tuples(st.integers(0, 59), st.integers(1, 25))
    return st.lists(pair, max_size=30).map(
        lambda pairs: [
            IndexedSpan(start, start + length, i, "L") for i, (start, length) in enumerate(pairs)
        ]
    )


def check_levels(index: SpanIndex, spans: list[IndexedSpan]) -> None:
    """Assert that no two overlapping spans share a level."""
    for a in spans:
        for b in spans:
            if a.id != b.id and a.start < b.end and b.start < a.end:
                assert index.level(a.id) != index.level(b.id), (a, b)


def test_nested_spans_stack():
    outer = IndexedSpan(0, 18, 1, "WeaponSystem")  # "Russian Su-34 jets"
    inner = IndexedSpan(8, 13, 2, "WeaponSystem")  # "Su-34"
    after = IndexedSpan(20, 25, 3, "Location")
    index = SpanIndex([inner, after, outer])
    assert (index.level(1), index.level(2), index.level(3)) == (0, 1, 0)
    assert index.overlapping(9, 10) == [outer, inner]
    assert index.overlapping(13, 20) == [outer]
    assert index.overlapping(18, 20) == []
    assert index.overlapping(0, 100) == [outer, inner, after]


@settings(max_examples=200, deadline=None)
@given(spans_strategy(), st.integers(0, 90), st.integers(0, 30))
def test_range_queries_match_a_scan(spans, start, length):
    index = SpanIndex(spans)
    expected = {s.id for s in spans if s.start < start + length and s.end > start}
    if length == 0:
        expected = {s.id for s in spans if s.start < start < s.end}
    found = index.overlapping(start, start + length)
    assert {s.id for s in found} == expected
    assert found == sorted(found)
    check_levels(index, spans)


@settings(max_examples=200, deadline=None)
@given(spans_strategy(), st.data())
def test_adding_and_removing_keep_levels_as_a_fresh_index(spans, data):
    index = SpanIndex()
    for span in spans:
        changed = index.add(span)
        assert changed[0] <= span.start and changed[1] >= span.end
    live = list(spans)
    for span in data.draw(st.permutations(spans)).copy()[: len(spans) // 2]:
        changed = index.remove(span.id)
        assert changed[0] <= span.start and changed[1] >= span.end
        live.remove(span)
    fresh = SpanIndex(live)
    assert len(index) == len(live)
    assert {s.id: index.level(s.id) for s in live} == {s.id: fresh.level(s.id) for s in live}
    check_levels(index, live)


def test_adding_a_span_again_moves_it():
    index = SpanIndex([IndexedSpan(0, 5, 1, "A"), IndexedSpan(3, 8, 2, "B")])
    assert index.level(2) == 1
    index.add(IndexedSpan(10, 12, 2, "B"))
    assert index.get(2) == IndexedSpan(10, 12, 2, "B")
    assert index.level(2) == 0
    assert index.overlapping(3, 8) == [IndexedSpan(0, 5, 1, "A")]


def test_of_spans_starting_together_the_longest_is_outermost():
    index = SpanIndex([IndexedSpan(0, 5, 1, "A"), IndexedSpan(0, 9, 2, "B")])
    assert (index.level(2), index.level(1)) == (0, 1)


def test_an_index_from_columns_equals_one_from_spans():
    spans = [IndexedSpan(8, 13, 2, "B"), IndexedSpan(0, 18, 1, "A"), IndexedSpan(20, 25, 3, "C")]
    columns = SpanIndex.from_columns([8, 0, 20], [13, 18, 25], [2, 1, 3], ["B", "A", "C"])
    plain = SpanIndex(spans)
    assert columns.overlapping(0, 100) == plain.overlapping(0, 100) == sorted(spans)
    assert [columns.level(i) for i in (1, 2, 3)] == [plain.level(i) for i in (1, 2, 3)]
    assert columns.get(2) == spans[0] and isinstance(columns.get(2), IndexedSpan)


def test_found_spans_hold_plain_ints_for_qt():
    arrays = [np.array(c, dtype=np.int64) for c in ([8, 0], [13, 18], [2, 1])]
    index = SpanIndex.from_columns(*arrays, np.array(["B", "A"], dtype=object))
    for span in [index.get(2), *index.overlapping(0, 20)]:
        assert span is not None
        assert [type(value) for value in span] == [int, int, int, str]
    assert index.get(3) is None and 3 not in index and None not in index and 2 in index


@settings(max_examples=200, deadline=None)
@given(spans_strategy(), spans_strategy())
def test_changed_spans_are_those_either_index_lacks(old, new):
    new = [s._replace(label="M") if s.id % 3 == 0 else s for s in new]
    changed = SpanIndex(new).changed_from(SpanIndex(old))
    assert len(changed) == len(set(changed))
    assert set(changed) == set(old) ^ set(new)


def test_empty_spans_and_repeated_ids_are_refused():
    with pytest.raises(ValueError):
        SpanIndex.from_columns([3], [3], [1], ["A"])
    with pytest.raises(ValueError):
        SpanIndex.from_columns([1, 2], [3, 4], [1, 1], ["A", "B"])
    with pytest.raises(ValueError):
        SpanIndex([IndexedSpan(4, 2, 1, "A")])
