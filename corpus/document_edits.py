"""Editing documents' metadata and collections; per-annotator statuses for lists of documents.

Mixed into :class:`corpus.store.Store`; every method owns its transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import peewee as pw

from annotator.document import Status
from annotator.errors import AnnotatorError
from corpus.models import AnnotationSet, Annotator, Collection, Document, DocumentCollection

_CHUNK = 500  # ids per IN (...) list, well under every engine's limit on parameters
_COLLECTION_NAME_LENGTH = int(Collection.name.max_length)


class DocumentEditsMixin:
    """Document metadata and collection edits, and statuses for many documents at once."""

    db: pw.Database

    def update_document(
        self,
        doc_id: int,
        *,
        title: str,
        author: str | None,
        published: str | None,
        source: str | None,
        collections: Iterable[str] | None = None,
    ) -> None:
        """Replace the document's title, author, publication date and source, in one transaction.

        Blank values are stored as none (an empty title as untitled); the date may be written in
        any form the importer reads and is stored as ISO 8601. ``collections``, when given,
        replaces the document's collections in the same transaction (see :meth:`set_collections`).
        The search index follows a new title.
        """
        values = {
            "title": _clean(title, "title") or "",
            "author": _clean(author, "author"),
            "published": published_date(published),
            "source": _clean(source, "source"),
        }
        with self.db.atomic():
            row = (
                Document.select(
                    Document.title, Document.author, Document.published, Document.source
                )
                .where(Document.id == doc_id)
                .dicts()
                .first()
            )
            if row is None:
                raise AnnotatorError(f"no document with id {doc_id}")
            # Only what changed is written: a title in the SET clause re-indexes the whole text.
            changed = {k: v for k, v in values.items() if row[k] != v}
            if changed:
                Document.update(changed).where(Document.id == doc_id).execute()
            if collections is not None:
                self.set_collections(doc_id, collections)

    def set_collections(self, doc_id: int, names: Iterable[str]) -> None:
        """Make ``names`` (created if new) the document's collections, in one transaction.

        Names are trimmed and blank ones ignored; a collection left empty is kept.
        """
        wanted = _collection_names(names)
        with self.db.atomic():
            if not Document.select().where(Document.id == doc_id).exists():
                raise AnnotatorError(f"no document with id {doc_id}")
            current = dict(
                DocumentCollection.select(Collection.name, Collection.id)
                .join(Collection)
                .where(DocumentCollection.document == doc_id)
                .tuples()
            )
            gone = [collection_id for name, collection_id in current.items() if name not in wanted]
            if gone:
                DocumentCollection.delete().where(
                    DocumentCollection.document == doc_id,
                    DocumentCollection.collection.in_(gone),
                ).execute()
            for name in wanted:
                if name not in current:
                    collection, _ = Collection.get_or_create(name=name)
                    DocumentCollection.insert(
                        document=doc_id, collection=collection.id
                    ).on_conflict_ignore().execute()

    def collection_names(self) -> list[str]:
        """The names of all the corpus's collections, in case-insensitive order."""
        names = Collection.select(Collection.name).tuples()
        # Sorted here, not by the engine, whose collations differ.
        return sorted((name for (name,) in names), key=str.casefold)

    def statuses_for(self, doc_ids: Sequence[int], annotator: str) -> dict[int, str]:
        """The annotator's status for each of ``doc_ids`` ("new" where they have not started),
        read in one query per 500 ids."""
        result = dict.fromkeys(doc_ids, Status.NEW)
        for start in range(0, len(doc_ids), _CHUNK):
            query = (
                AnnotationSet.select(AnnotationSet.document, AnnotationSet.status)
                .join(Annotator)
                .where(
                    Annotator.name == annotator,
                    AnnotationSet.document.in_(list(doc_ids[start : start + _CHUNK])),
                )
                .tuples()
            )
            result.update((doc_id, str(status)) for doc_id, status in query)
        return result


def _clean(value: str | None, what: str) -> str | None:
    """``value`` trimmed, None when blank; refused when the corpus cannot store it."""
    if value is None or not value.strip():
        return None
    if "\x00" in value:
        raise AnnotatorError(
            f"the {what} holds a NUL character (U+0000), which a corpus cannot store"
        )
    return value.strip()


def published_date(value: str | None) -> str | None:
    """``value`` as an ISO 8601 date (None when blank), in any form the importer reads.

    Raises a one-line :class:`AnnotatorError` naming the value when it is not a date.
    """
    # Here, not at the top: the ingest package imports the store, which imports this module.
    from corpus.ingest.dates import iso_date

    text = _clean(value, "date")
    if text is None:
        return None
    found = iso_date(text)
    month = re.fullmatch(r"\d{4}-(\d{2})", found or "")
    if found is None or (month is not None and not 1 <= int(month.group(1)) <= 12):
        shown = text if len(text) <= 24 else f"{text[:23]}…"
        raise AnnotatorError(f"'{shown}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    return found


def _collection_names(names: Iterable[str]) -> list[str]:
    """``names`` trimmed, without blanks or repeats, in the order given; refused when too long."""
    result: list[str] = []
    for name in names:
        cleaned = _clean(name, "collection name")
        if cleaned is None or cleaned in result:
            continue
        if len(cleaned) > _COLLECTION_NAME_LENGTH:
            raise AnnotatorError(
                f"a collection name is at most {_COLLECTION_NAME_LENGTH} characters long"
            )
        result.append(cleaned)
    return result
