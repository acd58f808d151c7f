"""What agreement reads from the store: the documents at least two annotators annotated, each
with its tokens and every such annotator's spans, streamed in chunks of documents: one query
lists them, then three read each chunk (sets, texts, spans), whatever the number of annotators.

An annotator annotated a document when their annotation set of it holds a span or is finished
(done, reviewed or locked: they looked and found nothing). A set that is new or in progress with
no span yet is no annotation, so it neither counts the document nor adds "O" everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import peewee as pw

from annotator.agreement import AgreementDocument
from annotator.document import Span as DomainSpan
from annotator.document import Status
from annotator.errors import AnnotatorError
from corpus.curation import GOLD
from corpus.models import AnnotationSet, Annotator, Collection, Document, DocumentCollection, Span

if TYPE_CHECKING:
    from corpus.store import Store

FINISHED = (Status.DONE, Status.REVIEWED, Status.LOCKED)
"""Statuses under which an annotation set without a span still counts as annotated."""

CHUNK = 500
"""Documents read per chunk."""


def _annotated_sets(
    collection: str | None, annotators: Sequence[str] | None, fields: Sequence[Any]
) -> pw.ModelSelect:
    """Annotation sets that count as annotations, narrowed to a collection and annotators."""
    has_span = Span.select(pw.SQL("1")).where(Span.annotation_set == AnnotationSet.id)
    query = (
        AnnotationSet.select(*fields)
        .join(Annotator)
        .where(AnnotationSet.status.in_(FINISHED) | pw.fn.EXISTS(has_span))
    )
    if annotators is not None:
        query = query.where(Annotator.name.in_(list(annotators)))
    else:  # the gold set is no coder, unless asked for by name
        query = query.where(Annotator.name != GOLD)
    if collection is not None:
        members = (
            DocumentCollection.select(DocumentCollection.document)
            .join(Collection)
            .where(Collection.name == collection)
        )
        query = query.where(AnnotationSet.document.in_(members))
    return query


def agreement_document_ids(
    store: Store, collection: str | None = None, annotators: Sequence[str] | None = None
) -> list[int]:
    """The ids of the documents (of ``collection``) that at least two of ``annotators``
    (default: anyone) annotated, in order."""
    if (
        collection is not None
        and not Collection.select().where(Collection.name == collection).exists()
    ):
        raise AnnotatorError(f"no collection named '{collection}'")
    query = (
        _annotated_sets(collection, annotators, [AnnotationSet.document])
        .group_by(AnnotationSet.document)
        .having(pw.fn.COUNT(AnnotationSet.id) >= 2)
        .order_by(AnnotationSet.document)
    )
    with store.db.atomic():
        return [int(doc_id) for doc_id in query.scalars()]


def agreement_documents(
    store: Store,
    collection: str | None = None,
    annotators: Sequence[str] | None = None,
    chunk: int = CHUNK,
) -> Iterator[AgreementDocument]:
    """The documents :func:`agreement_document_ids` names, in id order, with their tokens and
    each annotator's spans (only of ``annotators`` when given), read ``chunk`` at a time."""
    ids = agreement_document_ids(store, collection, annotators)
    for at in range(0, len(ids), chunk):
        yield from _chunk(store, ids[at : at + chunk], annotators)


def _chunk(
    store: Store, ids: list[int], annotators: Sequence[str] | None
) -> list[AgreementDocument]:
    with store.db.atomic():  # one snapshot per chunk on SQLite
        sets = _annotated_sets(
            None, annotators, [AnnotationSet.id, AnnotationSet.document, Annotator.name]
        ).where(AnnotationSet.document.in_(ids))
        owner: dict[int, tuple[int, str]] = {}
        annotations: dict[int, dict[str, list[DomainSpan]]] = {doc_id: {} for doc_id in ids}
        for set_id, doc_id, name in sets.tuples():
            owner[set_id] = (doc_id, name)
            annotations[doc_id][name] = []
        texts = dict(
            Document.select(Document.id, Document.text).where(Document.id.in_(ids)).tuples()
        )
        spans = (
            Span.select(Span.annotation_set, Span.start, Span.end, Span.label, Span.fragments)
            .where(Span.annotation_set.in_(list(owner)))
            .order_by(Span.annotation_set, Span.start)  # the index order: no sort
        )
        # The raw cursor: peewee's row conversions took most of the time (1.3 of 1.9 s for
        # 125,000 spans); only the rare fragments need the field's own reading.
        for set_id, start, end, label, fragments in store.db.execute(spans):
            doc_id, name = owner[set_id]
            if fragments is None:
                span = DomainSpan(start, end, label)
            else:
                pieces = tuple((int(a), int(b)) for a, b in Span.fragments.python_value(fragments))
                span = DomainSpan(start, end, label, fragments=pieces)
            annotations[doc_id][name].append(span)
    return [
        AgreementDocument.from_text(doc_id, texts[doc_id], annotations[doc_id])
        for doc_id in ids
        if doc_id in texts and len(annotations[doc_id]) >= 2  # either may have changed since
    ]
