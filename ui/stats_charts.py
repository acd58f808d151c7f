"""The statistics dashboard's charts, drawn by matplotlib in the colours of a :class:`Theme`
(the agreement dashboard's, as are the panels that hold them): bars of counts, a histogram,
grouped or stacked bars, and the map of located places on the world outline.

Only the dashboard imports this module, when it opens (matplotlib takes a second to load).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator

from annotator.world_outline import LAND_LEVELS, WorldOutline
from corpus.statistics import Place
from ui.agreement_charts import Theme
from ui.stats_figures import Counts, Series

SERIES_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948")
"""Tableau's ten, less grey and brown: distinct on a light and a dark background alike."""
PLACE_COLOUR = SERIES_COLOURS[1]  # orange: stands out on land and sea in either palette
LABELLED_PLACES = 8  # the largest places are named where their names fit; all have tool tips
SMALLEST_VIEW = (12.0, 8.0)  # degrees of longitude and latitude the map shows at least
POINT_AREA = (30.0, 600.0)  # the area in points² of the smallest and the largest place
SMALLEST_ISLAND_KM2 = 1500.0  # smaller ones are slivers at this resolution (Cyprus: 9,250)
LABEL_OFFSETS = ((7, 5), (7, -13), (-7, 5), (-7, -13))  # points from the place: NE, SE, NW, SW


