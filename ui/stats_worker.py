"""The statistics off the GUI thread: a count that a thread pool runs (``pool.start(count.run)``)
with a store of its own (:meth:`corpus.store.Store.statistics`), reading the world outline the
first time too, then hands itself back through a signal with its figures or a one-line error;
a cancel stops it before the next query."""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, Signal

from annotator.errors import AnnotatorError
from annotator.world_outline import world_outline
from corpus.statistics import CorpusStatistics, StatisticsScope
from corpus.store import Store
from ui.import_worker import one_line_error


class _Cancelled(Exception):
    pass


class StatisticsCount(QObject):
    """Counts what ``scope`` asks for when :meth:`run` (on a pool thread); afterwards
    :attr:`statistics` holds the figures, or :attr:`error` why there are none."""

    sig_finished = Signal(object)
    """This count, once it has ended (counted, failed or cancelled); emitted from its thread."""

    def __init__(self, store: Store, scope: StatisticsScope) -> None:
        super().__init__()
        self.scope = scope
        self.statistics: CorpusStatistics | None = None
        self.error: str | None = None
        self._db, self._url = store.db, store.url
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the count to stop; safe from any thread."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether the count was asked to stop."""
        return self._cancel.is_set()

    def _check(self) -> None:
        if self._cancel.is_set():
            raise _Cancelled

    def run(self) -> None:
        """Count, then emit ``sig_finished``; never raises."""
        store = Store(self._db, self._url)
        try:
            self.statistics = store.statistics(self.scope, check=self._check)
            if self.statistics.places:  # read here once, not when the map is first drawn
                with contextlib.suppress(AnnotatorError, OSError):  # the map will say why
                    world_outline()
        except _Cancelled:
            pass
        except Exception as exc:  # shown as one line in the dashboard
            self.error = one_line_error(exc)
        finally:
            with contextlib.suppress(Exception):
                store.close()
        self.sig_finished.emit(self)
