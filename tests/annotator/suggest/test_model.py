"""Merging the sources' suggestions (annotator/suggest/model.py): one per range and label, the
first source's winning with its gaps filled, and no two of one label overlapping."""

from __future__ import annotations

from annotator.suggest.model import Suggestion, merge


def test_the_first_source_wins_a_range_and_label_and_later_ones_fill_its_attributes() -> None:
    corpus = [Suggestion(0, 6, "Location", {"type": "town"}, "corpus")]
    places = [
        Suggestion(0, 6, "Location", {"type": "city", "geonames_id": 1}, "gazetteer:geonames")
    ]
    assert merge([corpus, places]) == [
        Suggestion(0, 6, "Location", {"type": "town", "geonames_id": 1}, "corpus")
    ]


def test_of_overlapping_suggestions_of_one_label_the_leftmost_longest_is_kept() -> None:
    corpus = [Suggestion(7, 13, "WeaponSystem", {}, "corpus")]  # "drones" in "Shahed drones"
    weapons = [
        Suggestion(0, 13, "WeaponSystem", {"category": "drone"}, "gazetteer:weapon_systems"),
        Suggestion(20, 25, "WeaponSystem", {}, "gazetteer:weapon_systems"),
    ]
    actors = [Suggestion(0, 6, "Actor", {}, "corpus")]  # another label may overlap
    assert [(s.start, s.end, s.label) for s in merge([corpus, weapons, actors])] == [
        (0, 13, "WeaponSystem"),
        (0, 6, "Actor"),
        (20, 25, "WeaponSystem"),
    ]
