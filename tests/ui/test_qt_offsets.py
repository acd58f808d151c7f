"""Code-point offsets against real QTextDocument positions, both ways."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.offsets import normalize_text
from ui.qt_offsets import DocumentOffsets

TEXTS = {
    "emoji": "Great 👍🏽 news from 🇸🇾 and 👨\u200d👩\u200d👧 today.\nNext 👍 line.",
    "math": "Let 𝐀 be 𝐁𝐂 here.",
    "arabic": "قُتِلَ ثَمانِيَةُ مدنيين في غارة 🇸🇾 على سوق.\nوأضاف المصدر.",
    "combining": "Cafe\u0301 and re\u0301sume\u0301 e\u0301\u0301.",
    "tabs": "col\tcol\t\tend\n\tindented",
    "crlf": normalize_text("line one\r\nline two\r\n\r\nlast\rline"),
    "edges": "𝐀",
    "arabic_bmp": "غارة جوية على سوق في ريف إدلب.\nقُتِلَ ثمانية.",
}


def selected(text: str, start: int, end: int) -> str:
    """What a real QTextCursor selects between the converted offsets ``start`` and ``end``."""
    doc = QTextDocument()
    doc.setPlainText(text)
    offsets = DocumentOffsets(text)
    cursor = QTextCursor(doc)
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n")


@pytest.mark.parametrize("name", TEXTS)
def test_every_range_selects_the_same_characters(qapp, name):
    text = TEXTS[name]
    doc = QTextDocument()
    doc.setPlainText(text)
    offsets = DocumentOffsets(text)
    assert doc.characterCount() - 1 == offsets.units  # the end position, Qt's final separator
    cursor = QTextCursor(doc)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            cursor.setPosition(offsets.to_qt(start))
            cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            assert cursor.selectedText().replace("\u2029", "\n") == text[start:end]


@pytest.mark.parametrize("name", TEXTS)
def test_positions_convert_back(qapp, name):
    text = TEXTS[name]
    offsets = DocumentOffsets(text)
    for i in range(len(text) + 1):
        assert offsets.from_qt(offsets.to_qt(i)) == i


def test_a_position_inside_a_surrogate_pair_snaps_to_the_character_start(qapp):
    text = "a𝐀b👍🏽"
    offsets = DocumentOffsets(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8]
    assert [offsets.from_qt(p) for p in range(9)] == [0, 1, 1, 2, 3, 3, 4, 4, 5]
    # Qt agrees: its cursor never stops inside the pair either.
    doc = QTextDocument()
    doc.setPlainText(text)
    cursor = QTextCursor(doc)
    cursor.setPosition(1)
    cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
    assert offsets.from_qt(cursor.position()) == 2


def test_positions_outside_the_document_are_refused(qapp):
    offsets = DocumentOffsets("a👍")
    with pytest.raises(ValueError):
        offsets.from_qt(4)
    with pytest.raises(ValueError):
        offsets.to_qt(3)


ALPHABET = st.sampled_from(
    [*"ab \t\n,.", "𝐀", "👍", "🏽", "🇸", "🇾", "\u200d", "\u0301", "ق", "ُ", "ت", "é", "中"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join), st.data())
def test_random_texts_and_ranges(qapp, text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert selected(text, start, end) == text[start:end]
