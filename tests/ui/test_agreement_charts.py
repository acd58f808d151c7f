"""The agreement heat map's colours: a kappa below zero (worse than chance) stands out from one
of zero, and the colour bar says there is such a value."""

from __future__ import annotations

from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PySide6.QtGui import QPalette

from ui.agreement_charts import BELOW_ZERO, Theme, draw_heat_map
from ui.agreement_figures import Grid


def _cell_colours(values: tuple[tuple[float | None, ...], ...]) -> tuple[Figure, list[list]]:
    grid = Grid(("alice", "bob"), ("alice", "bob"), values)
    figure = Figure()
    draw_heat_map(figure, grid, Theme.of(QPalette()), row_shares=False, colorbar="κ")
    image = figure.axes[0].images[0]
    return figure, image.to_rgba(image.get_array())


def test_a_kappa_below_zero_is_red_and_zero_is_not(qapp) -> None:
    figure, colours = _cell_colours(((1.0, -0.25), (0.0, 1.0)))
    assert tuple(colours[0][1]) == to_rgba(BELOW_ZERO)
    assert tuple(colours[1][0]) != to_rgba(BELOW_ZERO)
    assert tuple(colours[1][0]) != tuple(colours[0][0])  # 0 and 1 differ too
    assert figure.axes[0].images[0].colorbar.extend == "min"


def test_without_negative_kappas_the_colour_bar_has_no_below_zero_end(qapp) -> None:
    figure, colours = _cell_colours(((1.0, 0.4), (None, 1.0)))
    assert all(tuple(c) != to_rgba(BELOW_ZERO) for row in colours for c in row)
    assert figure.axes[0].images[0].colorbar.extend == "neither"
