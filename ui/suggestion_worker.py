"""Suggesting for the document on show off the GUI thread: a ``QRunnable`` that runs the
schema's sources over the document (:mod:`corpus.suggest_runner`) with a store of its own,
stores what they propose as the annotator's pending suggestions, and reports how it ended.

A window keeps one :class:`EngineCache`: the engine (gazetteers, rules, learned terms) is built
on the worker thread, and built again when the schema changes or when the window asks for the
learned terms to be read again (once per document opened). Only the first build is slow: the
gazetteers' automatons and the GeoNames places are kept per process by
:mod:`annotator.suggest.config`, so a rebuild reads the labelled texts and little else
(measured: 5.4 s the first time, 2 ms after).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from annotator.schema import Schema
from corpus.store import Store
from corpus.suggest_runner import SuggestionEngine, suggest_documents
from ui.corpus_worker import CorpusWorker


@dataclass(frozen=True)
class SuggestOutcome:
    """How a run for one document ended: how many suggestions are pending now, whether the
    annotator's set is reviewed or locked (nothing suggested), a one-line error, or a cancel."""

    doc_id: int
    ticket: int
    pending: int = 0
    frozen: bool = False
    error: str | None = None
    cancelled: bool = False


class EngineCache:
    """One window's suggestion engine, kept between runs (runs take turns: one at a time)."""

    def __init__(self) -> None:
        self._engine: SuggestionEngine | None = None
        self._schema: Schema | None = None

    def engine(self, store: Store, refresh_learned: bool) -> SuggestionEngine:
        """The engine for the corpus's schema as stored now, built if there is none or the
        schema changed; with ``refresh_learned``, built again with the labelled texts."""
        schema = store.schema()
        if self._engine is None or refresh_learned or schema != self._schema:
            self._engine, self._schema = SuggestionEngine(store), schema
        return self._engine


class SuggestionSignals(QObject):
    """The signals of a :class:`SuggestionWorker`, emitted from its thread."""

    sig_finished = Signal(object)
    """A :class:`SuggestOutcome`, emitted once, last."""


class SuggestionWorker(CorpusWorker):
    """Suggests for one document as one annotator on a pool thread; :meth:`cancel` makes it
    stop before it stores anything, if it has not yet."""

    def __init__(
        self,
        store: Store,
        cache: EngineCache,
        doc_id: int,
        annotator: str,
        ticket: int,
        refresh_learned: bool,
    ) -> None:
        super().__init__(store)  # the controller keeps it until it has finished
        self.signals = SuggestionSignals()
        self.doc_id, self.annotator, self.ticket = doc_id, annotator, ticket
        self._cache = cache
        self._refresh = refresh_learned

    def _suggest(self, store: Store) -> SuggestOutcome:
        engine = self._cache.engine(store, self._refresh)
        report = suggest_documents(
            store, [self.doc_id], self.annotator, engine=engine, cancelled=self.is_cancelled
        )
        if self.is_cancelled():
            return SuggestOutcome(self.doc_id, self.ticket, cancelled=True)
        return SuggestOutcome(
            self.doc_id, self.ticket, report.suggested, frozen=bool(report.frozen)
        )

    def run(self) -> None:
        """Suggest and store, then emit ``sig_finished``; never raises."""
        if self.is_cancelled():  # another document opened while this one waited its turn
            self.signals.sig_finished.emit(SuggestOutcome(self.doc_id, self.ticket, cancelled=True))
            return
        outcome, error = self._work_on_own_store(self._suggest)
        if outcome is None:  # shown as one line in the status bar
            outcome = SuggestOutcome(self.doc_id, self.ticket, error=error)
        self.signals.sig_finished.emit(outcome)
