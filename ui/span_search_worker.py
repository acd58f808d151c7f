"""Annotation search off the GUI thread: a ``QRunnable`` that runs the store's span search with
a store of its own and sends the hits, or a one-line error, through a signal. A search over
200,000 spans takes seconds; the window stays responsive meanwhile, and a newer search makes
an older one stop at its next hit."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from corpus.span_search import SpanHit, SpanQuery
from corpus.store import Store
from ui.corpus_worker import CorpusWorker


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


class SpanSearchWorker(CorpusWorker):
    """Finds the spans ``query`` asks for, at most ``limit`` of them, on a pool thread;
    :meth:`cancel` stops it at the next hit."""

    def __init__(self, store: Store, query: SpanQuery, limit: int) -> None:
        super().__init__(store)
        self.signals = SpanSearchSignals()
        self.query = query
        self.limit = limit

    def _search(self, store: Store) -> SpanSearchOutcome:
        hits: list[SpanHit] = []
        for hit in store.iter_spans(self.query, self.limit + 1):
            if self.is_cancelled():
                return SpanSearchOutcome(self.query, self.limit, cancelled=True)
            hits.append(hit)
        truncated = len(hits) > self.limit
        return SpanSearchOutcome(self.query, self.limit, tuple(hits[: self.limit]), truncated)

    def run(self) -> None:
        """Search, then emit ``sig_finished``; never raises."""
        outcome, error = self._work_on_own_store(self._search)
        if outcome is None:  # shown as one line in the panel
            outcome = SpanSearchOutcome(self.query, self.limit, error=error)
        self.signals.sig_finished.emit(outcome)
