"""Changing a corpus's schema without losing annotations: usage, renames, removals.

Mixed into :class:`corpus.store.Store`; every method owns its transaction.

Nothing is lost silently. Renames (labels, relation and event types, role and attribute names)
carry the stored annotations along. What the new schema has no place for is deleted only when
the caller approves exactly that loss: spans whose label is gone (with their relations, the
events they trigger and the roles they fill), relations and events whose type is gone, roles
whose name is gone, and stored attribute values the new schema rejects (attribute gone, value
outside the new values, range or type). Such values are removed rather than kept because every
edit of a span is checked against the schema, so a span holding them could never be edited
again. What stays but no longer fits (a relation or role filler whose label the type no longer
allows, a trigger of another label, a span lacking a newly required value) is kept as it is and
reported, for the annotators to mend.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from annotator.document import AttributeValue
from annotator.errors import AnnotatorError
from annotator.schema import LabelSpec, Schema
from corpus.models import Event, EventRole, Relation, SchemaVersion, Span, utcnow
from corpus.schema_renames import apply_renames

Pair = tuple[str, str]


@dataclass(frozen=True)
class SchemaRenames:
    """Names changed by a schema edit, each from the stored name to the new schema's name.

    ``roles`` is keyed by (stored event type, stored role name), ``attributes`` by (stored
    label, stored attribute name).
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    relations: Mapping[str, str] = field(default_factory=dict)
    events: Mapping[str, str] = field(default_factory=dict)
    roles: Mapping[Pair, str] = field(default_factory=dict)
    attributes: Mapping[Pair, str] = field(default_factory=dict)

    def label(self, stored: str) -> str:
        """The new name of the stored label ``stored``."""
        return self.labels.get(stored, stored)


@dataclass(frozen=True)
class SchemaImpact:
    """What applying a new schema does to the stored annotations.

    Losses (deleted or removed, by stored name): ``spans`` by label, ``relations`` and
    ``events`` by type, ``roles`` of events that stay by (event type, role), attribute
    ``values`` by (label, attribute). Kept but no longer fitting: ``missing`` required values
    by (new label, attribute), and counts of unfit relations, event triggers and role fillers.
    """

    spans: Mapping[str, int] = field(default_factory=dict)
    relations: Mapping[str, int] = field(default_factory=dict)
    events: Mapping[str, int] = field(default_factory=dict)
    roles: Mapping[Pair, int] = field(default_factory=dict)
    values: Mapping[Pair, int] = field(default_factory=dict)
    missing: Mapping[Pair, int] = field(default_factory=dict)
    unfit_relations: int = 0
    unfit_events: int = 0
    unfit_roles: int = 0

    def losses(self) -> tuple[dict[Any, int], ...]:
        """The deletions and removals alone, to compare an approved impact with the actual one."""
        return tuple(
            dict(m) for m in (self.spans, self.relations, self.events, self.roles, self.values)
        )

    def loses_anything(self) -> bool:
        """Whether applying the schema deletes annotations or removes attribute values."""
        return any(self.losses())

    def keeps_unfit(self) -> bool:
        """Whether annotations that no longer fit the schema stay in the corpus."""
        return bool(self.missing or self.unfit_relations or self.unfit_events or self.unfit_roles)

    def describe_losses(self) -> str:
        """The losses in one line, e.g. "3 spans (Casualty), 2 relations (caused)"."""
        parts = [
            _counted(self.spans, "span"),
            _counted(self.relations, "relation"),
            _counted(self.events, "event"),
            _counted(self.roles, "event role"),
            _counted(self.values, "attribute value"),
        ]
        return _join([p for p in parts if p])

    def describe_unfit(self) -> str:
        """What stays but no longer fits, in one line (empty when nothing)."""
        parts = [
            _counted(self.missing, "span", "without a value for required"),
            _plural(self.unfit_relations, "relation") + " between labels no longer allowed"
            if self.unfit_relations
            else "",
            _plural(self.unfit_events, "event") + " with a trigger of another label"
            if self.unfit_events
            else "",
            _plural(self.unfit_roles, "event role") + " filled by a label no longer allowed"
            if self.unfit_roles
            else "",
        ]
        return _join([p for p in parts if p])


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _counted(counts: Mapping[Any, int], noun: str, how: str = "") -> str:
    """``counts`` as "5 spans (Actor 3, Casualty 2)"; empty when there are none."""
    total = sum(counts.values())
    if not total:
        return ""
    named = sorted(
        ((".".join(k) if isinstance(k, tuple) else str(k), n) for k, n in counts.items()),
        key=lambda item: item[0].casefold(),  # not the engine's order
    )
    detail = named[0][0] if len(named) == 1 else ", ".join(f"{k} {n}" for k, n in named)
    return f"{_plural(total, noun)} {how + ' ' if how else ''}({detail})"


