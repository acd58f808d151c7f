"""Gazetteers: whole words, leftmost-longest, exact code-point offsets whatever the text holds,
and gazetteer files read with errors naming file, line and reason."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.schema_yaml import load_schema_file
from annotator.suggest import gazetteer
from annotator.suggest.gazetteer import Gazetteer, GazetteerEntry, fold_case, read_gazetteer

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


def found(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    """(covered text, label) of each suggestion, in order."""
    return [(text[s.start : s.end], s.label) for s in gazetteer.suggest(text)]


def weapons(*terms: str, **kw: bool) -> Gazetteer:
    return Gazetteer("gazetteer:test", [GazetteerEntry(t, "WeaponSystem") for t in terms], **kw)


def test_whole_words_only():
    g = weapons("Grad", "RPG-7")
    text = "Gradual shelling, Grad rockets, Stalingrad, Grad1, RPG-7s and an RPG-7."
    assert found(g, text) == [("Grad", "WeaponSystem"), ("RPG-7", "WeaponSystem")]
    assert [s.start for s in g.suggest(text)] == [text.index("Grad "), text.index("RPG-7.")]


def test_whole_words_in_arabic_and_around_combining_marks():
    g = Gazetteer("g", [GazetteerEntry("حلب", "Location"), GazetteerEntry("cafe", "X")])
    text = "في حلب، حلبي، محلب. cafe\u0301 cafe 😀cafe😀"
    assert found(g, text) == [("حلب", "Location"), ("cafe", "X"), ("cafe", "X")]
    # the mark after "cafe" belongs to its "e": matching there would cut a character in two
    assert [s.start for s in g.suggest(text)][1:] == [text.index("cafe "), text.rindex("cafe")]


def test_arabic_terms_are_found_after_the_proclitics_joined_to_them():
    g = Gazetteer("g", [GazetteerEntry("حلب", "Location"), GazetteerEntry("RPG", "W")])
    # "and Aleppo", "in Aleppo", "and in Aleppo", "for Aleppo"; not after three letters, not
    # after a letter that is no proclitic, not a Latin term after an Arabic letter.
    text = "وحلب، بحلب، وبحلب، لحلب. ووبحلب محلب وRPG"
    words = list(re.finditer(r"\w+", text))[:4]
    assert [(s.start, s.end) for s in g.suggest(text)] == [(w.end() - 3, w.end()) for w in words]


def test_leftmost_longest_without_overlaps():
    g = weapons("fighter jet", "jet", "jet fuel", "fuel depot", "Bayraktar TB2", "TB2")
    text = "A fighter jet hit a jet fuel depot; a Bayraktar TB2 and a TB2 flew."
    assert [t for t, _ in found(g, text)] == [
        "fighter jet",
        "jet fuel",
        "Bayraktar TB2",
        "TB2",
    ]


def test_case_folding_keeps_the_original_offsets():
    g = weapons("istanbul", "grad")
    text = "😀 İSTANBUL and İstanbul saw GRAD fire; ß grad"
    assert fold_case(text) != text.lower()  # "İ".lower() is two characters
    assert found(g, text) == [
        ("İSTANBUL", "WeaponSystem"),
        ("İstanbul", "WeaponSystem"),
        ("GRAD", "WeaponSystem"),
        ("grad", "WeaponSystem"),
    ]
    assert found(weapons("grad", case_sensitive=True), text) == [("grad", "WeaponSystem")]


def test_the_characters_that_grow_in_lower_case_are_known():
    assert gazetteer._expanding() == gazetteer._EXPANDING


def test_multiword_terms_match_across_any_single_white_space():
    g = weapons("fighter jet")
    text = "a fighter\njet, a fighter\u00a0jet, a fighter  jet"
    assert [t for t, _ in found(g, text)] == ["fighter\njet", "fighter\u00a0jet"]


def test_a_term_of_several_labels_suggests_each_with_its_attributes():
    g = Gazetteer(
        "gazetteer:mixed",
        [
            GazetteerEntry("Hezbollah", "Actor", {"category": "non_state_armed_group"}),
            GazetteerEntry("Hezbollah", "Location"),
            GazetteerEntry("Grad", "WeaponSystem", {"category": "rocket"}),
        ],
    )
    suggestions = g.suggest("Hezbollah fired a Grad.")
    assert [(s.start, s.end, s.label, dict(s.attributes)) for s in suggestions] == [
        (0, 9, "Actor", {"category": "non_state_armed_group"}),
        (0, 9, "Location", {}),
        (18, 22, "WeaponSystem", {"category": "rocket"}),
    ]
    assert {s.source for s in suggestions} == {"gazetteer:mixed"}


def test_an_empty_gazetteer_or_text_suggests_nothing():
    assert weapons().suggest("a Grad") == []
    assert weapons("Grad").suggest("") == []


PIECES = [
    "😀",
    "👍🏽",
    "🇸🇾",
    "e\u0301",
    "\u0301",
    "قتلت",
    "مدنيين",
    "İ",
    "ß",
    " ",
    "\n",
    ",",
    "x",
    "7",
]
TERMS = ["Grad", "Su-34", "Su-34M", "fighter jet", "jet", "jet fuel", "حلب", "قوات الأسد"]
TERMS += ["İzmir", "Zürich", "ﬁre"]


def reference(text: str, terms: list[str], case_sensitive: bool) -> list[tuple[int, int]]:
    """Leftmost-longest whole-word matches found the slow way, position by position."""
    fold = (lambda t: t) if case_sensitive else fold_case
    haystack = fold(text.replace("\n", " "))
    keys = {fold(t) for t in terms}

    def word(i: int) -> bool:
        c = text[i] if 0 <= i < len(text) else " "
        return c.isalnum() or unicodedata.category(c)[0] == "M"

    found, i = [], 0
    while i < len(text):
        ends = [i + len(k) for k in keys if haystack.startswith(k, i)]
        ends = [e for e in ends if not word(i - 1) and not word(e)]
        if ends:
            found.append((i, max(ends)))
            i = max(ends)
        else:
            i += 1
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(TERMS)), min_size=1, max_size=30),
    st.booleans(),
)
def test_every_suggestion_covers_its_term_exactly(parts, case_sensitive):
    """Whatever surrounds the terms, each suggestion's text is its term (up to case), and the
    matches are the leftmost-longest whole words."""
    text = "".join(
        p.upper() if p in TERMS and len(p) % 2 and not case_sensitive else p for p in parts
    )
    g = Gazetteer(
        "g",
        [GazetteerEntry(t, "L", {"term": t}) for t in TERMS],
        case_sensitive=case_sensitive,
    )
    suggestions = g.suggest(text)
    for s in suggestions:
        covered = text[s.start : s.end].replace("\n", " ")
        term = str(s.attributes["term"])
        if case_sensitive:
            assert covered == term
        else:
            assert fold_case(covered) == fold_case(term)
    assert [(s.start, s.end) for s in suggestions] == reference(text, TERMS, case_sensitive)
    # a term between spaces is always found
    spaced = " ".join(TERMS)
    assert [spaced[s.start : s.end] for s in g.suggest(spaced)] == TERMS


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.text(alphabet="ab -", min_size=1, max_size=12), min_size=1, max_size=8),
    st.lists(st.sampled_from(["a", "b", "ab", "ba", " ", "-", "é", "\u0301", "\n"]), max_size=250),
)
def test_the_choice_is_the_slow_ways_when_terms_nest_and_overlap(terms, parts):
    """Terms of a few letters that start, end and sit inside each other and inside longer words,
    in texts long enough that the search goes on past its windows: the matches are still the
    leftmost-longest whole words found position by position."""
    keys = sorted({" ".join(t.split()) for t in terms} - {""})
    if not keys:
        return
    text = "".join(parts)
    g = Gazetteer("g", [GazetteerEntry(k, "L") for k in keys])
    assert [(s.start, s.end) for s in g.suggest(text)] == reference(text, keys, False)


def test_a_long_term_after_a_match_inside_a_word_is_found_whole_wherever_it_starts():
    """After a match inside a word ("ab" in "aab") the search looks on in windows of the text;
    a long term found at any distance after it, across any window's end, is found whole."""
    keys = ["ab", "ab ab ab"]
    g = Gazetteer("g", [GazetteerEntry(k, "L") for k in keys])
    for gap in range(1, 200):
        text = "aab" + "-" * gap + "ab ab ab"
        assert [(s.start, s.end) for s in g.suggest(text)] == [(3 + gap, 11 + gap)], gap
        assert reference(text, keys, False) == [(3 + gap, 11 + gap)]


