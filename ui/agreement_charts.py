"""The agreement dashboard's charts: heat maps and bar charts drawn by matplotlib on a Qt canvas
in the colours of the app's palette (redrawn when it changes), in a :class:`ChartPanel` with
Save PNG… and Save CSV…, or a message in place of a chart that has nothing to show.

matplotlib takes about a second to load, so only the dashboard imports this module, when it
opens; its Qt backend uses PySide6, already imported by then.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import colormaps, rc_context
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from ui.agreement_figures import Bars, Grid, Table
from ui.agreement_panels import Panel

PNG_DPI = 200  # twice the screen's: sharp when printed or put on a slide
MAX_WRITTEN_CELLS = 16  # rows or columns past which the cells are too small for their values
COLORMAP = "viridis"  # sequential, of even lightness steps, and neither end near either palette
BELOW_ZERO = "#d62728"  # kappas below 0 (worse than chance): a red that viridis never reaches


@dataclass(frozen=True)
class Theme:
    """The colours of a chart, taken from a palette: the window's background and text, a faint
    mix of the two for undefined cells and grid lines, the highlight for bars."""

    background: str
    text: str
    faint: str
    edge: str
    accent: str

    @classmethod
    def of(cls, palette: QPalette) -> Theme:
        back = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        return cls(
            back.name(),
            text.name(),
            _mix(back, text, 0.14),
            _mix(back, text, 0.45),
            palette.color(QPalette.ColorRole.Highlight).name(),
        )

    def rc(self) -> dict[Any, Any]:
        """matplotlib settings for figures in these colours."""
        return {
            "figure.facecolor": self.background,
            "axes.facecolor": self.background,
            "savefig.facecolor": self.background,
            "text.color": self.text,
            "axes.labelcolor": self.text,
            "axes.edgecolor": self.edge,
            "xtick.color": self.text,
            "ytick.color": self.text,
            "font.size": 9,
            "axes.labelsize": 9,
        }


def _mix(a: QColor, b: QColor, share: float) -> str:
    """``a`` with ``share`` of ``b`` mixed in, as #rrggbb."""
    channels = (a.redF(), a.greenF(), a.blueF()), (b.redF(), b.greenF(), b.blueF())
    mixed = [x + (y - x) * share for x, y in zip(*channels, strict=True)]
    return QColor.fromRgbF(*mixed).name()


def _ink(rgba: Sequence[float]) -> str:
    """Black or white, whichever reads on a cell of colour ``rgba``."""
    luminance = 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]
    return "#000000" if luminance > 0.45 else "#ffffff"


