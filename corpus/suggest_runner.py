"""Running the schema's suggestion sources over documents and storing what they propose, for
the ``suggest`` command and the editor's background worker."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from annotator.suggest.config import SuggestionSettings, build_suggesters, suggest_text
from annotator.suggest.gazetteer import GazetteerEntry
from annotator.suggest.model import Suggester, Suggestion
from corpus.annotations import FROZEN_STATUSES
from corpus.store import Store


class SuggestionEngine:
    """The suggestion sources of the corpus's schema, built once: gazetteers, rules, spaCy, and
    the texts the corpus's annotators have labelled so far (read when the engine is made)."""

    def __init__(self, store: Store) -> None:
        schema = store.schema()
        settings = SuggestionSettings.of(schema)
        learned = (
            [GazetteerEntry(t.text, t.label, t.attributes) for t in store.learned_terms()]
            if settings.corpus
            else []
        )
        self.suggesters: list[Suggester] = build_suggesters(settings, schema, learned)

    def __bool__(self) -> bool:
        """Whether the schema has any source of suggestions."""
        return bool(self.suggesters)

    def suggest(self, text: str) -> list[Suggestion]:
        """Every source's suggestions for ``text``, one per range and label, in text order."""
        return suggest_text(self.suggesters, text)


@dataclass
class SuggestReport:
    """What a run did: documents gone through, suggestions pending after it, spans accepted,
    and documents left alone because the annotator's set is reviewed or locked."""

    documents: int = 0
    suggested: int = 0
    accepted: int = 0
    frozen: int = 0


def suggest_documents(
    store: Store,
    doc_ids: Sequence[int],
    annotator: str,
    *,
    accept: bool = False,
    engine: SuggestionEngine | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestReport:
    """Store the suggestions for each document as the annotator's pending ones (or, with
    ``accept``, make them spans of the annotator's), one transaction per document, so that a
    cancel leaves every document either done or untouched. ``progress`` hears each document
    done."""
    engine = engine if engine is not None else SuggestionEngine(store)
    report = SuggestReport()
    for doc_id in doc_ids:
        if cancelled is not None and cancelled():
            break
        if store.status(doc_id, annotator) in FROZEN_STATUSES:
            report.frozen += 1
        else:
            found = engine.suggest(store.document(doc_id).text)
            with store.db.atomic():
                pending = store.save_suggestions(doc_id, annotator, found)
                if accept and pending:
                    ids = [s.id for s in store.suggestions(doc_id, annotator)]
                    report.accepted += len(store.accept_suggestions(ids).span_ids)
                else:
                    report.suggested += pending
        report.documents += 1
        if progress is not None:
            progress(doc_id)
    return report
