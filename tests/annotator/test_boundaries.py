"""Moving a span's ends by words and characters, and finding occurrences, in code points."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.boundaries import move_boundary, occurrences

TEXT = "Russian Su-34 jets struck al-Bab 🇸🇾 on Wednesday."


def span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def covered(bounds: tuple[int, int] | None) -> str | None:
    return None if bounds is None else TEXT[bounds[0] : bounds[1]]


def test_the_end_moves_by_whole_words() -> None:
    start, end = span("Su-34")
    assert covered(move_boundary(TEXT, start, end, "end", 1)) == "Su-34 jets"
    assert covered(move_boundary(TEXT, *span("Su-34 jets"), "end", -1)) == "Su-34"
    assert move_boundary(TEXT, start, end, "end", -1) is None  # it would be empty


def test_the_start_moves_by_whole_words() -> None:
    assert covered(move_boundary(TEXT, *span("jets"), "start", -1)) == "Su-34 jets"
    assert covered(move_boundary(TEXT, *span("Su-34 jets"), "start", 1)) == "jets"
    assert move_boundary(TEXT, *span("Russian"), "start", -1) is None
    assert move_boundary(TEXT, *span("jets"), "start", 1) is None


def test_words_after_emoji_keep_code_point_offsets() -> None:
    bounds = move_boundary(TEXT, *span("al-Bab"), "end", 1)
    assert covered(bounds) == "al-Bab 🇸🇾"  # the flag is one token: never split in half
    assert covered(move_boundary(TEXT, *span("on"), "start", -1)) == "🇸🇾 on"


def test_characters_move_one_at_a_time_within_the_text() -> None:
    start, end = span("jets")
    assert covered(move_boundary(TEXT, start, end, "end", -1, by_word=False)) == "jet"
    assert covered(move_boundary(TEXT, start, end, "start", -1, by_word=False)) == " jets"
    assert move_boundary("ab", 0, 2, "end", 1, by_word=False) is None
    assert move_boundary("ab", 1, 2, "start", 1, by_word=False) is None


def test_occurrences_are_whole_words_unless_asked() -> None:
    text = "Su-34 jets; the Su-34s and Su-34, also xSu-34."
    assert occurrences(text, "Su-34") == [(0, 5), (27, 32)]
    assert occurrences(text, "Su-34", whole_words=False) == [(0, 5), (16, 21), (27, 32), (40, 45)]
    assert occurrences("ااا", "اا") == []
    assert occurrences("a, a", ",") == [(1, 2)]
    assert occurrences(text, "") == []


@given(st.text(max_size=40), st.text(min_size=1, max_size=4))
def test_every_occurrence_selects_the_needle(text: str, needle: str) -> None:
    for start, end in occurrences(text, needle):
        assert text[start:end] == needle
    found = occurrences(text, needle, whole_words=False)
    assert all(a[1] <= b[0] for a, b in pairwise(found))


@pytest.mark.parametrize("edge", ["start", "end"])
@pytest.mark.parametrize("step", [-1, 1])
def test_a_moved_span_is_never_empty_nor_outside(edge: str, step: int) -> None:
    for needle in ("Russian", "Su-34", "🇸🇾", "Wednesday."):
        for by_word in (True, False):
            bounds = move_boundary(TEXT, *span(needle), edge, step, by_word)
            if bounds is not None:
                assert 0 <= bounds[0] < bounds[1] <= len(TEXT)
