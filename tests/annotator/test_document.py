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
@pytest.mark.parametrize("make", [Span, Span.plain])
def test_span_refuses_empty_or_negative_ranges(start, end, make):
    with pytest.raises(ValueError):
        make(start, end, "Actor")


def test_a_plain_span_is_the_same_value_as_one_made_the_usual_way():
    plain, usual = Span.plain(3, 9, "Actor"), Span(3, 9, "Actor")
    assert plain == usual and hash(plain) == hash(usual) and repr(plain) == repr(usual)
    assert plain.attributes == {} and plain.note == "" and plain.fragments == ()
    with pytest.raises(TypeError):
        plain.attributes["category"] = "other"  # type: ignore[index]
