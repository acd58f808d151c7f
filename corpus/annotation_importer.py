"""Storing imported documents and their annotations: each document atomic on its own, new
ones written many at a time, labels and attributes checked against the corpus's schema, which
grows when the user asks for it (:func:`corpus.exchange.import_annotations` drives it)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import replace
from urllib.parse import unquote

from annotator import document as dom
from annotator.document import AttributeValue
from annotator.errors import AnnotatorError, InputError
from annotator.formats.model import AnnotatedDocument, Format, Report, normalized
from annotator.schema import (
    ANY,
    AttributeSpec,
    AttributeType,
    EventSpec,
    LabelSpec,
    RelationSpec,
    RoleSpec,
    Schema,
)
from annotator.schema_yaml import is_valid_name
from corpus import dedup
from corpus.import_batch import ImportBatch, Written
from corpus.span_plan import Refusal
from corpus.store import Store

IMPORTED_ANNOTATOR = "imported"
"""Whose annotations an import stores when neither the user nor the file names anyone."""

BATCH_DOCUMENTS = 2000
BATCH_SECONDS = 1.0
"""An import commits every second or so many documents, whichever comes first."""

PALETTE = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78")
"""Colours of the labels an import adds to the schema."""
_NAMED = re.compile(r"(?:(?:train|dev|test)[-_])?\d+\.(?P<who>[^.]*[^.\d][^.]*)")


def annotator_in_name(name: str) -> str | None:
    """The annotator a name such as an export of everyone's sets gives a document
    (``<id>.<annotator>``, also below a split's part folder); None for other names."""
    found = _NAMED.fullmatch(name)
    return unquote(found.group("who")) if found else None


class AnnotationImporter:
    """Stores imported documents, each atomic on its own, checking them against a schema it
    may grow.

    A new document without relations or events (most of them) is taken into an
    :class:`ImportBatch`, written with the others at the end of the batch; any other (a text
    the corpus has, one with links, one given by id without its text) is stored alone, once
    the documents taken before it are written.
    """

    def __init__(self, store: Store, report: Report, extend: bool, fmt: Format) -> None:
        self.store = store
        self.format = fmt
        self.report = report
        self.extend = extend
        self.schema = store.schema() if store.has_schema() else Schema("imported", ())
        self.batch: ImportBatch | None = None

    def add_batch(
        self,
        docs: Iterator[tuple[AnnotatedDocument, dedup.Fingerprint | None]],
        annotator: str | None,
    ) -> bool:
        """Store documents from ``docs`` in one transaction (a bulk one, whose search index is
        updated at its end), for up to a second or :data:`BATCH_DOCUMENTS`; false once ``docs``
        is used up. Each document stays atomic on its own. Should reading or storing stop with
        an exception (a cancel, say), what the batch did is committed first, as it would have
        been had each document been committed alone."""
        stopped: BaseException | None = None
        more = False
        with self.store.bulk():
            self.batch = ImportBatch(self.store)
            deadline = time.monotonic() + BATCH_SECONDS
            try:
                for done, (doc, fingerprint) in enumerate(docs, 1):
                    self.add(doc, annotator, fingerprint)
                    if done >= BATCH_DOCUMENTS or time.monotonic() >= deadline:
                        more = True
                        break
            except BaseException as exc:  # raised again once committed
                stopped = exc
            try:
                self.batch.write()  # the documents taken, even when stopped
            except BaseException as exc:  # a failure to store them outranks a cancel
                stopped = exc
            finally:
                self.batch = None
        if stopped is not None:
            raise stopped
        return more

    def add(
        self,
        doc: AnnotatedDocument,
        annotator: str | None,
        fingerprint: dedup.Fingerprint | None = None,
    ) -> None:
        where = doc.document.source or doc.name
        who = annotator or doc.annotator or annotator_in_name(doc.name) or IMPORTED_ANNOTATOR
        assert self.batch is not None, "documents are added by add_batch"
        try:
            if doc.document.text:
                doc = normalized(doc)
                if self.extend:
                    self._extend_schema(doc)
                document = doc.document
                if document.id is not None:
                    document = replace(document, id=None)
                digest = None if doc.relations or doc.events else self.batch.digest(document)
                if digest is not None:
                    kept, _ = self._allowed(doc)
                    refused = self._refuser(kept, where)
                    self.batch.take(
                        document,
                        digest,
                        fingerprint,
                        self._written,
                        annotator=who,
                        spans=kept,
                        refused=refused,
                    )
                    return
                self.batch.write()  # those taken before it, first
                doc_id = self.store.add_document(document, fingerprint=fingerprint).id
            else:
                self.batch.write()
                doc, doc_id = self._attached(doc)
                if self.extend:
                    self._extend_schema(doc)
        except ValueError as exc:
            self.report.refuse(InputError(where, f"offsets do not fit the text: {exc}"))
            return
        except AnnotatorError as exc:
            self.report.refuse(InputError(where, str(exc)))
            return
        # One transaction for the document's annotations (merge_spans has its own, enough
        # when there are no links: a savepoint less per document).
        with self.store.db.atomic() if doc.relations or doc.events else nullcontext():
            ids = self._spans(doc, doc_id, who, where)
            self._links(doc, doc_id, who, ids, where)
        self.report.documents += 1

    def _attached(self, doc: AnnotatedDocument) -> tuple[AnnotatedDocument, int]:
        """A document read without its text, on the text the corpus has for it."""
        doc_id = doc.document.id
        if doc_id is None:
            raise AnnotatorError(f"no document called '{doc.name}' in the corpus")
        text = self.store.document(doc_id).text  # a clear error if it is not there
        if self.format.attach is not None:
            return self.format.attach(doc, text, self.report), doc_id
        return replace(doc, document=replace(doc.document, text=text)), doc_id

    def _written(self, written: Written) -> None:
        """Count a document of the batch, stored with its new spans."""
        self.report.documents += 1
        self.report.spans += written.spans

    def _spans(self, doc: AnnotatedDocument, doc_id: int, who: str, where: str) -> dict[int, int]:
        """Store the spans the schema allows (those there already once); the store id of each
        stored span by its index."""
        kept, positions = self._allowed(doc)
        merged = self.store.merge_spans(doc_id, who, kept, self._refuser(kept, where))
        self.report.spans += merged.added
        return {positions[k]: i for k, i in enumerate(merged.ids) if i is not None}

    def _allowed(self, doc: AnnotatedDocument) -> tuple[list[dom.Span], list[int]]:
        """The spans of ``doc`` with the labels and attributes the schema has (the rest
        reported), and the index of each in ``doc.spans``."""
        labels = {label.name: label for label in self.schema.labels}
        kept: list[dom.Span] = []
        positions: list[int] = []
        for i, span in enumerate(doc.spans):
            label = labels.get(span.label)
            if label is None:
                self.report.lose(f"spans labelled '{span.label}' (not in the schema)")
                continue
            if span.attributes:
                allowed = {}
                for key, given in span.attributes.items():
                    attribute = label.attribute(key)
                    value = _typed(given, attribute.type) if attribute is not None else given
                    if attribute is None:
                        self.report.lose(f"attribute '{key}' of {span.label} (not in the schema)")
                    elif (problem := attribute.check(value)) is not None:
                        self.report.lose(f"attribute values the schema refuses ({problem})")
                    else:
                        allowed[key] = value
                if allowed != dict(span.attributes):
                    span = replace(span, attributes=allowed)
            kept.append(span)
            positions.append(i)
        return kept, positions

    def _refuser(self, kept: list[dom.Span], where: str) -> Callable[[Refusal], None]:
        """Reports a refusal of one of ``kept``."""

        def refused(refusal: Refusal) -> None:
            span = kept[refusal.position]
            self.report.refuse(
                InputError(where, f"span {span.start}..{span.end}: {refusal.reason}")
            )

        return refused

    def _links(
        self, doc: AnnotatedDocument, doc_id: int, who: str, ids: dict[int, int], where: str
    ) -> None:
        """Store the relations and events between imported spans (those there already once)."""
        relations: list[dom.Relation] = []
        for relation in doc.relations:
            if relation.head not in ids or relation.tail not in ids:
                self.report.lose("relations whose spans were not imported")
                continue
            relations.append(dom.Relation(relation.type, ids[relation.head], ids[relation.tail]))
        events: list[dom.Event] = []
        for event in doc.events:
            if event.trigger not in ids:
                self.report.lose("events whose trigger was not imported")
                continue
            kept = tuple((role, ids[i]) for role, i in event.roles if i in ids)
            self.report.lose(
                "event roles whose spans were not imported", len(event.roles) - len(kept)
            )
            events.append(dom.Event(event.type, ids[event.trigger], kept))

        def refused(refusal: Refusal) -> None:
            kind = (relations if refusal.kind == "relation" else events)[refusal.position].type
            self.report.refuse(InputError(where, f"{refusal.kind} {kind}: {refusal.reason}"))

        self.store.merge_links(doc_id, who, relations, events, refused, partial=True)

    def _extend_schema(self, doc: AnnotatedDocument) -> None:
        """Add to the schema the labels, attributes, relation and event types ``doc`` uses;
        a name a schema cannot hold is reported and left out."""
        schema = self.schema
        labels = {label.name: label for label in schema.labels}
        for span in doc.spans:
            if not self._fits(span.label, "label"):
                continue
            label = labels.get(span.label) or LabelSpec(
                span.label, PALETTE[len(labels) % len(PALETTE)]
            )
            missing = [
                AttributeSpec(key, _attribute_type(value))
                for key, value in span.attributes.items()
                if label.attribute(key) is None and self._fits(key, "attribute")
            ]
            if missing or span.label not in labels:
                labels[span.label] = replace(label, attributes=(*label.attributes, *missing))
        relations = {r.name: r for r in schema.relations}
        for relation in doc.relations:
            if self._fits(relation.type, "relation type"):
                relations.setdefault(relation.type, RelationSpec(relation.type, (ANY,), (ANY,)))
        events = {e.name: e for e in schema.events}
        for event in doc.events:
            trigger = doc.spans[event.trigger].label if event.trigger < len(doc.spans) else ANY
            if not self._fits(event.type, "event type") or trigger not in labels:
                continue
            spec = events.get(event.type) or EventSpec(event.type, trigger)
            names = {role for role, _ in event.roles if self._fits(role, "role")}
            new_roles = names - {r.name for r in spec.roles}
            if new_roles or event.type not in events:
                extra = tuple(RoleSpec(role, (ANY,)) for role in sorted(new_roles))
                events[event.type] = replace(spec, roles=(*spec.roles, *extra))
        grown = replace(
            schema,
            labels=tuple(labels.values()),
            relations=tuple(relations.values()),
            events=tuple(events.values()),
        )
        if grown == schema:
            return
        try:
            self.store.set_schema(replace(grown, version=schema.version + 1))
        except AnnotatorError as exc:
            self.report.refuse(InputError(doc.name, f"the schema cannot take these names: {exc}"))
            return
        self.schema = self.store.schema()
        if self.batch is not None:
            self.batch.schema_changed()
        added = len(grown.labels) - len(schema.labels)
        self.report.note(
            f"schema extended: {added} label(s) added, now version {self.schema.version}"
        )

    def _fits(self, name: str, what: str) -> bool:
        """Whether a schema can hold ``name``; reported when it cannot."""
        if is_valid_name(name):
            return True
        self.report.lose(
            f"{what}s the schema cannot name (a name starts with a letter and holds letters, "
            "digits, '_' or '-')"
        )
        return False


def _typed(value: AttributeValue, kind: AttributeType) -> AttributeValue:
    """``value`` as the schema's type when a text-only format wrote it as text ("8" for an
    integer, "true" for a yes/no) and it reads back exactly; otherwise as given."""
    if not isinstance(value, str):
        return value
    try:
        if kind is AttributeType.INTEGER and str(int(value)) == value:
            return int(value)
        if kind is AttributeType.FLOAT and repr(float(value)) == value:
            return float(value)
    except ValueError:
        return value
    if kind is AttributeType.BOOLEAN and value in ("true", "false", "True", "False"):
        return value.lower() == "true"
    return value


def _attribute_type(value: object) -> AttributeType:
    if isinstance(value, bool):
        return AttributeType.BOOLEAN
    if isinstance(value, int):
        return AttributeType.INTEGER
    if isinstance(value, float):
        return AttributeType.FLOAT
    return AttributeType.TEXT