def test_a_text_with_a_lone_surrogate_is_searched_all_the_same():
    assert found(weapons("Grad"), "\ud800 a Grad \udfff") == [("Grad", "WeaponSystem")]


# -- gazetteer files -------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "g.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_a_gazetteer_file(tmp_path):
    path = write(
        tmp_path,
        "# weapons\n"
        "term\tlabel\tcategory\tcount\trange\n"
        "\n"
        "Grad\tWeaponSystem\trocket\t40\t20.5\n"
        "  # an indented comment\n"
        "Su-34\tWeaponSystem\t\t2\n"
        "AK-47\tWeaponSystem\tsmall_arms\n",
    )
    entries = read_gazetteer(path)
    assert entries == [
        GazetteerEntry("Grad", "WeaponSystem", {"category": "rocket", "count": 40, "range": 20.5}),
        GazetteerEntry("Su-34", "WeaponSystem", {"count": 2}),
        GazetteerEntry("AK-47", "WeaponSystem", {"category": "small_arms"}),
    ]
    assert type(entries[0].attributes["count"]) is int


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("word\tlabel\nGrad\tX\n", 1, "the header must start with 'term<TAB>label'"),
        ("term\tlabel\ta\ta\n", 1, "attribute column 'a' appears twice"),
        ("term\tlabel\t\n", 1, "an attribute column has no name"),
        ("term\tlabel\nGrad\tX\textra\n", 2, "3 columns but the header has 2"),
        ("term\tlabel\n\tX\n", 2, "the term is empty"),
        ("term\tlabel\tcategory\n# c\nGrad\n", 3, "the label of 'Grad' is empty"),
        ("# only a comment\n", None, "no header line"),
    ],
)
def test_bad_gazetteer_files_name_file_line_and_reason(tmp_path, text, line, reason):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_gazetteer(path)
    assert caught.value.file == str(path)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert "\n" not in str(caught.value)


