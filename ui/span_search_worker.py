"""Annotation search off the GUI thread: a ``QRunnable`` that runs the store's span search with
a store of its own and sends the hits, or a one-line error, through a signal. A search over
200,000 spans takes seconds; the window stays responsive meanwhile, and a newer search makes
an older one stop at its next hit."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from corpus.span_search import SpanHit, SpanQuery
from corpus.store import Store
from ui.import_worker import one_line_error


@dataclass(frozen=True, eq=False)
class SpanSearchOutcome:
    """How a search ended: the hits (at most ``limit``; ``truncated`` when there were more),
    or the one-line error that stopped it. Compared by identity: each search is its own."""

    query: SpanQuery
    limit: int
    hits: tuple[SpanHit, ...] = ()
    truncated: bool = False
    error: str | None = None
    cancelled: bool = False


class SpanSearchSignals(QObject):
    """The signals of a :class:`SpanSearchWorker`, emitted from its thread."""

    sig_finished = Signal(object)
    """A :class:`SpanSearchOutcome`, emitted once, last."""


class SpanSearchWorker(QRunnable):
    """Finds the spans ``query`` asks for, at most ``limit`` of them, on a pool thread."""

    def __init__(self, store: Store, query: SpanQuery, limit: int) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = SpanSearchSignals()
        self.query = query
        self.limit = limit
        self._db, self._url = store.db, store.url
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the search to stop; safe from any thread."""
        self._cancel.set()

    def run(self) -> None:
        """Search, then emit ``sig_finished``; never raises."""
        store = Store(self._db, self._url)
        outcome = SpanSearchOutcome(self.query, self.limit, cancelled=True)
        try:
            hits: list[SpanHit] = []
            for hit in store.iter_spans(self.query, self.limit + 1):
                if self._cancel.is_set():
                    break
                hits.append(hit)
            else:
                truncated = len(hits) > self.limit
                outcome = SpanSearchOutcome(
                    self.query, self.limit, tuple(hits[: self.limit]), truncated
                )
        except Exception as exc:  # shown as one line in the panel
            outcome = SpanSearchOutcome(self.query, self.limit, error=one_line_error(exc))
        finally:
            with contextlib.suppress(Exception):
                store.close()
        self.signals.sig_finished.emit(outcome)