def _join(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


class SchemaEditsMixin:
    """Schema changes that carry the annotations along (needs ``db`` and the schema methods)."""

    db: pw.Database
    schema: Callable[[], Schema]
    has_schema: Callable[[], bool]
    set_schema: Callable[[Schema], int]

    # -- usage --------------------------------------------------------------------------------

    def label_usage(self) -> dict[str, int]:
        """How many spans carry each stored label."""
        with self.db.atomic():
            query = Span.select(Span.label, pw.fn.COUNT(Span.id)).group_by(Span.label)
            return {str(k): int(n) for k, n in query.tuples()}

    def relation_usage(self) -> dict[str, int]:
        """How many relations there are of each stored type."""
        with self.db.atomic():
            query = Relation.select(Relation.type, pw.fn.COUNT(Relation.id)).group_by(Relation.type)
            return {str(k): int(n) for k, n in query.tuples()}

    def event_usage(self) -> dict[str, int]:
        """How many events there are of each stored type."""
        with self.db.atomic():
            query = Event.select(Event.type, pw.fn.COUNT(Event.id)).group_by(Event.type)
            return {str(k): int(n) for k, n in query.tuples()}

    def role_usage(self) -> dict[Pair, int]:
        """How many role fillers there are, by (event type, role name)."""
        with self.db.atomic():
            query = (
                EventRole.select(Event.type, EventRole.role, pw.fn.COUNT(EventRole.id))
                .join(Event, on=(EventRole.event == Event.id))
                .group_by(Event.type, EventRole.role)
            )
            return {(str(t), str(r)): int(n) for t, r, n in query.tuples()}

    def schema_version(self) -> int | None:
        """The number of the schema version in force (None before the first)."""
        with self.db.atomic():
            version = SchemaVersion.select(pw.fn.MAX(SchemaVersion.id)).scalar()
        return None if version is None else int(version)

    # -- changing the schema ------------------------------------------------------------------

    def schema_impact(self, schema: Schema, renames: SchemaRenames | None = None) -> SchemaImpact:
        """What :meth:`change_schema` with these arguments would delete, remove and keep."""
        renames = renames or SchemaRenames()
        with self.db.atomic():
            _check_renames(schema, renames)
            return self._impact(schema, renames)[0]

    def change_schema(
        self,
        schema: Schema,
        renames: SchemaRenames | None = None,
        *,
        approved: SchemaImpact | None = None,
        based_on: int | None = None,
    ) -> int:
        """Put ``schema`` in force with ``renames`` applied to the annotations; its version.

        Losses (see :class:`SchemaImpact`) are refused unless ``approved`` is the impact
        :meth:`schema_impact` reported and the corpus still matches it. ``based_on`` is the
        version the edit started from: refused if someone has saved another since. One
        transaction, which others' annotation writes wait for.
        """
        renames = renames or SchemaRenames()
        with self._exclusive():
            current = self.schema_version()
            if based_on is not None and current != based_on:
                raise AnnotatorError(
                    f"the schema was changed elsewhere (now version {current}, edited from "
                    f"{based_on}); open the editor again"
                )
            _check_renames(schema, renames)
            impact, rewrites = self._impact(schema, renames)
            if impact.loses_anything():
                if approved is None:
                    raise AnnotatorError(
                        f"the new schema would delete {impact.describe_losses()}; "
                        "approve the deletions first"
                    )
                if approved.losses() != impact.losses():
                    raise AnnotatorError(
                        f"the annotations changed since the deletions were approved: the new "
                        f"schema would now delete {impact.describe_losses()}"
                    )
            apply_renames(renames)
            now = utcnow()
            for span_id, attributes in rewrites.items():
                Span.update(attributes=attributes, version=Span.version + 1, updated_at=now).where(
                    Span.id == span_id
                ).execute()
            _delete_unplaced(schema)
            return self.set_schema(schema)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """A transaction during which nobody else writes annotations or schema versions."""
        top = self.db.transaction_depth() == 0
        is_sqlite = isinstance(self.db, pw.SqliteDatabase)
        with self.db.atomic(lock_type="IMMEDIATE") if top and is_sqlite else self.db.atomic():
            if isinstance(self.db, pw.PostgresqlDatabase):
                tables = ", ".join(
                    f'"{model._meta.table_name}"'
                    for model in (SchemaVersion, Span, Relation, Event, EventRole)
                )
                # Readers go on; writers wait, so what was counted is what gets deleted.
                self.db.execute_sql(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            yield

    def _impact(
        self, schema: Schema, renames: SchemaRenames
    ) -> tuple[SchemaImpact, dict[int, dict[str, AttributeValue]]]:
        """The impact, and the new attributes of each span whose attributes change."""
        old = self.schema() if self.has_schema() else None
        labels = {lb.name for lb in schema.labels}

        def kept(stored_label: str) -> bool:
            return renames.label(stored_label) in labels

        spans: Counter[str] = Counter()
        for label, n in Span.select(Span.label, pw.fn.COUNT(Span.id)).group_by(Span.label).tuples():
            if not kept(label):
                spans[label] += n

        relations: Counter[str] = Counter()
        unfit_relations = 0
        head, tail = Span.alias(), Span.alias()
        rows = (
            Relation.select(Relation.type, head.label, tail.label, pw.fn.COUNT(Relation.id))
            .join(head, on=(Relation.head == head.id))
            .switch(Relation)
            .join(tail, on=(Relation.tail == tail.id))
            .group_by(Relation.type, head.label, tail.label)
        )
        for kind, head_label, tail_label, n in rows.tuples():
            spec = schema.relation(renames.relations.get(kind, kind))
            if spec is None or not kept(head_label) or not kept(tail_label):
                relations[kind] += n
            elif not spec.allows(renames.label(head_label), renames.label(tail_label)):
                unfit_relations += n

        events: Counter[str] = Counter()
        unfit_events = 0
        trigger = Span.alias()
        rows = (
            Event.select(Event.type, trigger.label, pw.fn.COUNT(Event.id))
            .join(trigger, on=(Event.trigger == trigger.id))
            .group_by(Event.type, trigger.label)
        )
        for kind, trigger_label, n in rows.tuples():
            event = schema.event(renames.events.get(kind, kind))
            if event is None or not kept(trigger_label):
                events[kind] += n
            elif event.trigger != renames.label(trigger_label):
                unfit_events += n

        roles: Counter[Pair] = Counter()
        unfit_roles = 0
        trigger, filler = Span.alias(), Span.alias()
        rows = (
            EventRole.select(
                Event.type, trigger.label, EventRole.role, filler.label, pw.fn.COUNT(EventRole.id)
            )
            .join(Event, on=(EventRole.event == Event.id))
            .join(trigger, on=(Event.trigger == trigger.id))
            .switch(EventRole)
            .join(filler, on=(EventRole.span == filler.id))
            .group_by(Event.type, trigger.label, EventRole.role, filler.label)
        )
        for kind, trigger_label, role, filler_label, n in rows.tuples():
            event = schema.event(renames.events.get(kind, kind))
            if event is None or not kept(trigger_label):
                continue  # deleted with its event
            name = renames.roles.get((kind, role), role)
            role_spec = next((r for r in event.roles if r.name == name), None)
            if role_spec is None or not kept(filler_label):
                roles[(kind, role)] += n
            elif not role_spec.allows(renames.label(filler_label)):
                unfit_roles += n

        values, missing, rewrites = _attribute_changes(old, schema, renames, labels)
        impact = SchemaImpact(
            spans=dict(spans),
            relations=dict(relations),
            events=dict(events),
            roles=dict(roles),
            values=values,
            missing=missing,
            unfit_relations=unfit_relations,
            unfit_events=unfit_events,
            unfit_roles=unfit_roles,
        )
        return impact, rewrites


def _check_renames(schema: Schema, renames: SchemaRenames) -> None:
    """Refuse renames to names the new schema does not define."""
    for kind, mapping, find in (
        ("label", renames.labels, schema.label),
        ("relation type", renames.relations, schema.relation),
        ("event type", renames.events, schema.event),
    ):
        for old, new in mapping.items():
            if find(new) is None:
                raise AnnotatorError(
                    f"cannot rename {kind} '{old}' to '{new}': the new schema has no such {kind}"
                )
    for (event, old), new in renames.roles.items():
        spec = schema.event(renames.events.get(event, event))
        if spec is None or all(r.name != new for r in spec.roles):
            raise AnnotatorError(
                f"cannot rename role '{old}' of '{event}' to '{new}': the new schema has no such role"
            )
    for (label, old), new in renames.attributes.items():
        label_spec = schema.label(renames.label(label))
        if label_spec is None or label_spec.attribute(new) is None:
            raise AnnotatorError(
                f"cannot rename attribute '{old}' of '{label}' to '{new}': "
                "the new schema has no such attribute"
            )


def _attribute_changes(
    old: Schema | None, schema: Schema, renames: SchemaRenames, labels: set[str]
) -> tuple[dict[Pair, int], dict[Pair, int], dict[int, dict[str, AttributeValue]]]:
    """Values removed and required values missing, by label and attribute, and new attributes
    by span id, over the spans of the labels whose attributes change."""
    changed: dict[str, tuple[LabelSpec, dict[str, str]]] = {}
    stored_labels = Span.select(Span.label).distinct().scalars()
    for stored in stored_labels:
        if renames.label(stored) not in labels:
            continue  # its spans are deleted
        spec = schema.label(renames.label(stored))
        assert spec is not None
        attribute_renames = {a: b for (lb, a), b in renames.attributes.items() if lb == stored}
        before = old.label(stored) if old is not None else None
        if attribute_renames or before is None or before.attributes != spec.attributes:
            changed[stored] = (spec, attribute_renames)
    values: Counter[Pair] = Counter()
    missing: Counter[Pair] = Counter()
    rewrites: dict[int, dict[str, AttributeValue]] = {}
    if not changed:
        return {}, {}, rewrites
    query = Span.select(Span.id, Span.label, Span.attributes).where(Span.label.in_(list(changed)))
    for span_id, stored, attributes in query.order_by(Span.id).tuples():
        spec, attribute_renames = changed[stored]
        sources = {new: old_name for old_name, new in attribute_renames.items()}
        result: dict[str, AttributeValue] = {}
        for key, value in (attributes or {}).items():
            name = attribute_renames.get(key, key)
            attribute = spec.attribute(name)
            # A value whose name another attribute was renamed to is superseded by that one's.
            superseded = sources.get(name, key) != key
            if attribute is None or superseded or (value is not None and attribute.check(value)):
                values[(stored, key)] += 1
            else:
                result[name] = value
        for attribute in spec.attributes:
            if attribute.required and result.get(attribute.name) is None:
                missing[(spec.name, attribute.name)] += 1
        if result != (attributes or {}):
            rewrites[int(span_id)] = result
    return dict(values), dict(missing), rewrites


def _delete_unplaced(schema: Schema) -> None:
    """Delete the annotations the (renamed-into) schema has no place for."""
    Span.delete().where(Span.label.not_in([lb.name for lb in schema.labels])).execute()
    Relation.delete().where(Relation.type.not_in([r.name for r in schema.relations])).execute()
    Event.delete().where(Event.type.not_in([e.name for e in schema.events])).execute()
    for event in schema.events:
        EventRole.delete().where(
            EventRole.event.in_(Event.select(Event.id).where(Event.type == event.name)),
            EventRole.role.not_in([r.name for r in event.roles]),
        ).execute()