def _count_text(value: float, cramped: bool) -> str:
    """A count short enough for a cell: 950, 9,500, 95k, 1.2M; in a cramped cell 9.5k."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 100_000 or (cramped and value >= 10_000):
        return f"{value / 1000:.0f}k"
    if cramped and value >= 1000:
        return f"{value / 1000:.1f}k"
    return f"{value:,.0f}"


def _cell_font(rows: int, columns: int) -> float:
    """Cell text that fits a heat map of this size."""
    return max(6.0, min(9.0, 40.0 / max(rows, columns, 1) + 3.0))


def draw_heat_map(
    figure: Figure,
    grid: Grid,
    theme: Theme,
    *,
    row_shares: bool,
    colorbar: str,
    xlabel: str = "",
    ylabel: str = "",
) -> None:
    """``grid`` as coloured cells, each with its value written in it; undefined cells faint.

    Coloured by value (0 to 1; kappas below 0, agreement worse than chance, in
    :data:`BELOW_ZERO`), or when ``row_shares`` by each value's share of its row (counts: the
    share shows the pattern, the text the count).
    """
    values = np.array(
        [[np.nan if v is None else float(v) for v in row] for row in grid.values], dtype=float
    ).reshape(len(grid.rows), len(grid.columns))
    if row_shares:
        totals = np.nansum(values, axis=1, keepdims=True)
        shading = np.divide(values, totals, out=np.full_like(values, np.nan), where=totals > 0)
    else:
        shading = values
    cmap = colormaps[COLORMAP].with_extremes(bad=theme.faint, under=BELOW_ZERO)
    norm = Normalize(0.0, 1.0)
    axes = figure.add_subplot()
    image = axes.imshow(np.ma.masked_invalid(shading), cmap=cmap, norm=norm, aspect="auto")
    long_names = any(len(c) > 6 for c in grid.columns) or len(grid.columns) > 6
    axes.set_xticks(
        range(len(grid.columns)),
        labels=grid.columns,
        rotation=35 if long_names else 0,
        ha="right" if long_names else "center",
        rotation_mode="anchor",
    )
    axes.set_yticks(range(len(grid.rows)), labels=grid.rows)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    # Lines of the background's colour between the cells.
    axes.set_xticks(np.arange(len(grid.columns) + 1) - 0.5, minor=True)
    axes.set_yticks(np.arange(len(grid.rows) + 1) - 0.5, minor=True)
    axes.grid(which="minor", color=theme.background, linewidth=2)
    axes.tick_params(which="both", length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    cells = max(len(grid.rows), len(grid.columns))
    size = _cell_font(len(grid.rows), len(grid.columns))
    for (i, j), value in np.ndenumerate(values):
        if np.isnan(value) or cells > MAX_WRITTEN_CELLS:
            continue
        text = _count_text(value, cells > 8) if row_shares else f"{value:.2f}"
        ink = theme.text if np.isnan(shading[i, j]) else _ink(cmap(norm(shading[i, j])))
        axes.text(float(j), float(i), text, ha="center", va="center", color=ink, fontsize=size)
    below = bool(np.nanmin(shading, initial=0.0) < 0.0)
    bar = figure.colorbar(
        image, ax=axes, fraction=0.05, pad=0.02, extend="min" if below else "neither"
    )
    bar.set_label(colorbar)
    bar.outline.set_visible(False)
    bar.ax.tick_params(length=0)


def draw_bars(figure: Figure, bars: Bars, theme: Theme) -> None:
    """One horizontal bar per name, its value at its end ("undefined" where there is none),
    and a dashed line at the overall value."""
    axes = figure.add_subplot()
    positions = np.arange(len(bars.names))
    lengths = [v if v is not None else 0.0 for v in bars.values]
    axes.barh(positions, lengths, height=0.62, color=theme.accent)
    axes.set_yticks(positions, labels=bars.names)
    axes.invert_yaxis()  # the first label on top
    lowest = min([0.0, *lengths])
    axes.set_xlim(lowest - (0.15 if lowest < 0 else 0.0), 1.18)
    axes.axvline(0.0, color=theme.edge, linewidth=0.8)
    axes.xaxis.grid(True, color=theme.faint, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(length=0)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    for y, value in enumerate(bars.values):
        text = "undefined" if value is None else f"{value:.3f}"
        x = max(value or 0.0, 0.0) + 0.015
        colour = theme.edge if value is None else theme.text
        axes.text(
            x,
            y,
            text,
            va="center",
            ha="left",
            color=colour,
            fontsize=8,
            bbox={"facecolor": theme.background, "edgecolor": "none", "pad": 1},
        )
    xlabel = bars.measure
    if bars.overall is not None:
        axes.axvline(bars.overall, color=theme.text, linewidth=1.0, linestyle="--")
        xlabel += f"   (dashed: all labels, {bars.overall:.3f})"
    axes.set_xlabel(xlabel)


# -- the panel -------------------------------------------------------------------------------------


class ChartPanel(Panel):
    """A :class:`Panel` holding one matplotlib figure, or a message in its place."""

    def __init__(self, title: str, stem: str, tools: Sequence[QWidget] = ()) -> None:
        self.figure = Figure(layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumSize(300, 220)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.message)
        self.png_button = QPushButton("Save PNG…")
        self.png_button.setToolTip(f"Write “{title}” as a PNG image")
        self.png_button.setAutoDefault(False)
        super().__init__(title, stem, self.stack, (*tools, self.png_button))
        self.png_button.clicked.connect(self.ask_save_png)
        self._draw: Callable[[Figure, Theme], None] | None = None

    def show_heat_map(self, grid: Grid, **options: Any) -> None:
        """Draw ``grid`` as a heat map (options of :func:`draw_heat_map`); its CSV is the grid."""
        self.set_table(grid.table())
        self._show(lambda figure, theme: draw_heat_map(figure, grid, theme, **options))

    def show_bars(self, bars: Bars, table: Table) -> None:
        """Draw ``bars``; the CSV is ``table``, the figures the bars were taken from."""
        self.set_table(table)
        self._show(lambda figure, theme: draw_bars(figure, bars, theme))

    def show_drawing(self, draw: Callable[[Figure, Theme], None], table: Table) -> None:
        """Draw with ``draw(figure, theme)`` (again when the palette changes); the CSV is
        ``table``."""
        self.set_table(table)
        self._show(draw)

    def show_message(self, text: str) -> None:
        """Say ``text`` where the chart was; nothing to save."""
        self._draw = None
        self.set_table(None)
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)
        self.png_button.setEnabled(False)

    def is_chart_shown(self) -> bool:
        """Whether a chart is on show (not a message)."""
        return self._draw is not None

    def _show(self, draw: Callable[[Figure, Theme], None]) -> None:
        self._draw = draw
        self.stack.setCurrentWidget(self.canvas)
        self.png_button.setEnabled(True)
        self._render()

    def _render(self) -> None:
        if self._draw is None:
            return
        theme = Theme.of(self.palette())
        self.figure.clear()
        with rc_context(theme.rc()):
            self.figure.set_facecolor(theme.background)
            self._draw(self.figure, theme)
        self.canvas.draw_idle()

    def save_png(self, path: Path) -> None:
        """Write the chart on show to ``path`` as a PNG, at :data:`PNG_DPI`."""
        if self._draw is not None:
            self.figure.savefig(path, format="png", dpi=PNG_DPI)

    def ask_save_png(self) -> None:
        """Ask where, then save the PNG; a failure is one line in a message box."""
        self.ask_save("png", self.save_png)

    def changeEvent(self, event: QEvent) -> None:
        """Redraw in the new colours when the palette changes (the theme was switched)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._render()
