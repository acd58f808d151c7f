"""Spans are small immutable values."""

import pytest

from annotator.document import Span


def test_equal_spans_compare_and_hash_equal():
    a = Span(0, 4, "Actor", {"category": "state_force"})
    b = Span(0, 4, "Actor", {"category": "state_force"})
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Span(0, 4, "Actor", {"category": "other"})


def test_span_attributes_cannot_be_changed():
    span = Span(0, 4, "Actor", {"category": "state_force"})
    with pytest.raises(TypeError):
        span.attributes["category"] = "other"  # type: ignore[index]


@pytest.mark.parametrize("start,end", [(-1, 3), (3, 3), (5, 2)])
def test_span_refuses_empty_or_negative_ranges(start, end):
    with pytest.raises(ValueError):
        Span(start, end, "Actor")
