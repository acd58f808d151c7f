"""The casualty rules: each phrase family with its span and attributes, what they must not take,
numbers in words (checked against num2words' spelling), offsets past the ASCII range, and no
exception on any input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from num2words import num2words

from annotator.schema_yaml import load_schema_file
from annotator.suggest.casualty_rules import CasualtyRules
from annotator.suggest.number_words import NUMBER_WORDS, parse_number, parse_number_words

RULES = CasualtyRules()
SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def found(text: str) -> list[tuple[str, dict]]:
    """The covered text and attributes of each suggestion."""
    return [(text[s.start : s.end], dict(s.attributes)) for s in RULES.suggest(text)]


def one(text: str) -> tuple[str, dict]:
    result = found(text)
    assert len(result) == 1, result
    return result[0]


def attrs(count: int | None, kind: str | None, group: str) -> dict:
    out: dict = {"group": group}
    if count is not None:
        out["count"] = count
    if kind is not None:
        out["kind"] = kind
    return out


def whole(text: str, expected: tuple[int | None, str | None, str]) -> tuple:
    """A case whose phrase is the whole text."""
    return text, text, expected


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        # subject form: count, group noun, auxiliary, verb
        (
            "Nine civilians were killed on Sunday.",
            "Nine civilians were killed",
            (9, "killed", "civilian"),
        ),
        whole("at least 23 wounded", (23, "injured", "unknown")),
        (
            "Officials said 23 people were injured.",
            "23 people were injured",
            (23, "injured", "unknown"),
        ),
        ("A civilian was killed.", "A civilian was killed", (1, "killed", "civilian")),
        whole("an elderly woman was hurt", (1, "injured", "civilian")),
        whole("a 19-year-old soldier died", (1, "killed", "combatant")),
        whole("Three Iraqi soldiers died", (3, "killed", "combatant")),
        whole("2,300 displaced", (2300, "displaced", "unknown")),
        whole("1.2 million displaced", (1_200_000, "displaced", "unknown")),
        (
            "Some 5,000 residents fled their homes.",
            "Some 5,000 residents fled their homes",
            (5000, "displaced", "civilian"),
        ),
        whole("40,000 people were forced to flee", (40000, "displaced", "unknown")),
        whole("five fishermen are still missing", (5, "missing", "civilian")),
        whole("12 people remain unaccounted for", (12, "missing", "unknown")),
        whole("two soldiers were taken prisoner", (2, "captured", "combatant")),
        whole("11 militants were captured", (11, "captured", "combatant")),
        whole("14 aid workers were kidnapped", (14, "captured", "civilian")),
        whole("three children among the dead", (3, "killed", "civilian")),
        (
            "Nine Palestinians were shot dead.",
            "Nine Palestinians were shot dead",
            (9, "killed", "unknown"),
        ),
        whole("five police officers were killed", (5, "killed", "unknown")),
        whole("three army officers wounded", (3, "injured", "combatant")),
        whole("dozens more were abducted", (None, "captured", "unknown")),
        ("Dozens injured as police fired", "Dozens injured", (None, "injured", "unknown")),
        whole(
            "hundreds of thousands of people have been displaced", (None, "displaced", "unknown")
        ),
        # object form: verb, count, group noun
        ("The strike hit a market, killing 9.", "killing 9", (9, "killed", "unknown")),
        (
            "they killed at least 12 soldiers",
            "killed at least 12 soldiers",
            (12, "killed", "combatant"),
        ),
        ("wounding three civilians and", "wounding three civilians", (3, "injured", "civilian")),
        ("injuring 40 others in the blast", "injuring 40 others", (40, "injured", "unknown")),
        whole("killing dozens of soldiers", (None, "killed", "combatant")),
        ("gunmen kidnapped 14 students", "kidnapped 14 students", (14, "captured", "civilian")),
        whole("forcing 2,300 people from their homes", (2300, "displaced", "unknown")),
        whole("displaced 2.1 million people", (2_100_000, "displaced", "unknown")),
        # tolls and casualty nouns
        ("the death toll rose to 40", "death toll rose to 40", (40, "killed", "unknown")),
        (
            "The civilian death toll has now reached at least 300.",
            "civilian death toll has now reached at least 300",
            (300, "killed", "civilian"),
        ),
        ("a death toll of 12", "death toll of 12", (12, "killed", "unknown")),
        whole("12 civilian deaths", (12, "killed", "civilian")),
        whole("at least 30 casualties", (30, None, "unknown")),
        # numbers in words
        whole("twenty-three soldiers were killed", (23, "killed", "combatant")),
        whole("one hundred and five people had died", (105, "killed", "unknown")),
        whole("A dozen people were killed", (12, "killed", "unknown")),
        whole("two dozen troops died", (24, "killed", "combatant")),
        whole("Fourteen worshippers were killed", (14, "killed", "civilian")),
    ],
)
def test_each_phrase_family_gives_its_span_and_attributes(text, phrase, expected):
    assert one(text) == (phrase, attrs(*expected))


@pytest.mark.parametrize(
    "text",
    [
        "Residents killed time in the shelters.",
        "Nice weather drew crowds; the Mobile unit arrived.",
        "No one was killed in the attack.",
        "not a single civilian was killed",
        "One of the soldiers was killed.",  # no count of the dead
        "In 2014 soldiers were killed near the border.",  # a year, not a count
        "The offensive in 2014 killed entire villages.",
        "Rebels captured two villages and 14 tanks.",  # places and things, not people
        "The army killed 12 of them.",
        "Two rockets were fired; nobody was hurt.",
        "2.5 killed",  # no whole number
        "Russian forces held the town; the talks were taken seriously.",
    ],
)
def test_what_is_no_casualty_phrase_is_not_suggested(text):
    assert found(text) == []


def test_the_killers_are_not_the_casualties():
    assert found("12 soldiers killed three civilians") == [
        ("killed three civilians", attrs(3, "killed", "civilian"))
    ]


def test_a_passive_verb_may_be_followed_by_a_number():
    assert found("12 soldiers were killed 3 days ago") == [
        ("12 soldiers were killed", attrs(12, "killed", "combatant"))
    ]


def test_two_phrases_of_one_sentence_both_come_in_text_order():
    assert found("nine civilians killed, 12 wounded; killing 4 and wounding two.") == [
        ("nine civilians killed", attrs(9, "killed", "civilian")),
        ("12 wounded", attrs(12, "injured", "unknown")),
        ("killing 4", attrs(4, "killed", "unknown")),
        ("wounding two", attrs(2, "injured", "unknown")),
    ]


def test_of_overlapping_phrases_the_longest_wins():
    assert one("More than 40 were wounded.")[0] == "More than 40 were wounded"
    assert one("killed at least 12 soldiers")[0] == "killed at least 12 soldiers"


def test_offsets_are_code_points_past_the_ascii_range():
    for text in [
        "😀🇸🇾 قتل 9 — nine civilians were killed in حلب",
        "İstanbul İzmir: 12 people were killed 😀 and 3 injured.",  # İ lowers to two code points
        "Ciudad Juárez: cinco muertos; five police officers were killed",
    ]:
        suggestions = RULES.suggest(text)
        assert suggestions
        for s in suggestions:
            phrase = text[s.start : s.end]
            assert phrase == phrase.strip() and re.search(r"killed|injured", phrase)
    text = "İstanbul İzmir: 12 people were killed 😀 and 3 injured."
    assert found(text) == [
        ("12 people were killed", attrs(12, "killed", "unknown")),
        ("3 injured", attrs(3, "injured", "unknown")),
    ]


def test_whole_words_only():
    assert found("moreover 12 soldiers died") == [
        ("12 soldiers died", attrs(12, "killed", "combatant"))
    ]
    assert found("An F-16 killed 3 people") == [("killed 3 people", attrs(3, "killed", "unknown"))]
    assert found("oneself killed") == []


def test_the_suggestions_fit_the_conflict_schema():
    casualty = load_schema_file(SCHEMAS / "conflict.yaml").label("Casualty")
    assert casualty is not None
    text = "Nine civilians were killed, 14 wounded, 2,300 displaced and 5 fishermen missing; gunmen kidnapped 3 students."
    suggestions = RULES.suggest(text)
    assert len(suggestions) == 5
    for s in suggestions:
        assert s.label == "Casualty" and s.source == "rules:casualties"
        for name, value in s.attributes.items():
            spec = casualty.attribute(name)
            assert spec is not None and spec.check(value) is None, (name, value)


# -- numbers in words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("nine", 9),
        ("Twenty-three", 23),
        ("twenty three", 23),
        ("one hundred and five", 105),
        ("one hundred five", 105),
        ("a hundred", 100),
        ("a thousand", 1000),
        ("two thousand three hundred", 2300),
        ("two hundred and fifty thousand", 250_000),
        ("one million two hundred thousand", 1_200_000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("zero", 0),
    ],
)
def test_number_words(words, value):
    assert parse_number_words(words) == value


@pytest.mark.parametrize(
    "words",
    [
        "one two",
        "hundred",
        "thousand",
        "and five",
        "five and six",
        "nineteen hundred",
        "twenty twelve",
        "twenty thirty",
        "one hundred hundred",
        "thousand million",
        "one thousand one million",
        "dozen",
        "three dozen five",
        "zero one",
        "a",
        "",
        "five apples",
    ],
)
def test_ill_formed_number_words_are_no_number(words):
    assert parse_number_words(words) is None


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=999_999_999))
def test_number_words_read_back_what_num2words_spells(n):
    spelled = num2words(n).replace(",", "")
    assert parse_number_words(spelled) == n
    assert re.fullmatch(NUMBER_WORDS, spelled, re.IGNORECASE)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,300", 2300),
        ("40", 40),
        ("1.2 million", 1_200_000),
        ("1.25 thousand", 1250),
        ("٣٠", 30),
        ("2.5", None),
        ("1.2345 thousand", None),
        ("3 cats", None),
        ("twenty-one", 21),
    ],
)
def test_numbers_in_digits(text, value):
    assert parse_number(text) == value


# -- no exception, whatever the text -------------------------------------------------------------

VOCABULARY = (
    "killed killing were was at least more than dozens of people civilians soldiers a an one "
    "twenty-three hundred and 2,300 1.2 million death toll rose to among the dead forced from "
    "their homes fled missing taken prisoner 2014 in no not İ 😀 قتل - , . ; casualties deaths"
).split()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=40).map(" ".join)
)
def test_any_text_gives_sound_suggestions_and_never_raises(text):
    suggestions = RULES.suggest(text)
    previous_end = 0
    for s in suggestions:
        assert previous_end <= s.start < s.end <= len(text)  # in order, never overlapping
        previous_end = s.end
        assert s.attributes["group"] in ("civilian", "combatant", "unknown")
        assert s.attributes.get("kind") in (
            None,
            "killed",
            "injured",
            "missing",
            "captured",
            "displaced",
        )
        count = s.attributes.get("count")
        assert count is None or (isinstance(count, int) and count >= 0)
