"""A whole annotation set at once: one annotator's spans on a document, with the relations and
events between them, merged into what is stored in one transaction.

Adding spans one by one (``add_span``) costs about nine statements a span, each composed anew by
peewee; an import of 200,000 spans spent nearly all its time there. Here a set costs a handful
of prepared statements, and the spans go in by one ``executemany`` with ids reserved for them
(:func:`corpus.document_writer.reserve_ids`; ``executemany`` gives none back). The checks
(:func:`plan_spans`, which an import's batch of new documents uses too) are those of
``add_span``, ``add_relation`` and ``add_event``, with the same messages, made in Python against
the schema and the set's stored spans, read once: a span must fit the text and the schema, the
set must be writable, and a span, relation or event identical to a stored one is not added again
(a span with the same offsets and label but other attributes is refused).

The other way, for exports: many documents with their sets, read in a few queries per 200
documents where reading them one by one took seven per document.

Mixed into :class:`corpus.store.Store`; every method owns its transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

import peewee as pw
from peewee import chunked

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import Schema
from corpus.annotations import FROZEN_STATUSES, EventRow, RelationRow, RoleRow, domain_span
from corpus.document_writer import reserve_ids
from corpus.edit_rows import RELATION_KEY, refusing_repeats
from corpus.filters import DocumentFilter
from corpus.links import Links
from corpus.models import Document, Relation, Span, utcnow
from corpus.set_links import SetLinks
from corpus.span_plan import OnRefusal, SpanChecks, SpanKey, plan_spans
from corpus.worked_sets import holds_work

READ_CHUNK = 200
"""Documents read at a time by :meth:`AnnotationBulkMixin.documents_with_sets`."""

_DOCUMENT_FIELDS = (
    Document.id,
    Document.text,
    Document.title,
    Document.source,
    Document.author,
    Document.published,
    Document.language,
    Document.metadata,
)


class MergedSpans(NamedTuple):
    """What :meth:`AnnotationBulkMixin.merge_spans` did: the id of each span given (None where
    it was refused) and how many of them were new."""

    ids: list[int | None]
    added: int


class SetState:
    """A document's length and an annotator's set on it, as read once: the annotator's id and
    the set's (None until they exist), and the set's status."""

    def __init__(
        self,
        doc_id: int,
        annotator: str,
        length: int,
        annotator_id: int | None,
        set_id: int | None,
        status: str,
    ) -> None:
        self.doc_id = doc_id
        self.annotator = annotator
        self.length = length
        self.annotator_id = annotator_id
        self.id = set_id
        self.status = status

    def frozen(self) -> str | None:
        """Why the set cannot change, or None when it can."""
        if self.status not in FROZEN_STATUSES:
            return None
        return (
            f"document {self.doc_id} is {self.status} for {self.annotator}: set its status back "
            "to in progress to change its annotations"
        )


class StoredSet(NamedTuple):
    """One annotator's annotations of one document as read in bulk: the annotator, their
    status, the spans (with their ids, in text order) and the links between them."""

    annotator: str
    status: str
    spans: list[tuple[int, dom.Span]]
    links: Links


class AnnotationBulkMixin:
    """Bulk annotation methods of the store (needs ``db``, ``schema()`` and ``annotator_id()``)."""

    db: pw.Database
    schema: Callable[[], Schema]
    annotator_id: Callable[[str], int]

    def add_annotation_set(
        self,
        doc_id: int,
        annotator: str,
        spans: Sequence[dom.Span],
        relations: Sequence[dom.Relation] = (),
        events: Sequence[dom.Event] = (),
        partial_events: bool = False,
    ) -> list[int]:
        """Store the annotator's ``spans`` on the document with ``relations`` and ``events``
        between them (their ends, triggers and role fillers given by index in ``spans``), all
        or none, in one transaction; returns the id of each span.

        Spans, relations and events identical to stored ones are not added twice (an identical
        span's id is the stored one's); anything ``add_span``, ``add_relation`` or ``add_event``
        would refuse makes this refuse the whole set.
        """
        with self.db.atomic():
            ids = [i for i in self.merge_spans(doc_id, annotator, spans).ids if i is not None]
            assert len(ids) == len(spans)  # without ``refused``, a refusal raises
            self.merge_links(
                doc_id,
                annotator,
                [dom.Relation(r.type, _at(ids, r.head), _at(ids, r.tail)) for r in relations],
                [
                    dom.Event(
                        e.type,
                        _at(ids, e.trigger),
                        tuple((role, _at(ids, i)) for role, i in e.roles),
                    )
                    for e in events
                ],
                partial=partial_events,
            )
        return ids

    # -- spans --------------------------------------------------------------------------------

    def merge_spans(
        self,
        doc_id: int,
        annotator: str,
        spans: Sequence[dom.Span],
        refused: OnRefusal | None = None,
    ) -> MergedSpans:
        """Store those of ``spans`` that the annotator's set on the document lacks, in one
        transaction; returns each span's id. Without ``refused``, a span ``add_span`` would
        refuse refuses them all (nothing is stored); with it, that span is passed to it and
        left out, and the others are stored."""
        if not spans:
            return MergedSpans([], 0)
        checks = self._checks()
        with refusing_repeats(), self.db.atomic():
            state = self._set_state(doc_id, annotator)
            # add_span's checks of the set, the same for every span
            blocked = (None if state.annotator else "an annotator needs a name") or state.frozen()
            taken = self._stored_spans(state.id) if state.id is not None else {}
            plan = plan_spans(spans, taken, state.length, checks, blocked, refused)
            if plan.new:
                new_ids = self._insert_spans(state, plan.spans)
                for indexes, new_id in zip(plan.new.values(), new_ids, strict=True):
                    for index in indexes:
                        plan.ids[index] = new_id
        return MergedSpans(plan.ids, len(plan.new))

    def _checks(self) -> SpanChecks:
        """The checks of the schema in force, kept while it stays in force (``schema()`` would
        compose its query again for every set, which takes about as long as storing one)."""
        version = self.db.execute_sql('SELECT MAX("id") FROM "schema_version"').fetchone()[0]
        checks: SpanChecks | None = getattr(self, "_bulk_checks", None)
        if checks is None or checks.version != version:
            checks = SpanChecks(version, self.schema())
            self._bulk_checks = checks
        return checks

    def _set_state(self, doc_id: int, annotator: str) -> SetState:
        """The document's length and the annotator's set on it as it stands, in one query."""
        name = annotator.strip()
        p = self.db.param
        row = self.db.execute_sql(
            'SELECT LENGTH(d."text"), a."id", s."id", s."status" FROM "document" d '
            f'LEFT JOIN "annotator" a ON a."name" = {p} '
            'LEFT JOIN "annotation_set" s ON s."document_id" = d."id" AND s."annotator_id" = a."id" '
            f'WHERE d."id" = {p}',
            (name, doc_id),
        ).fetchone()
        if row is None:
            raise AnnotatorError(f"no document with id {doc_id}")
        length, annotator_id, set_id, status = row
        return SetState(
            doc_id,
            name,
            int(length),
            None if annotator_id is None else int(annotator_id),
            None if set_id is None else int(set_id),
            dom.Status.NEW if status is None else str(status),
        )

    def _stored_spans(self, set_id: int) -> dict[SpanKey, tuple[int | None, dom.Span]]:
        """The set's spans by offsets and label, with their ids."""
        cursor = self.db.execute_sql(
            'SELECT "id", "start", "end", "label", "attributes", "note", "fragments" '
            f'FROM "span" WHERE "annotation_set_id" = {self.db.param}',
            (set_id,),
        )
        attributes, fragments = Span.attributes.python_value, Span.fragments.python_value
        found: dict[SpanKey, tuple[int | None, dom.Span]] = {}
        for span_id, start, end, label, attrs, note, pieces in cursor.fetchall():
            span = domain_span(start, end, label, attributes(attrs), note, fragments(pieces))
            found[(start, end, label)] = (int(span_id), span)
        return found

    def _insert_spans(self, state: SetState, spans: list[dom.Span]) -> list[int]:
        """Insert ``spans`` (none of them stored yet, no two with the same offsets and label)
        into the set, creating it if need be, and mark it in progress; their new ids."""
        p = self.db.param
        postgres = self._postgres
        now = utcnow()
        stamp: Any = now if postgres else now.isoformat(" ")  # as peewee stores it
        if state.id is None:
            state.id = self._insert_returning_id(
                'INSERT INTO "annotation_set" ("document_id", "annotator_id", "status", '
                f'"updated_at") VALUES ({p}, {p}, {p}, {p})',
                (
                    state.doc_id,
                    state.annotator_id or self.annotator_id(state.annotator),
                    dom.Status.IN_PROGRESS,
                    stamp,
                ),
            )
        else:
            self.db.execute_sql(
                f'UPDATE "annotation_set" SET "status" = CASE WHEN "status" = {p} THEN {p} '
                f'ELSE "status" END, "updated_at" = {p} WHERE "id" = {p}',
                (dom.Status.NEW, dom.Status.IN_PROGRESS, stamp, state.id),
            )
        ids = reserve_ids(self.db, "span", len(spans))
        self._insert_span_rows(
            ((span_id, state.id, span) for span_id, span in zip(ids, spans, strict=True)), stamp
        )
        return ids

    def _insert_span_rows(self, spans: Iterable[tuple[int, int, dom.Span]], stamp: Any) -> None:
        """Insert spans, each with the id it is to have and its set's, their values converted
        as the model's fields convert them. Those without attributes or fragments (most) go in
        by a statement of their own with those values written out, which spares SQLite two
        ``json()`` calls a row, about a third of the insert's time."""
        p = self.db.param
        json_param = p if self._postgres else "json(?)"  # peewee's JSONField wraps it so
        no_attributes = self._json({})
        plain: list[tuple[Any, ...]] = []
        other: list[tuple[Any, ...]] = []
        for span_id, set_id, s in spans:
            if not s.attributes and not s.fragments:
                plain.append((span_id, set_id, s.start, s.end, s.label, s.note, stamp, stamp))
                continue
            attributes = self._json(dict(s.attributes)) if s.attributes else no_attributes
            fragments = self._json([list(f) for f in s.fragments]) if s.fragments else None
            row = (span_id, set_id, s.start, s.end, s.label, attributes, s.note, fragments)
            other.append((*row, stamp, stamp))
        columns = (
            'INSERT INTO "span" ("id", "annotation_set_id", "start", "end", "label", '
            '"attributes", "note", "fragments", "version", "created_at", "updated_at") '
        )
        cursor = self.db.cursor()
        if plain:
            cursor.executemany(
                columns + f"VALUES ({p}, {p}, {p}, {p}, {p}, '{{}}', {p}, NULL, 1, {p}, {p})",
                plain,
            )
        if other:
            cursor.executemany(
                columns
                + f"VALUES ({p}, {p}, {p}, {p}, {p}, {json_param}, {p}, {json_param}, 1, {p}, {p})",
                other,
            )

    # -- reading many documents' sets ---------------------------------------------------------

    def documents_with_sets(
        self,
        flt: DocumentFilter | None = None,
        annotator: str | None = None,
        chunk: int = READ_CHUNK,
    ) -> Iterator[tuple[dom.Document, list[StoredSet]]]:
        """The documents ``flt`` keeps, streamed in id order, each with its annotation sets
        (``annotator``'s, or everyone's by name; none that was only opened, see
        :meth:`stored_sets`): what an export reads, in a few queries per ``chunk`` documents,
        not several per document."""
        query = (flt or DocumentFilter()).apply(Document.select(*_DOCUMENT_FIELDS))
        last = 0
        while True:
            rows = list(query.where(Document.id > last).order_by(Document.id).limit(chunk).tuples())
            if not rows:
                return
            last = rows[-1][0]
            sets = self.stored_sets([row[0] for row in rows], annotator)
            for doc_id, text, title, source, author, published, language, metadata in rows:
                document = dom.Document(
                    id=doc_id,
                    text=text,
                    title=title,
                    source=source,
                    author=author,
                    published=published,
                    language=language,
                    metadata=metadata or {},
                )
                yield document, sets.get(doc_id, [])

    def stored_sets(
        self, doc_ids: Sequence[int], annotator: str | None = None
    ) -> dict[int, list[StoredSet]]:
        """The annotation sets of the documents ``doc_ids`` (``annotator``'s, or everyone's
        sorted by name), by document, in five queries per :data:`READ_CHUNK` documents.

        A set still new that holds no span, relation or event is left out: opening a document
        (which stores suggestions on the viewer's set) makes one, and the document is no more
        annotated by that viewer than before. A set in any other status is kept, even empty."""
        found: dict[int, list[StoredSet]] = {}
        p = self.db.param
        for chunk in chunked(doc_ids, READ_CHUNK):
            params: list[object] = list(chunk)
            sql = (
                'SELECT s."id", s."document_id", a."name", s."status" FROM "annotation_set" s '
                'JOIN "annotator" a ON a."id" = s."annotator_id" '
                f'WHERE s."document_id" IN ({self._marks(chunk)}) '
                f"AND {holds_work('s')}"
            )
            if annotator is not None:
                sql += f' AND a."name" = {p}'
                params.append(annotator)
            sets = {
                int(set_id): (int(doc_id), str(name), str(status))
                for set_id, doc_id, name, status in self.db.execute_sql(sql, params).fetchall()
            }
            if not sets:
                continue
            spans = self._spans_of_sets(list(sets))
            relations, events, roles = self._links_of_sets(list(sets))
            for set_id, (doc_id, name, status) in sorted(sets.items(), key=lambda s: s[1][1]):
                found.setdefault(doc_id, []).append(
                    StoredSet(
                        name,
                        status,
                        spans.get(set_id, []),
                        Links(
                            tuple(relations.get(set_id, ())),
                            tuple(events.get(set_id, ())),
                            tuple(roles.get(set_id, ())),
                        ),
                    )
                )
        return found

    def _spans_of_sets(self, set_ids: list[int]) -> dict[int, list[tuple[int, dom.Span]]]:
        """The spans of the sets, by set, each in text order (as ``spans()`` orders them)."""
        cursor = self.db.execute_sql(
            'SELECT "annotation_set_id", "id", "start", "end", "label", "attributes", "note", '
            f'"fragments" FROM "span" WHERE "annotation_set_id" IN ({self._marks(set_ids)}) '
            'ORDER BY "annotation_set_id", "start", "end", "id"',
            set_ids,
        )
        spans: dict[int, list[tuple[int, dom.Span]]] = {}
        current: list[tuple[int, dom.Span]] = []
        current_set = None
        json_value = _json_reader(self.db)
        for set_id, span_id, start, end, label, attributes, note, fragments in cursor:
            if set_id != current_set:
                current = spans.setdefault(set_id, [])
                current_set = set_id
            current.append(
                (
                    span_id,
                    domain_span(
                        start,
                        end,
                        label,
                        json_value(attributes),
                        note,
                        None if fragments is None else json_value(fragments),
                    ),
                )
            )
        return spans

    def _links_of_sets(
        self, set_ids: list[int]
    ) -> tuple[dict[int, list[RelationRow]], dict[int, list[EventRow]], dict[int, list[RoleRow]]]:
        """The relations, events and event roles of the sets, by set, in id order (their
        values converted as the models convert them)."""
        marks = self._marks(set_ids)
        attributes, created = Relation.attributes.python_value, Relation.created_at.python_value
        relations: dict[int, list[RelationRow]] = {}
        for set_id, row_id, kind, head, tail, attrs, made in self.db.execute_sql(
            'SELECT "annotation_set_id", "id", "type", "head_id", "tail_id", "attributes", '
            f'"created_at" FROM "relation" WHERE "annotation_set_id" IN ({marks}) ORDER BY "id"',
            set_ids,
        ).fetchall():
            row = RelationRow(row_id, kind, head, tail, attributes(attrs) or {}, created(made))
            relations.setdefault(set_id, []).append(row)
        events: dict[int, list[EventRow]] = {}
        for set_id, row_id, kind, trigger, attrs, made in self.db.execute_sql(
            'SELECT "annotation_set_id", "id", "type", "trigger_id", "attributes", "created_at" '
            f'FROM "event" WHERE "annotation_set_id" IN ({marks}) ORDER BY "id"',
            set_ids,
        ).fetchall():
            event = EventRow(row_id, kind, trigger, attributes(attrs) or {}, created(made))
            events.setdefault(set_id, []).append(event)
        roles: dict[int, list[RoleRow]] = {}
        if events:
            with_events = list(events)
            for set_id, *role in self.db.execute_sql(
                'SELECT e."annotation_set_id", r."id", r."event_id", r."role", r."span_id" '
                'FROM "event_role" r JOIN "event" e ON e."id" = r."event_id" '
                f'WHERE e."annotation_set_id" IN ({self._marks(with_events)}) ORDER BY r."id"',
                with_events,
            ).fetchall():
                roles.setdefault(set_id, []).append(RoleRow(*role))
        return relations, events, roles

    def _marks(self, values: Sequence[object]) -> str:
        return ", ".join([self.db.param] * len(values))

    @property
    def _postgres(self) -> bool:
        return isinstance(self.db, pw.PostgresqlDatabase)

    def _json(self, value: object) -> Any:
        """A JSON column's parameter: text for SQLite (wrapped in json()), the driver's JSON
        adapter for PostgreSQL, as peewee's JSONField passes it."""
        if self._postgres:
            return Span.attributes.db_value(value)
        return json.dumps(value)

    def _insert_returning_id(self, sql: str, params: Sequence[Any]) -> int:
        if self._postgres:
            return int(self.db.execute_sql(sql + ' RETURNING "id"', params).fetchone()[0])
        return int(self.db.execute_sql(sql, params).lastrowid)

    # -- relations and events -----------------------------------------------------------------

    def merge_links(
        self,
        doc_id: int,
        annotator: str,
        relations: Sequence[dom.Relation],
        events: Sequence[dom.Event],
        refused: OnRefusal | None = None,
        partial: bool = False,
    ) -> None:
        """Store the relations and events (between spans given by id) that the annotator's set
        on the document lacks, in one transaction. Each is checked as ``add_relation`` and
        ``add_event`` (``partial`` as there) check it; without ``refused`` the first refused
        one refuses them all, with it that one is passed to it and left out."""
        if not relations and not events:
            return
        with refusing_repeats("the same link", RELATION_KEY), self.db.atomic():
            state = self._set_state(doc_id, annotator)
            links = SetLinks(self, state)
            for index, relation in enumerate(relations):
                links.relation(index, relation, refused)
            for index, event in enumerate(events):
                links.event(index, event, refused, partial)

    def _span_home(self, span_id: int) -> tuple[int, str]:
        """The set and label of the span ``span_id`` (any set's)."""
        row = self.db.execute_sql(
            f'SELECT "annotation_set_id", "label" FROM "span" WHERE "id" = {self.db.param}',
            (span_id,),
        ).fetchone()
        if row is None:
            raise AnnotatorError(f"no span with id {span_id}")
        return int(row[0]), str(row[1])


def _json_reader(db: pw.Database) -> Callable[[Any], Any]:
    """Turns a JSON column's value as the driver gives it into Python values (PostgreSQL's
    driver has already parsed it; SQLite gives text, mostly an empty object)."""
    if isinstance(db, pw.PostgresqlDatabase):
        return lambda value: value

    def parse(value: Any) -> Any:
        if value == "{}":
            return {}
        return json.loads(value) if isinstance(value, str | bytes) else value

    return parse


def _at(ids: list[int], index: int) -> int:
    """The id of the span at ``index`` of a set being added."""
    if not 0 <= index < len(ids):
        raise AnnotatorError(f"no span at index {index} of the set")
    return ids[index]
