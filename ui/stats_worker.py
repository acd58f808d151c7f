"""The statistics off the GUI thread: a count that a thread pool runs (``pool.start(count.run)``)
with a store of its own (:meth:`corpus.store.Store.statistics`), reading the world outline the
first time too, then hands itself back through a signal with its figures or a one-line error;
a cancel stops it before the next query."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Signal

from annotator.errors import AnnotatorError
from annotator.world_outline import world_outline
from corpus.statistics import CorpusStatistics, StatisticsScope
from corpus.store import Store
from ui.corpus_worker import CorpusWorker


class _Cancelled(Exception):
    pass


class StatisticsSignals(QObject):
    """The signals of a :class:`StatisticsCount`, emitted from its thread."""

    sig_finished = Signal(object)
    """The count, once it has ended (counted, failed or cancelled)."""


class StatisticsCount(CorpusWorker):
    """Counts what ``scope`` asks for when :meth:`run` (on a pool thread); afterwards
    :attr:`statistics` holds the figures, or :attr:`error` why there are none."""

    def __init__(self, store: Store, scope: StatisticsScope) -> None:
        super().__init__(store)
        self.signals = StatisticsSignals()
        self.scope = scope
        self.statistics: CorpusStatistics | None = None
        self.error: str | None = None

    @property
    def cancelled(self) -> bool:
        """Whether the count was asked to stop."""
        return self.is_cancelled()

    def _check(self) -> None:
        if self.is_cancelled():
            raise _Cancelled

    def _count(self, store: Store) -> None:
        try:
            self.statistics = store.statistics(self.scope, check=self._check)
        except _Cancelled:
            return
        if self.statistics.places:  # read here once, not when the map is first drawn
            with contextlib.suppress(AnnotatorError, OSError):  # the map will say why
                world_outline()

    def run(self) -> None:
        """Count, then emit ``sig_finished``; never raises."""
        _, self.error = self._work_on_own_store(self._count)  # shown as one line in the dashboard
        self.signals.sig_finished.emit(self)
