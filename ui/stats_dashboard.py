"""View ▸ Statistics…: the figures of the corpus or one collection, for all or some annotators,
counted in the background (:meth:`corpus.store.Store.statistics`) and drawn as charts: documents
by status, progress per annotator, spans per label, spans per document, attribute values,
casualty totals by kind and group, the most frequent texts of three labels, and a map of the
located places; each chart exportable as PNG and its figures as CSV.

matplotlib is imported when the dashboard is first opened: the app starts without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.world_outline import world_outline
from corpus.statistics import CorpusStatistics, StatisticsScope
from corpus.store import Store
from ui import stats_figures as figures
from ui.agreement_figures import Table
from ui.agreement_panels import SummaryCard
from ui.dashboard_parts import DashboardFilters, LatestRun, lay_out
from ui.stats_worker import StatisticsCount

if TYPE_CHECKING:
    from matplotlib.backend_bases import MouseEvent

    from ui.agreement_charts import ChartPanel

FILTER_TIPS = (
    "Count the work of these annotators",
    "Count again with the annotations saved since (F5)",
    "The curated gold set: tick it to count its spans too",
)  # of the annotator list, Refresh and the gold set
FREQUENT_LABELS = ("Actor", "Location", "WeaponSystem")  # the default of the three choosers
HOVER_PIXELS = 12  # how near the pointer must be to a place for its tool tip


class StatisticsDashboard(QDialog):
    """Filters on the left (collection, annotators), summary cards and tabs of charts on the
    right; counted again in the background whenever a filter changes or Refresh is pressed."""

    sig_statistics_shown = Signal(object)
    """The :class:`StatisticsCount` whose figures (or error) are now on show."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui import stats_charts as charts  # matplotlib: loaded now, not at start-up
        from ui.agreement_charts import ChartPanel

        self._charts = charts
        self.store = store
        self.setWindowTitle("Statistics")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.runs = LatestRun(self)
        self.scope: StatisticsScope | None = None  # the one whose figures are wanted
        self.statistics: CorpusStatistics | None = None  # the figures on show

        self.filters = filters = DashboardFilters(store, *FILTER_TIPS)
        self.cards = [SummaryCard() for _ in range(5)]
        self.attribute = QComboBox()
        self.attribute.setToolTip("The label and attribute whose values are counted")
        self.attribute.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.view = QComboBox()
        self.view.addItem("Fit the places", False)
        self.view.addItem("Whole world", True)
        self.view.setToolTip("Show the places close up, or the whole world")
        self.status_panel: ChartPanel = ChartPanel("Documents by status", "statistics-status")
        self.progress_panel: ChartPanel = ChartPanel(
            "Progress per annotator", "statistics-progress"
        )
        self.label_panel: ChartPanel = ChartPanel("Spans per label", "statistics-labels")
        self.histogram_panel: ChartPanel = ChartPanel(
            "Spans per document", "statistics-spans-per-document"
        )
        self.attribute_panel: ChartPanel = ChartPanel(
            "Attribute values", "statistics-attributes", [self.attribute]
        )
        self.casualty_panel: ChartPanel = ChartPanel(
            "Casualties by kind and group", "statistics-casualties"
        )
        self.frequent_choices = [QComboBox() for _ in FREQUENT_LABELS]
        self.frequent_panels: list[ChartPanel] = []
        for choice in self.frequent_choices:
            choice.setToolTip("The label whose most frequent texts are shown")
            choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self.frequent_panels.append(
                ChartPanel("Most frequent", "statistics-frequent", [choice])
            )
        self.map_panel: ChartPanel = ChartPanel("Located places", "statistics-map", [self.view])
        self.map_panel.canvas.setMinimumSize(600, 360)
        self.tabs = QTabWidget()
        for title, panels, columns in (
            (
                "Overview",
                [self.status_panel, self.progress_panel, self.label_panel, self.histogram_panel],
                2,
            ),
            ("Attributes and casualties", [self.attribute_panel, self.casualty_panel], 2),
            ("Most frequent", self.frequent_panels, 3),
            ("Map", [self.map_panel], 1),
        ):
            page = QWidget()
            grid = QGridLayout(page)
            for i, panel in enumerate(panels):
                grid.addWidget(panel, i // columns, i % columns)
            self.tabs.addTab(page, title)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        card_row = QHBoxLayout()
        for card in self.cards:
            card_row.addWidget(card)
        content_layout.addLayout(card_row)
        content_layout.addWidget(self.tabs, 1)
        self.pages, self.message = lay_out(self, filters, content)

        filters.sig_filters_changed.connect(self.compute)
        filters.sig_refresh_requested.connect(self.refresh)
        self.attribute.currentIndexChanged.connect(self._show_attribute)
        for i, choice in enumerate(self.frequent_choices):
            choice.currentIndexChanged.connect(lambda _=0, i=i: self._show_frequent(i))
        self.view.currentIndexChanged.connect(self._show_map)
        self.map_panel.canvas.mpl_connect("motion_notify_event", self._hover_map)
        self.refresh()

    # -- filters --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the collections and annotators again (keeping the choices) and count again."""
        self.filters.reload()
        self.compute()

    def current_scope(self) -> StatisticsScope:
        """What the filters ask for; every annotator ticked, the gold set too, is everyone."""
        ticked = self.filters.ticked()
        everyone = len(ticked) == self.filters.annotator_list.count()
        return StatisticsScope(self.filters.collection.currentData(), None if everyone else ticked)

    # -- counting -------------------------------------------------------------------------------

    def compute(self) -> None:
        """Start counting what the filters ask for; a count still running is dropped."""
        self.filters.timer.stop()
        self.scope = scope = self.current_scope()
        count = StatisticsCount(self.store, scope)
        count.signals.sig_finished.connect(self._finished)
        self.filters.set_busy(True, "Counting…")
        self.runs.start(count)

    def _finished(self, count: StatisticsCount) -> None:
        self.runs.finished(lambda running: running is count)
        self.filters.set_busy(self.runs.is_busy(), "Counting…")
        if count.scope is self.scope and not count.cancelled:
            self._show_outcome(count)

    # -- showing --------------------------------------------------------------------------------

    def _show_outcome(self, outcome: StatisticsCount) -> None:
        f = self.statistics = outcome.statistics
        self.filters.status.setText("")
        if f is None:
            self.message.setText(f"Could not count the statistics: {outcome.error}")
            self.pages.setCurrentIndex(1)
        else:
            self.pages.setCurrentIndex(0)
            for card, figure in zip(self.cards, figures.summary(f), strict=True):
                card.show_figure(figure)
            self._show_overview(f)
            with QSignalBlocker(self.attribute):
                chosen = self.attribute.currentText()
                self.attribute.clear()
                for label, key in figures.attribute_choices(f):
                    self.attribute.addItem(f"{label} · {key}", (label, key))
                self.attribute.setCurrentIndex(max(0, self.attribute.findText(chosen)))
            self._show_attribute()
            self._show_casualties(f)
            for i, choice in enumerate(self.frequent_choices):
                with QSignalBlocker(choice):
                    chosen = choice.currentData() or _default_label(f, i)
                    choice.clear()
                    for label in f.frequent:
                        choice.addItem(label, label)
                    choice.setCurrentIndex(max(0, choice.findData(chosen)))
                self._show_frequent(i)
            self._show_map()
            where = f" in ‘{outcome.scope.collection}’" if outcome.scope.collection else ""
            self.filters.status.setText(f"{f.documents:,} document(s){where}, {f.spans:,} spans.")
        self.sig_statistics_shown.emit(outcome)

    def _chart(
        self, panel: ChartPanel, table: Table, draw: Callable[..., None], empty: str
    ) -> None:
        """Draw ``draw`` in ``panel`` with ``table`` as its CSV, or say ``empty`` if no rows."""
        if table.rows:
            panel.show_drawing(draw, table)
        else:
            panel.show_message(empty)

    def _show_overview(self, f: CorpusStatistics) -> None:
        c = self._charts
        statuses, labels = figures.status_counts(f), figures.label_counts(f)
        progress, histogram = figures.progress_series(f), figures.span_histogram(f)
        self._chart(
            self.status_panel,
            figures.status_table(f),
            lambda fig, theme: c.draw_counts(fig, statuses, theme),
            "No documents here.",
        )
        self._chart(
            self.progress_panel,
            figures.progress_table(f),
            lambda fig, theme: c.draw_series(fig, progress, theme, stacked=False),
            "No annotators chosen.",
        )
        self._chart(
            self.label_panel,
            figures.label_table(f),
            lambda fig, theme: c.draw_counts(fig, labels, theme),
            "No spans yet.",
        )
        self._chart(
            self.histogram_panel,
            figures.span_histogram_table(f),
            lambda fig, theme: c.draw_histogram(fig, histogram, theme),
            "No documents here.",
        )

    def _show_attribute(self) -> None:
        f, choice = self.statistics, self.attribute.currentData()
        if f is None:
            return
        if choice is None:
            self.attribute_panel.show_message("No span has an attribute value yet.")
            return
        counts = figures.attribute_counts(f, *choice)
        self.attribute_panel.show_drawing(
            lambda fig, theme: self._charts.draw_counts(fig, counts, theme),
            figures.attribute_table(f, *choice),
        )

    def _show_casualties(self, f: CorpusStatistics) -> None:
        series = figures.casualty_series(f)
        self._chart(
            self.casualty_panel,
            figures.casualty_table(f),
            lambda fig, theme: self._charts.draw_series(fig, series, theme, stacked=True),
            "No casualty phrases here.",
        )

    def _show_frequent(self, i: int) -> None:
        f, label = self.statistics, self.frequent_choices[i].currentData()
        if f is None:
            return
        panel = self.frequent_panels[i]
        if label is None:
            panel.show_message("No spans yet.")
            return
        panel.stem = f"statistics-frequent-{label}"
        counts = figures.frequent_counts(f, label)
        panel.show_drawing(
            lambda fig, theme: self._charts.draw_counts(fig, counts, theme),
            figures.frequent_table(f, label),
        )

    def _show_map(self) -> None:
        f = self.statistics
        if f is None:
            return
        if not f.places:
            self.map_panel.show_message(
                "No place has coordinates here: give Location spans a latitude and a longitude."
            )
            return
        try:
            outline = world_outline()
        except (AnnotatorError, OSError) as exc:
            self.map_panel.show_message(f"Cannot draw the world outline: {exc}")
            return
        places, whole = f.places, bool(self.view.currentData())
        self.map_panel.show_drawing(
            lambda fig, theme: self._charts.draw_map(fig, outline, places, theme, whole=whole),
            figures.places_table(f),
        )

    def _hover_map(self, event: MouseEvent) -> None:
        """The place under the pointer, in a tool tip."""
        f = self.statistics
        if f is None or not f.places or event.inaxes is None:
            QToolTip.hideText()
            return
        points = np.array([(p.longitude, p.latitude) for p in f.places])
        pixels = event.inaxes.transData.transform(points)
        distances = np.hypot(pixels[:, 0] - event.x, pixels[:, 1] - event.y)
        nearest = int(distances.argmin())
        if distances[nearest] > HOVER_PIXELS * self.map_panel.canvas.device_pixel_ratio:
            QToolTip.hideText()
            return
        place = f.places[nearest]
        where = f"{place.latitude:.4f}, {place.longitude:.4f}"
        known = f"\nGeoNames {place.geonames_id}" if place.geonames_id is not None else ""
        QToolTip.showText(QCursor.pos(), f"{place.text}: {place.count:,} spans\n{where}{known}")


def _default_label(f: CorpusStatistics, i: int) -> str | None:
    """The label the ``i``-th chooser starts with: Actor, Location, WeaponSystem where the
    schema has them, else the labels with texts in order."""
    present = [label for label in FREQUENT_LABELS if label in f.frequent]
    others = [label for label in f.frequent if label not in present]
    choices = present + others
    return choices[i] if i < len(choices) else None
