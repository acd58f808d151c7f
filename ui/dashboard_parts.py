"""What the agreement and statistics dashboards share: the filters on their left (a collection,
the annotators to count, Refresh, a busy bar and a status line), the latest computation in the
background, and the View menu actions that open a dashboard (importing it then: charts and
statistics load on first use, not with the app), or bring it forward and compute again."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from corpus.curation import GOLD
from corpus.store import Store

RECOMPUTE_DELAY_MS = 350  # ticking several annotators in a row computes once


class DashboardFilters(QWidget):
    """A collection (or all), the annotators (ticked; the gold set only when asked for, being
    a copy of others' work), Refresh, and a busy bar and a status line under them."""

    sig_filters_changed = Signal()
    """The collection or the ticked annotators changed (ticks: once they pause)."""
    sig_refresh_requested = Signal()
    """Refresh (F5) was pressed."""

    def __init__(self, store: Store, annotators_tip: str, refresh_tip: str, gold_tip: str) -> None:
        super().__init__()
        self.store = store
        self.gold_tip = gold_tip
        self.collection = QComboBox()
        self.collection.setToolTip("Count only the documents of one collection")
        self.annotator_list = QListWidget()
        self.annotator_list.setToolTip(annotators_tip)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_button.setToolTip(refresh_tip)
        self.refresh_button.setAutoDefault(False)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: how long it takes is not known
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(8)
        self.status = QLabel()
        self.status.setWordWrap(True)
        side = QVBoxLayout(self)
        side.setContentsMargins(0, 0, 6, 0)
        side.addWidget(QLabel("Collection"))
        side.addWidget(self.collection)
        side.addSpacing(6)
        side.addWidget(QLabel("Annotators"))
        side.addWidget(self.annotator_list, 1)
        ticks = QHBoxLayout()
        for text, tip, tick in (
            ("All", "Tick every annotator (but the gold set)", True),
            ("None", "Untick all", False),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, t=tick: self.tick_all(t))
            ticks.addWidget(button)
        side.addLayout(ticks)
        side.addWidget(self.refresh_button)
        side.addWidget(self.busy)
        side.addWidget(self.status)
        self.timer = QTimer(self, singleShot=True, interval=RECOMPUTE_DELAY_MS)
        self.timer.timeout.connect(self.sig_filters_changed)
        self.collection.currentIndexChanged.connect(self._collection_changed)
        self.annotator_list.itemChanged.connect(self.timer.start)
        self.refresh_button.clicked.connect(self.sig_refresh_requested)

    def _collection_changed(self) -> None:
        self.timer.stop()
        self.sig_filters_changed.emit()

    def reload(self) -> None:
        """Read the collections and annotators again, keeping the choices; a new annotator
        comes ticked, but the gold set."""
        chosen = self.collection.currentData()
        items = self.annotator_items()
        known = {item.text() for item in items}
        ticked = {item.text() for item in items if item.checkState() == Qt.CheckState.Checked}
        with QSignalBlocker(self.collection), QSignalBlocker(self.annotator_list):
            self.collection.clear()
            self.collection.addItem("All collections", None)
            for name in self.store.collection_names():
                self.collection.addItem(name, name)
            self.collection.setCurrentIndex(max(0, self.collection.findData(chosen)))
            self.annotator_list.clear()
            for name in self.store.annotators():
                item = QListWidgetItem(name)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                on = name in ticked if name in known else name != GOLD
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                if name == GOLD:
                    item.setToolTip(self.gold_tip)
                self.annotator_list.addItem(item)

    def annotator_items(self) -> list[QListWidgetItem]:
        """The annotators' rows, in order."""
        return [self.annotator_list.item(i) for i in range(self.annotator_list.count())]

    def ticked(self) -> tuple[str, ...]:
        """The names ticked, in order."""
        items = self.annotator_items()
        return tuple(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)

    def set_annotators(self, names: Iterable[str]) -> None:
        """Tick exactly ``names`` (the filters change after a moment)."""
        wanted = set(names)
        for item in self.annotator_items():
            on = item.text() in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def tick_all(self, ticked: bool) -> None:
        """Tick everyone but the gold set, or no one."""
        self.set_annotators(i.text() for i in self.annotator_items() if ticked and i.text() != GOLD)

    def set_busy(self, busy: bool, text: str) -> None:
        """Show the busy bar or not; ``text`` in the status line while busy."""
        self.busy.setVisible(busy)
        if busy:
            self.status.setText(text)


def lay_out(dialog: QDialog, filters: QWidget, content: QWidget) -> tuple[QStackedWidget, QLabel]:
    """Lay ``dialog`` out: ``filters`` on the left, ``content`` on the right, or in its place
    a message; returns the pages (content first, then the message) and the message label."""
    message = QLabel()
    message.setAlignment(Qt.AlignmentFlag.AlignCenter)
    message.setWordWrap(True)
    message.setMargin(40)
    font = message.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    message.setFont(font)
    pages = QStackedWidget()
    pages.addWidget(content)
    pages.addWidget(message)
    splitter = QSplitter(Qt.Orientation.Horizontal)
    splitter.addWidget(filters)
    splitter.addWidget(pages)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes([190, 1090])
    splitter.setChildrenCollapsible(False)
    layout = QVBoxLayout(dialog)
    layout.addWidget(splitter)
    dialog.resize(1280, 860)
    return pages, message


class Cancellable(Protocol):
    """A computation to run on a pool thread, that can be asked to stop."""

    def run(self) -> None: ...
    def cancel(self) -> None: ...


class Dashboard(Protocol):
    """What a :class:`DashboardLauncher` needs of its dashboard."""

    runs: LatestRun

    def refresh(self) -> None: ...
    def show(self) -> None: ...
    def raise_(self) -> None: ...
    def activateWindow(self) -> None: ...


class DashboardLauncher(QObject):
    """A View menu action of a window that opens its dashboard (made by ``make`` the first
    time), or brings it forward and computes again; when the window closes, a computation in
    flight stops: no thread outlives the app."""

    def __init__(
        self,
        store: Store,
        parent: QWidget,
        make: Callable[[Store, QWidget], Dashboard],
        text: str,
        tip: str,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._parent = parent
        self._make = make
        self.dashboard: Dashboard | None = None
        self.action = QAction(text, parent)
        self.action.setToolTip(tip)
        self.action.triggered.connect(self.open)
        parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stop a computation in flight when the window closes."""
        if event.type() == QEvent.Type.Close and self.dashboard is not None:
            self.dashboard.runs.stop()
        return False

    def open(self) -> Dashboard:
        """Show the dashboard (made the first time)."""
        if self.dashboard is None:
            self.dashboard = self._make(self.store, self._parent)
        else:
            self.dashboard.refresh()
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()
        return self.dashboard


class LatestRun(QObject):
    """A dashboard's computations in the background, one at a time on a pool of its own: only
    the latest is wanted, so starting one cancels those still running or queued."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.workers: dict[Cancellable, None] = {}  # running or queued, oldest first

    def cancel(self) -> None:
        """Ask every computation in flight to stop."""
        for worker in self.workers:
            worker.cancel()

    def start(self, worker: Cancellable) -> None:
        """Cancel the others and start ``worker``."""
        self.cancel()
        self.workers[worker] = None
        self.pool.start(worker.run)

    def finished(self, which: Callable[[Any], bool]) -> None:
        """Forget the computation that ``which`` picks out: it has sent its outcome."""
        for worker in self.workers:
            if which(worker):
                del self.workers[worker]
                return

    def is_busy(self) -> bool:
        """Whether a computation is running or queued."""
        return bool(self.workers)

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the computations in flight (tests, closing)."""
        return self.pool.waitForDone(msecs)

    def stop(self, msecs: int = -1) -> bool:
        """Cancel the computations in flight and wait for them to end (the window closes)."""
        self.cancel()
        return self.wait(msecs)


def _agreement_dashboard(store: Store, parent: QWidget) -> Dashboard:
    from ui.agreement_dashboard import AgreementDashboard  # matplotlib and numpy load on first use

    return AgreementDashboard(store, parent)


def _statistics_dashboard(store: Store, parent: QWidget) -> Dashboard:
    from ui.stats_dashboard import StatisticsDashboard  # matplotlib loads on first use

    return StatisticsDashboard(store, parent)


class AgreementLauncher(DashboardLauncher):
    """The View ▸ Agreement… action of a window: opens its dashboard, or brings it forward and
    computes again."""

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(
            store,
            parent,
            _agreement_dashboard,
            "A&greement…",
            "How far the annotators agree: kappa, alpha, span F1, as charts",
        )


class StatisticsLauncher(DashboardLauncher):
    """The View ▸ Statistics… action of a window: opens its dashboard, or brings it forward and
    counts again."""

    def __init__(self, store: Store, parent: QWidget) -> None:
        super().__init__(
            store,
            parent,
            _statistics_dashboard,
            "&Statistics…",
            "Charts of the corpus: statuses, progress, labels, casualties, a map of places",
        )