def test_unreadable_gazetteer_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_gazetteer(tmp_path / "missing.tsv")
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("term\tlabel\nZ\xfcrich\tLocation\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_gazetteer(latin1)


# -- the shipped weapon systems --------------------------------------------------------------

# every category the shipped schema offers for a weapon system
CATEGORIES = set(
    load_schema_file(SCHEMAS / "conflict.yaml").label("WeaponSystem").attribute("category").values
)


def test_the_shipped_weapon_gazetteer():
    entries = read_gazetteer(SCHEMAS / "weapon_systems.tsv")
    assert len(entries) >= 300
    assert {e.label for e in entries} == {"WeaponSystem"}
    assert {e.attributes["category"] for e in entries} == CATEGORIES
    terms = [e.term.casefold() for e in entries]
    assert len(terms) == len(set(terms)), "a term is listed twice"
    g = Gazetteer("gazetteer:weapon_systems", entries)
    text = (
        "Russia launched 40 Shahed-136 (Geran-2) drones, Shahed-136 drones, two Iskander-M missiles and Kalibr "
        "cruise missiles; Ukraine answered with HIMARS, ATACMS and a Bayraktar TB2. Barrel bombs, "
        "a Su-34, an AK-47, RPG-7s, a Leopard 2, F-16s and a Kornet. Gradual Grad fire, mortars."
    )
    category = {text[s.start : s.end]: s.attributes["category"] for s in g.suggest(text)}
    assert category == {
        "Shahed-136": "drone",
        "Geran-2": "drone",
        "drones": "drone",
        "Shahed-136 drones": "drone",
        "Iskander-M missiles": "missile",
        "Kalibr cruise missiles": "missile",
        "HIMARS": "rocket",
        "ATACMS": "missile",
        "Bayraktar TB2": "drone",
        "Barrel bombs": "explosive",
        "Su-34": "aircraft",
        "AK-47": "small_arms",
        "RPG-7s": "small_arms",
        "Leopard 2": "armoured_vehicle",
        "F-16s": "aircraft",
        "Kornet": "missile",
        "Grad": "rocket",
        "mortars": "artillery",
    }
