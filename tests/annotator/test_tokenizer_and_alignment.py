"""Tokens keep exact offsets; selections snap to words only through char_span."""

from hypothesis import given
from hypothesis import strategies as st

from annotator.alignment import Alignment, char_span
from annotator.tokenizer import tokenize


def test_tokens_keep_offsets_for_arabic_combining_marks_and_hyphens():
    text = "قصفت الطائراتُ مدينةَ الباب. Café al-Bab's e\u0301te 👍"
    tokens = list(tokenize(text))
    assert all(text[t.start : t.end] == t.text for t in tokens)
    words = [t.text for t in tokens]
    assert "الطائراتُ" in words and "مدينةَ" in words
    assert "al-Bab's" in words and "e\u0301te" in words
    assert "." in words and "👍" in words


@given(st.text())
def test_tokens_cover_every_non_space_character_once(text):
    covered = [i for t in tokenize(text) for i in range(t.start, t.end)]
    assert covered == sorted(set(covered))
    assert set(covered) == {i for i, ch in enumerate(text) if not ch.isspace()}


def test_char_span_expands_to_the_words_a_selection_touches():
    text = "Russian Su-34 jets struck."
    span = char_span(text, 10, 16, "WeaponSystem")
    assert span is not None and text[span.start : span.end] == "Su-34 jets"


def test_char_span_contracts_to_whole_words_inside():
    text = "Russian Su-34 jets struck."
    span = char_span(text, 3, 19, "X", Alignment.CONTRACT)
    assert span is not None and text[span.start : span.end] == "Su-34 jets"
    assert char_span(text, 1, 4, "X", Alignment.CONTRACT) is None


def test_char_span_strict_only_trims_white_space():
    text = "  nine civilians  "
    span = char_span(text, 0, len(text), "Casualty", Alignment.STRICT)
    assert span is not None and (span.start, span.end) == (2, 16)
    assert char_span(text, 0, 2, "X") is None


def test_char_span_after_emoji_uses_code_points():
    text = "👍🏽 al-Bab"
    span = char_span(text, 4, 6, "Location")
    assert span is not None and text[span.start : span.end] == "al-Bab"


def test_an_emoji_is_one_token_with_its_modifiers_and_joined_parts():
    text = "Two 🇸🇾 jets, 👍🏽 and 👨\u200d👩\u200d👧 ✈\ufe0f 😀😀."
    assert [t.text for t in tokenize(text)] == [
        "Two",
        "🇸🇾",
        "jets",
        ",",
        "👍🏽",
        "and",
        "👨\u200d👩\u200d👧",
        "✈\ufe0f",
        "😀",
        "😀",
        ".",
    ]
