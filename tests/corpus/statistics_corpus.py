"""A small corpus whose statistics are known: three annotators, a collection, casualty phrases
with and without a count, spellings of one actor that differ in case and spacing, places with
coordinates (one in an Arabic text after an emoji, so that offsets count code points), and
places whose coordinates are missing or out of range. The tests of the statistics, of
``annotator stats`` and of the dashboard share it."""

from __future__ import annotations

from annotator.document import Document, Status
from corpus.store import Store
from tests.span_text import at

STRIKE = (
    "Islamic State fighters shelled al-Bab; islamic  state said nine civilians were killed "
    "and dozens were wounded near al-Bab by artillery."
)
RAID = (
    "Russian jets struck Idlib. ISLAMIC STATE lost three fighters, and four civilians were "
    "injured in Idlib."
)
ARABIC = "🚀 قصفت طائرات مسيّرة مدينة حلب وقتل خمسة مدنيين في حلب"
QUIET = "Nothing happened in the town today."
ALEPPO = {"latitude": 36.2, "longitude": 37.16, "geonames_id": 170063}
AL_BAB = {"latitude": 36.37, "longitude": 37.52}
IDLIB = {"latitude": 35.93, "longitude": 36.63, "geonames_id": 169389}


def build(store: Store) -> dict[str, int]:
    """Fill ``store`` (a new corpus with the conflict schema); returns the documents' ids."""
    ids = {
        "strike": store.add_document(Document(STRIKE, title="Strike"), ["wire"]).id,
        "raid": store.add_document(Document(RAID, title="Raid"), ["wire"]).id,
        "arabic": store.add_document(Document(ARABIC, title="حلب", language="ar")).id,
        "quiet": store.add_document(Document(QUIET, title="Quiet"), ["wire"]).id,
    }
    s = STRIKE
    nine_killed = at(  # alice and bob both marked it
        s, "nine civilians were killed", "Casualty", count=9, kind="killed", group="civilian"
    )
    store.add_spans(
        ids["strike"],
        "alice",
        [
            at(s, "Islamic State", "Actor", category="non_state_armed_group"),
            at(s, "islamic  state", "Actor", category="non_state_armed_group"),
            at(s, "al-Bab", "Location", type="city", **AL_BAB),
            at(s, "al-Bab", "Location", 1, type="city", **AL_BAB),
            nine_killed,
            at(s, "dozens were wounded", "Casualty", kind="injured", group="civilian"),
            at(s, "artillery", "WeaponSystem", category="artillery"),
        ],
    )
    store.set_status(ids["strike"], "alice", Status.DONE)
    store.add_spans(ids["strike"], "bob", [at(s, "Islamic State", "Actor"), nine_killed])
    r = RAID
    store.add_spans(
        ids["raid"],
        "alice",
        [
            at(r, "Russian", "Actor", category="state_force"),
            at(r, "jets", "WeaponSystem", category="aircraft"),
            at(r, "Idlib", "Location", type="city", **IDLIB),
            at(r, "ISLAMIC STATE", "Actor", category="non_state_armed_group"),
            at(r, "three fighters", "Casualty", count=3, kind="killed", group="combatant"),
            at(
                r,
                "four civilians were injured",
                "Casualty",
                count=4,
                kind="injured",
                group="civilian",
            ),
            at(r, "Idlib", "Location", 1, latitude=35.93),  # no longitude: not on the map
        ],
    )
    store.set_status(ids["raid"], "alice", Status.REVIEWED)
    a = ARABIC
    store.add_spans(
        ids["arabic"],
        "سارة",
        [
            at(a, "طائرات مسيّرة", "WeaponSystem", category="drone"),
            at(a, "حلب", "Location", type="city", **ALEPPO),
            at(a, "حلب", "Location", 1, type="city", **ALEPPO),
            at(a, "خمسة مدنيين", "Casualty", count=5, kind="killed"),
        ],
    )
    store.assign([ids["strike"], ids["raid"], ids["quiet"]], ["alice"])
    store.assign([ids["strike"]], ["bob"])
    return ids
