"""The schema editor's working copy: mutable drafts of labels, attributes, relation and event types.

Drafts refer to labels by object, so renaming a label renames every mention of it; each draft
remembers the name it had in the stored schema (``origin``), from which the renames that carry
the annotations along are derived. Qt-free; :mod:`ui.schema_editor_checks` validates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

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
from corpus.schema_edits import SchemaRenames

# Distinct on light and dark backgrounds (Tableau 10, then its lighter half); new labels take
# the first one no label has yet.
COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
)  # fmt: skip


@dataclass(eq=False)
class AttributeDraft:
    """An attribute being edited; ``spec`` is the original, whose default and description stay."""

    name: str
    type: AttributeType = AttributeType.TEXT
    values: list[str] = field(default_factory=list)
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    origin: str | None = None
    spec: AttributeSpec | None = None

    @classmethod
    def of(cls, spec: AttributeSpec) -> AttributeDraft:
        """A draft of the stored attribute ``spec``."""
        return cls(
            spec.name,
            spec.type,
            list(spec.values),
            spec.minimum,
            spec.maximum,
            spec.required,
            spec.name,
            spec,
        )

    def numeric(self) -> bool:
        """Whether the attribute takes a minimum and maximum."""
        return self.type in (AttributeType.INTEGER, AttributeType.FLOAT)

    def to_spec(self) -> AttributeSpec:
        """The attribute as the schema holds it."""
        numeric = self.numeric()
        spec = AttributeSpec(
            name=self.name,
            type=self.type,
            values=tuple(self.values) if self.type is AttributeType.ENUM else (),
            required=self.required,
            minimum=self.minimum if numeric else None,
            maximum=self.maximum if numeric else None,
            description=self.spec.description if self.spec else "",
        )
        default = self.spec.default if self.spec else None
        if default is not None and spec.check(default) is None:  # a default that still fits
            spec = replace(spec, default=default)
        return spec


@dataclass(eq=False)
class LabelDraft:
    """A span label being edited."""

    name: str
    color: str
    hotkey: str = ""
    attributes: list[AttributeDraft] = field(default_factory=list)
    origin: str | None = None
    description: str = ""

    def new_attribute(self) -> AttributeDraft:
        """A text attribute with a fresh name (not yet added)."""
        return AttributeDraft(fresh_name("attribute", {a.name for a in self.attributes}))

    def to_spec(self) -> LabelSpec:
        """The label as the schema holds it."""
        return LabelSpec(
            self.name,
            self.color,
            self.hotkey or None,
            self.description,
            tuple(a.to_spec() for a in self.attributes),
        )


@dataclass(eq=False)
class LabelChoice:
    """The labels allowed somewhere (a relation's ends, a role): any label, or those listed."""

    any: bool = False
    labels: list[LabelDraft] = field(default_factory=list)

    def names(self) -> tuple[str, ...]:
        """As the schema holds it."""
        return (ANY,) if self.any else tuple(lb.name for lb in self.labels)

    def describe(self) -> str:
        """For a table cell."""
        return "any label" if self.any else ", ".join(lb.name for lb in self.labels)


@dataclass(eq=False)
class RelationDraft:
    """A relation type being edited."""

    name: str
    heads: LabelChoice = field(default_factory=LabelChoice)
    tails: LabelChoice = field(default_factory=LabelChoice)
    origin: str | None = None
    spec: RelationSpec | None = None

    def to_spec(self) -> RelationSpec:
        """The relation type as the schema holds it."""
        symmetric = self.spec.symmetric if self.spec else False
        description = self.spec.description if self.spec else ""
        return RelationSpec(
            self.name, self.heads.names(), self.tails.names(), symmetric, description
        )


@dataclass(eq=False)
class RoleDraft:
    """A role of an event type being edited; ``maximum`` None means any number."""

    name: str
    labels: LabelChoice = field(default_factory=LabelChoice)
    minimum: int = 0
    maximum: int | None = None
    origin: str | None = None

    def cardinality(self) -> str:
        """As the schema file writes it: 1, 0..1, 0..*, ..."""
        if self.maximum == self.minimum:
            return str(self.minimum)
        return f"{self.minimum}..{'*' if self.maximum is None else self.maximum}"


@dataclass(eq=False)
class EventDraft:
    """An event type being edited."""

    name: str
    trigger: LabelDraft | None = None
    roles: list[RoleDraft] = field(default_factory=list)
    origin: str | None = None
    description: str = ""

    def new_role(self) -> RoleDraft:
        """A role any label may fill, with a fresh name (not yet added)."""
        return RoleDraft(fresh_name("role", {r.name for r in self.roles}), LabelChoice(True))

    def to_spec(self) -> EventSpec:
        """The event type as the schema holds it."""
        roles = tuple(RoleSpec(r.name, r.labels.names(), r.minimum, r.maximum) for r in self.roles)
        trigger = self.trigger.name if self.trigger else ""
        return EventSpec(self.name, trigger, roles, self.description)


class SchemaDraft:
    """A whole schema being edited, made from the stored one (or from nothing)."""

    def __init__(self, schema: Schema | None) -> None:
        self.original = schema
        self.labels = [
            LabelDraft(
                lb.name,
                lb.color,
                lb.hotkey or "",
                [AttributeDraft.of(a) for a in lb.attributes],
                lb.name,
                lb.description,
            )
            for lb in (schema.labels if schema else ())
        ]
        by_name = {lb.name: lb for lb in self.labels}

        def choice(names: tuple[str, ...]) -> LabelChoice:
            return LabelChoice(ANY in names, [by_name[n] for n in names if n in by_name])

        self.relations = [
            RelationDraft(r.name, choice(r.heads), choice(r.tails), r.name, r)
            for r in (schema.relations if schema else ())
        ]
        self.events = [
            EventDraft(
                e.name,
                by_name.get(e.trigger),
                [
                    RoleDraft(r.name, choice(r.labels), r.minimum, r.maximum, r.name)
                    for r in e.roles
                ],
                e.name,
                e.description,
            )
            for e in (schema.events if schema else ())
        ]

    # -- edits that touch several drafts ------------------------------------------------------

    def new_label(self) -> LabelDraft:
        """A label with a fresh name and a colour no other label has (not yet added)."""
        used = {lb.color.lower() for lb in self.labels}
        color = next((c for c in COLORS if c not in used), COLORS[len(self.labels) % len(COLORS)])
        return LabelDraft(fresh_name("Label", {lb.name for lb in self.labels}), color)

    def forget_label(self, label: LabelDraft) -> list[str]:
        """Drop every mention of ``label`` (already out of the list of labels), and what cannot
        be without it: the event types it triggers, and the relation types and roles it was
        the only allowed label of. What went with it, described."""
        gone: list[str] = []

        def emptied(choice: LabelChoice) -> bool:
            had = bool(choice.labels)
            choice.labels = [lb for lb in choice.labels if lb is not label]
            return had and not choice.any and not choice.labels

        for event in list(self.events):
            if event.trigger is label:
                self.events.remove(event)
                gone.append(f"event type '{event.name}'")
                continue
            for role in list(event.roles):
                if emptied(role.labels):
                    event.roles.remove(role)
                    gone.append(f"role '{role.name}' of event type '{event.name}'")
        for relation in list(self.relations):
            if emptied(relation.heads) | emptied(relation.tails):  # both, not short-circuited
                self.relations.remove(relation)
                gone.append(f"relation type '{relation.name}'")
        return gone

    def new_relation(self) -> RelationDraft:
        """A relation type between any labels, with a fresh name."""
        name = fresh_name("relation", {r.name for r in self.relations})
        return RelationDraft(name, LabelChoice(True), LabelChoice(True))

    def new_event(self) -> EventDraft:
        """An event type with a fresh name, triggered by the first label."""
        name = fresh_name("Event", {e.name for e in self.events})
        return EventDraft(name, self.labels[0] if self.labels else None)

    # -- results ------------------------------------------------------------------------------

    def to_schema(self) -> Schema:
        """The edited schema (its version one above the original's when anything changed)."""
        original = self.original
        schema = Schema(
            name=original.name if original else "schema",
            labels=tuple(lb.to_spec() for lb in self.labels),
            relations=tuple(r.to_spec() for r in self.relations),
            events=tuple(e.to_spec() for e in self.events),
            description=original.description if original else "",
            version=original.version if original else 1,
            extra=dict(original.extra) if original else {},
            suggestions=dict(original.suggestions) if original else {},
        )
        if original is not None and schema != original:
            schema = replace(schema, version=original.version + 1)
        return schema

    def changed(self) -> bool:
        """Whether the edited schema differs from the original."""
        return self.original is None or self.to_schema() != self.original

    def renames(self) -> SchemaRenames:
        """Each renamed draft's stored name and new name, for the store."""
        return SchemaRenames(
            labels=_renamed(self.labels),
            relations=_renamed(self.relations),
            events=_renamed(self.events),
            roles=_renamed_within((e.origin, e.roles) for e in self.events),
            attributes=_renamed_within((lb.origin, lb.attributes) for lb in self.labels),
        )


def fresh_name(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem`` with the first number that makes it unused."""
    if stem not in taken:
        return stem
    return next(f"{stem}{i}" for i in range(2, len(taken) + 3) if f"{stem}{i}" not in taken)


class _Named(Protocol):
    name: str
    origin: str | None


def _renamed(drafts: Iterable[_Named]) -> dict[str, str]:
    return {d.origin: d.name for d in drafts if d.origin is not None and d.origin != d.name}


def _renamed_within(
    parents: Iterable[tuple[str | None, Iterable[_Named]]],
) -> dict[tuple[str, str], str]:
    """The renamed drafts of stored parents (given as their origin and drafts), keyed by the
    parent's stored name and their own."""
    return {
        (parent, old): new
        for parent, drafts in parents
        if parent is not None
        for old, new in _renamed(drafts).items()
    }