def _plain(axes: Axes, theme: Theme, grid: str = "x") -> None:
    """No frame but the baseline, faint grid lines across the bars, no ticks, whole numbers."""
    getattr(axes, f"{grid}axis").set_major_locator(MaxNLocator(integer=True))
    for side in ("top", "right", "left" if grid == "x" else "bottom"):
        axes.spines[side].set_visible(False)
    getattr(axes, f"{grid}axis").grid(True, color=theme.faint, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(length=0)


def draw_counts(figure: Figure, counts: Counts, theme: Theme) -> None:
    """A horizontal bar per name, the largest on top, its count written at its end."""
    axes = figure.add_subplot()
    positions = np.arange(len(counts.names))
    axes.barh(positions, counts.values, height=0.62, color=theme.accent)
    axes.set_yticks(positions, labels=counts.names)
    axes.invert_yaxis()
    axes.set_xlim(0, max(counts.values, default=1) * 1.15 or 1)
    for y, value in enumerate(counts.values):
        axes.text(value, y, f" {value:,}", va="center", ha="left", fontsize=8)
    more = f"   ({counts.more:,} more not shown)" if counts.more else ""
    axes.set_xlabel(counts.unit + more)
    _plain(axes, theme)


def draw_histogram(figure: Figure, counts: Counts, theme: Theme) -> None:
    """Documents per number of spans as touching vertical bars."""
    axes = figure.add_subplot()
    positions = np.arange(len(counts.names))
    axes.bar(positions, counts.values, width=0.92, color=theme.accent)
    step = max(1, len(counts.names) // 8)
    axes.set_xticks(positions[::step], labels=counts.names[::step])
    axes.set_xlabel("spans in a document")
    axes.set_ylabel(counts.unit)
    _plain(axes, theme, grid="y")


def draw_series(figure: Figure, series: Series, theme: Theme, *, stacked: bool) -> None:
    """Horizontal bars per category: one per series side by side, or stacked with the total
    written at the end."""
    axes = figure.add_subplot()
    positions = np.arange(len(series.categories), dtype=float)
    count = len(series.series)
    height = 0.7 if stacked else 0.8 / max(count, 1)
    left = np.zeros(len(series.categories))
    for i, (name, values) in enumerate(series.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if stacked:
            axes.barh(positions, values, height, left=left, color=colour, label=name)
            left += values
        else:
            offset = (i - (count - 1) / 2) * height
            axes.barh(positions + offset, values, height * 0.92, color=colour, label=name)
    if stacked:
        for y, total in enumerate(left):
            axes.text(total, y, f" {int(total):,}", va="center", ha="left", fontsize=8)
    axes.set_yticks(positions, labels=series.categories)
    axes.invert_yaxis()
    largest = (
        left.max() if stacked else max((max(v, default=0) for _, v in series.series), default=0)
    )
    axes.set_xlim(0, (largest or 1) * 1.15)
    axes.set_xlabel(series.unit)
    figure.legend(frameon=False, fontsize=8, loc="outside upper center", ncols=min(count, 5))
    _plain(axes, theme)


def draw_map(
    figure: Figure, outline: WorldOutline, places: Sequence[Place], theme: Theme, *, whole: bool
) -> None:
    """The world in longitude and latitude (plate carrée): land faint, sea and lakes tinted,
    borders dotted; a point per place, its area by its count, the largest named where their
    names fit. The view fits the places unless ``whole`` (or there are none)."""
    axes = figure.add_subplot()
    sea = _tint(theme.background, theme.accent, 0.12)
    axes.set_facecolor(sea)
    for level in sorted({b.level for b in outline.coastlines}):
        shapes = [
            b.points
            for b in outline.coastlines
            if b.level == level and b.area >= SMALLEST_ISLAND_KM2
        ]
        fill = theme.faint if level in LAND_LEVELS else sea
        axes.add_collection(
            PolyCollection(shapes, facecolors=fill, edgecolors=theme.edge, linewidths=0.4),
            autolim=False,  # the view is the places', not the world's
        )
    axes.add_collection(
        LineCollection(
            [b.points for b in outline.borders], colors=theme.edge, linewidths=0.5, linestyles=":"
        ),
        autolim=False,
    )
    _frame(axes, places, whole)
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    axes.tick_params(length=0)
    if places:
        lon = np.array([p.longitude for p in places])
        lat = np.array([p.latitude for p in places])
        sizes = np.sqrt(np.array([p.count for p in places], dtype=float))
        low, high = POINT_AREA
        area = low + (high - low) * sizes / sizes.max()
        axes.scatter(
            lon, lat, s=area, color=PLACE_COLOUR, alpha=0.8, edgecolors=theme.text, linewidths=0.6
        )
        _name_places(figure, axes, places[:LABELLED_PLACES], theme)


def _name_places(figure: Figure, axes: Axes, places: Sequence[Place], theme: Theme) -> None:
    """Name each place beside its point, at the first offset where the name covers no name
    already written; a place with no such offset stays unnamed (its tool tip names it)."""
    renderer = figure.canvas.get_renderer()
    figure.draw_without_rendering()  # the layout the names are measured in
    taken: list[Any] = []
    for place in places:
        for offset in LABEL_OFFSETS:
            name: Annotation = axes.annotate(
                place.text,  # no count beside it: a name in Arabic would put it on its left
                (place.longitude, place.latitude),
                xytext=offset,
                textcoords="offset points",
                ha="left" if offset[0] > 0 else "right",
                fontsize=8,
                bbox={"facecolor": theme.background, "edgecolor": "none", "alpha": 0.75, "pad": 1},
            )
            box = name.get_window_extent(renderer)
            if not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            name.remove()


def _tint(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` of ``other`` mixed in."""
    a, b = np.array(to_rgb(colour)), np.array(to_rgb(other))
    return to_hex(a + (b - a) * share)


def _frame(axes: Axes, places: Sequence[Place], whole: bool) -> None:
    """Show the whole world, or the places with a margin (at least :data:`SMALLEST_VIEW`);
    the limits stay free, so that the view widens to the axes' shape as they are resized."""
    if whole or not places:
        corners = [(-180.0, -90.0), (180.0, 90.0)]
    else:
        corners = []
        for values, smallest in (
            ([p.longitude for p in places], SMALLEST_VIEW[0]),
            ([p.latitude for p in places], SMALLEST_VIEW[1]),
        ):
            middle = (min(values) + max(values)) / 2
            half = max((max(values) - min(values)) * 0.6, smallest / 2)
            corners.append((middle - half, middle + half))
        corners = list(zip(*corners, strict=True))
    axes.update_datalim(corners)
    axes.margins(0)
    axes.autoscale_view()
    axes.set_aspect("equal", adjustable="datalim")
