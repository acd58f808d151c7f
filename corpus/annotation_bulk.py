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
from annotator.schema import EventSpec, Schema
from corpus.annotations import FROZEN_STATUSES, EventRow, RelationRow, RoleRow, domain_span
from corpus.document_writer import reserve_ids
from corpus.filters import DocumentFilter
from corpus.links import Links
from corpus.models import Document, Relation, Span, utcnow

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


class Refusal(NamedTuple):
    """Something of a set that was not stored: its kind ("span", "relation" or "event"), its
    position in the sequence given, and why (the message ``add_span`` and the others give)."""

    kind: str
    position: int
    reason: str


class MergedSpans(NamedTuple):
    """What :meth:`AnnotationBulkMixin.merge_spans` did: the id of each span given (None where
    it was refused) and how many of them were new."""

    ids: list[int | None]
    added: int


OnRefusal = Callable[[Refusal], None]
"""Told about each refused span, relation or event (which is then left out)."""

_SpanKey = tuple[int, int, str]


class _SetState:
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


def _refuse(refusal: Refusal, refused: OnRefusal | None) -> None:
    if refused is None:
        raise AnnotatorError(refusal.reason)
    refused(refusal)


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
        with self.db.atomic():
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

    def _set_state(self, doc_id: int, annotator: str) -> _SetState:
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
        return _SetState(
            doc_id,
            name,
            int(length),
            None if annotator_id is None else int(annotator_id),
            None if set_id is None else int(set_id),
            dom.Status.NEW if status is None else str(status),
        )

    def _stored_spans(self, set_id: int) -> dict[_SpanKey, tuple[int | None, dom.Span]]:
        """The set's spans by offsets and label, with their ids."""
        cursor = self.db.execute_sql(
            'SELECT "id", "start", "end", "label", "attributes", "note", "fragments" '
            f'FROM "span" WHERE "annotation_set_id" = {self.db.param}',
            (set_id,),
        )
        attributes, fragments = Span.attributes.python_value, Span.fragments.python_value
        found: dict[_SpanKey, tuple[int | None, dom.Span]] = {}
        for span_id, start, end, label, attrs, note, pieces in cursor.fetchall():
            span = domain_span(start, end, label, attributes(attrs), note, fragments(pieces))
            found[(start, end, label)] = (int(span_id), span)
        return found

    def _insert_spans(self, state: _SetState, spans: list[dom.Span]) -> list[int]:
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
        (``annotator``'s, or everyone's by name): what an export reads, in a few queries per
        ``chunk`` documents, not several per document."""
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
        sorted by name), by document, in five queries per :data:`READ_CHUNK` documents."""
        found: dict[int, list[StoredSet]] = {}
        p = self.db.param
        for chunk in chunked(doc_ids, READ_CHUNK):
            params: list[object] = list(chunk)
            sql = (
                'SELECT s."id", s."document_id", a."name", s."status" FROM "annotation_set" s '
                'JOIN "annotator" a ON a."id" = s."annotator_id" '
                f'WHERE s."document_id" IN ({self._marks(params)})'
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
        with self.db.atomic():
            state = self._set_state(doc_id, annotator)
            links = _SetLinks(self, state)
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


class _SetLinks:
    """One set's relations and events while links are merged into it: its spans' labels, the
    links it holds (to skip identical ones), and the schema."""

    def __init__(self, store: AnnotationBulkMixin, state: _SetState) -> None:
        self.store = store
        self.state = state
        self.db = store.db
        self.schema = store._checks().schema
        self.labels: dict[int, str] = {}
        self.relations: set[tuple[str, int, int]] = set()
        self.events: set[tuple[str, int, tuple[tuple[str, int], ...]]] = set()
        if state.id is None:
            return
        p = self.db.param
        self.labels = {
            int(i): str(label)
            for i, label in self.db.execute_sql(
                f'SELECT "id", "label" FROM "span" WHERE "annotation_set_id" = {p}', (state.id,)
            ).fetchall()
        }
        self.relations = {
            (str(t), int(h), int(tl))
            for t, h, tl in self.db.execute_sql(
                f'SELECT "type", "head_id", "tail_id" FROM "relation" WHERE "annotation_set_id" = {p}',
                (state.id,),
            ).fetchall()
        }
        roles: dict[int, list[tuple[str, int]]] = {}
        for event_id, role, span_id in self.db.execute_sql(
            'SELECT r."event_id", r."role", r."span_id" FROM "event_role" r '
            f'JOIN "event" e ON e."id" = r."event_id" WHERE e."annotation_set_id" = {p}',
            (state.id,),
        ).fetchall():
            roles.setdefault(int(event_id), []).append((str(role), int(span_id)))
        self.events = {
            (str(t), int(trigger), tuple(sorted(roles.get(int(i), ()))))
            for i, t, trigger in self.db.execute_sql(
                f'SELECT "id", "type", "trigger_id" FROM "event" WHERE "annotation_set_id" = {p}',
                (state.id,),
            ).fetchall()
        }

    def _home(self, span_id: int) -> tuple[int | None, str]:
        """The set and label of a span: this set's, or another's (read)."""
        label = self.labels.get(span_id)
        if label is not None:
            return self.state.id, label
        return self.store._span_home(span_id)

    def relation(self, index: int, relation: dom.Relation, refused: OnRefusal | None) -> None:
        key = (relation.type, relation.head, relation.tail)
        if key in self.relations:
            return
        try:
            reason = self._relation_problem(relation)
        except AnnotatorError as exc:
            reason = str(exc)
        if reason is not None:
            _refuse(Refusal("relation", index, reason), refused)
            return
        p = self.db.param
        self.db.execute_sql(
            'INSERT INTO "relation" ("annotation_set_id", "type", "head_id", "tail_id", '
            f'"attributes", "created_at") VALUES ({p}, {p}, {p}, {p}, {self._json_param}, {p})',
            (self.state.id, *key, self.store._json({}), self._stamp()),
        )
        self.relations.add(key)

    def _relation_problem(self, relation: dom.Relation) -> str | None:
        head_set, head_label = self._home(relation.head)
        tail_set, tail_label = self._home(relation.tail)
        if head_set != tail_set or head_set != self.state.id:
            return "a relation links spans of one annotator on one document"
        if relation.head == relation.tail:
            return "a relation links two different spans"
        spec = self.schema.relation(relation.type)
        if spec is None:
            return f"relation type '{relation.type}' is not in the schema"
        if not spec.allows(head_label, tail_label):
            return f"relation '{relation.type}' cannot link {head_label} to {tail_label}"
        return self.state.frozen()

    def event(self, index: int, event: dom.Event, refused: OnRefusal | None, partial: bool) -> None:
        signature = (event.type, event.trigger, tuple(sorted(event.roles)))
        if signature in self.events:
            return
        try:
            reason = self._event_problem(event, partial)
        except AnnotatorError as exc:
            reason = str(exc)
        if reason is not None:
            _refuse(Refusal("event", index, reason), refused)
            return
        p = self.db.param
        event_id = self.store._insert_returning_id(
            'INSERT INTO "event" ("annotation_set_id", "type", "trigger_id", "attributes", '
            f'"created_at") VALUES ({p}, {p}, {p}, {self._json_param}, {p})',
            (self.state.id, event.type, event.trigger, self.store._json({}), self._stamp()),
        )
        if event.roles:
            self.db.cursor().executemany(
                f'INSERT INTO "event_role" ("event_id", "role", "span_id") VALUES ({p}, {p}, {p})',
                [(event_id, role, span_id) for role, span_id in event.roles],
            )
        self.events.add(signature)

    def _event_problem(self, event: dom.Event, partial: bool) -> str | None:
        trigger_set, trigger_label = self._home(event.trigger)
        if trigger_set != self.state.id:
            return "an event's trigger is a span of the same annotator and document"
        spec = self.schema.event(event.type)
        if spec is None:
            return f"event type '{event.type}' is not in the schema"
        if trigger_label != spec.trigger:
            return (
                f"the trigger of a '{event.type}' event must be a {spec.trigger} span, "
                f"not {trigger_label}"
            )
        for role, span_id in event.roles:
            problem = self._role_problem(spec, trigger_set, role, span_id)
            if problem is not None:
                return problem
        for role_spec in spec.roles:
            n = sum(1 for role, _ in event.roles if role == role_spec.name)
            too_few = n < role_spec.minimum and not partial
            if too_few or (role_spec.maximum is not None and n > role_spec.maximum):
                return (
                    f"event '{event.type}' has {n} '{role_spec.name}' roles, outside its "
                    "cardinality"
                )
        return self.state.frozen()

    def _role_problem(
        self, spec: EventSpec, set_id: int | None, role: str, span_id: int
    ) -> str | None:
        role_spec = next((r for r in spec.roles if r.name == role), None)
        if role_spec is None:
            return f"event '{spec.name}' has no role '{role}'"
        filler_set, label = self._home(span_id)
        if filler_set != set_id:
            return "an event's roles are filled by spans of the same annotator and document"
        if not role_spec.allows(label):
            return (
                f"role '{role}' of '{spec.name}' takes {', '.join(role_spec.labels)}, not {label}"
            )
        return None

    @property
    def _json_param(self) -> str:
        return self.db.param if self.store._postgres else "json(?)"

    def _stamp(self) -> Any:
        now = utcnow()
        return now if self.store._postgres else now.isoformat(" ")


class SpanPlan(NamedTuple):
    """Which of the spans given to a set are stored already and which are new."""

    ids: list[int | None]
    """The stored id of each span there already (None for the others)."""
    new: dict[_SpanKey, list[int]]
    """For each new span, by offsets and label, the indexes of it and its identical copies."""
    spans: list[dom.Span]
    """The new spans, one per key of ``new``, in its order."""


def plan_spans(
    spans: Sequence[dom.Span],
    taken: dict[_SpanKey, tuple[int | None, dom.Span]],
    length: int,
    checks: SpanChecks,
    blocked: str | None,
    refused: OnRefusal | None,
) -> SpanPlan:
    """Sort ``spans`` for a set holding ``taken`` (its spans by offsets and label, with their
    ids) on a text of ``length``: a span identical to one there is not added again, and one
    that ``add_span`` would refuse (``blocked`` says why the set takes none) is passed to
    ``refused`` and left out, or raises without ``refused``. ``taken`` gets the new spans."""
    ids: list[int | None] = [None] * len(spans)
    new: dict[_SpanKey, list[int]] = {}
    stored_as, problem = taken.get, checks.problem
    for index, span in enumerate(spans):
        key = (span.start, span.end, span.label)
        stored = stored_as(key)
        if stored is not None and stored[1] == span:  # there already: not again
            if stored[0] is None:
                new[key].append(index)
            else:
                ids[index] = stored[0]
            continue
        # add_span's checks, in its order
        if span.end > length:
            reason: str | None = (
                f"span {span.start}..{span.end} runs past the end of the text ({length})"
            )
        else:
            reason = problem(span) or blocked
        if reason is None and stored is not None:
            reason = f"the same {span.label} span ({span.start}..{span.end}) is there already"
        if reason is not None:
            _refuse(Refusal("span", index, reason), refused)
            continue
        taken[key] = (None, span)
        new[key] = [index]
    return SpanPlan(ids, new, [taken[key][1] for key in new])


class SpanChecks:
    """A schema's verdicts on spans' labels and attributes, kept by label and attributes (an
    import meets the same few again and again)."""

    def __init__(self, version: int, schema: Schema) -> None:
        self.version = version
        self.schema = schema
        self._verdicts: dict[tuple[str, tuple[tuple[str, Any], ...]], str | None] = {}

    def problem(self, span: dom.Span) -> str | None:
        """Why ``add_span`` would refuse ``span`` for its label or attributes, or None."""
        key = (span.label, tuple(sorted(span.attributes.items())) if span.attributes else ())
        try:
            return self._verdicts[key]
        except KeyError:
            pass
        except TypeError:  # an attribute value that cannot be a key: not kept
            return "; ".join(self.schema.check_attributes(span.label, span.attributes)) or None
        if len(self._verdicts) > 10_000:
            self._verdicts.clear()
        verdict = "; ".join(self.schema.check_attributes(span.label, span.attributes)) or None
        self._verdicts[key] = verdict
        return verdict


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
