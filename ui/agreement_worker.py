"""The agreement computation off the GUI thread: a ``QRunnable`` that reads the documents
(:mod:`corpus.agreement_data`) with a store of its own, computes the report and sends it, or a
one-line error, through a signal; a cancel stops it at the next document."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from annotator.agreement import AgreementDocument, AgreementReport, compute_agreement
from corpus.agreement_data import agreement_documents
from corpus.store import Store
from ui.import_worker import one_line_error


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


class AgreementWorker(QRunnable):
    """Computes the agreement ``request`` asks for on a pool thread with a store of its own;
    :meth:`cancel` stops it at the next document."""

    def __init__(self, store: Store, request: AgreementRequest) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = AgreementSignals()
        self.request = request
        self._db, self._url = store.db, store.url
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the computation to stop; safe from any thread."""
        self._cancel.set()

    def _documents(self, documents: Iterable[AgreementDocument]) -> Iterator[AgreementDocument]:
        for document in documents:
            if self._cancel.is_set():
                raise _Cancelled
            yield document

    def run(self) -> None:
        """Compute, then emit ``sig_finished``; never raises."""
        store = Store(self._db, self._url)
        outcome = AgreementOutcome(self.request, None, cancelled=True)
        try:
            annotators = self.request.annotators
            documents = agreement_documents(store, self.request.collection, annotators)
            report = compute_agreement(self._documents(documents), annotators)
            outcome = AgreementOutcome(self.request, report)
        except _Cancelled:
            pass
        except Exception as exc:  # shown as one line in the dashboard
            outcome = AgreementOutcome(self.request, None, one_line_error(exc))
        finally:
            with contextlib.suppress(Exception):
                store.close()
        self.signals.sig_finished.emit(outcome)
