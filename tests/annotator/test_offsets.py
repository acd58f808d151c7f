"""The offsets rule: text normalisation and the code point / UTF-16 converter."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.offsets import Utf16Map, normalize_text


def test_normalize_turns_crlf_and_lone_cr_into_lf_and_drops_a_leading_bom():
    assert normalize_text("\ufeffa\r\nb\rc\n\r\nd") == "a\nb\nc\n\nd"


def test_normalize_keeps_everything_else():
    text = "tab\there  two  spaces\u00a0nbsp \u200f RLM e\u0301 👍🏽 🇸🇾 𝐀 \ufeff inner BOM"
    assert normalize_text(text) == text


def test_utf16_map_counts_astral_characters_as_two_units():
    text = "a😀b🇸🇾c"
    m = Utf16Map(text)
    assert [m.to_utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8, 9]
    assert m.units == len(text.encode("utf-16-le")) // 2
    assert m.from_utf16(3) == 2
    with pytest.raises(ValueError, match="surrogate"):
        m.from_utf16(2)
    with pytest.raises(ValueError):
        m.to_utf16(len(text) + 1)


@given(st.text())
def test_utf16_map_agrees_with_python_encoding(text):
    m = Utf16Map(text)
    for i in range(len(text) + 1):
        units = len(text[:i].encode("utf-16-le")) // 2
        assert m.to_utf16(i) == units
        assert m.from_utf16(units) == i
