"""The agreement computation off the GUI thread: a ``QRunnable`` that reads the documents
(:mod:`corpus.agreement_data`) with a store of its own, computes the report and sends it, or a
one-line error, through a signal; a cancel stops it at the next document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from annotator.agreement import AgreementDocument, AgreementReport, compute_agreement
from corpus.agreement_data import agreement_documents
from corpus.store import Store
from ui.corpus_worker import CorpusWorker


@dataclass(frozen=True)
class AgreementRequest:
    """What to compute: the collection (None: the whole corpus) and the annotators (None:
    everyone)."""

    collection: str | None
    annotators: tuple[str, ...] | None


@dataclass(frozen=True)
class AgreementOutcome:
    """How a computation ended: its report, or the one-line error that stopped it."""

    request: AgreementRequest
    report: AgreementReport | None
    error: str | None = None
    cancelled: bool = False


class _Cancelled(Exception):
    pass


class AgreementSignals(QObject):
    """The signals of an :class:`AgreementWorker`, emitted from its thread."""

    sig_finished = Signal(object)
    """An :class:`AgreementOutcome`, emitted once, last."""


class AgreementWorker(CorpusWorker):
    """Computes the agreement ``request`` asks for on a pool thread with a store of its own;
    :meth:`cancel` stops it at the next document."""

    def __init__(self, store: Store, request: AgreementRequest) -> None:
        super().__init__(store)
        self.signals = AgreementSignals()
        self.request = request

    def _documents(self, documents: Iterable[AgreementDocument]) -> Iterator[AgreementDocument]:
        for document in documents:
            if self.is_cancelled():
                raise _Cancelled
            yield document

    def _compute(self, store: Store) -> AgreementReport | None:
        """The report, or None when a cancel stopped the computation."""
        annotators = self.request.annotators
        documents = agreement_documents(store, self.request.collection, annotators)
        try:
            return compute_agreement(self._documents(documents), annotators)
        except _Cancelled:
            return None

    def run(self) -> None:
        """Compute, then emit ``sig_finished``; never raises."""
        report, error = self._work_on_own_store(self._compute)
        if error is not None:  # shown as one line in the dashboard
            outcome = AgreementOutcome(self.request, None, error)
        else:
            outcome = AgreementOutcome(self.request, report, cancelled=report is None)
        self.signals.sig_finished.emit(outcome)
