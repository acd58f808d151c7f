"""The annotation schema: span labels with typed attributes, relation types and event types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from annotator.document import AttributeValue


class AttributeType(Enum):
    """The value types an attribute may take."""

    ENUM = "enum"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    TEXT = "text"


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute of a label: its type, allowed values or range, default and whether required."""

    name: str
    type: AttributeType
    values: tuple[str, ...] = ()
    default: AttributeValue = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""

    def check(self, value: AttributeValue) -> str | None:
        """Why ``value`` is not valid for this attribute, or None when it is."""
        if value is None:
            return f"attribute '{self.name}' is required" if self.required else None
        t = self.type
        if t is AttributeType.ENUM:
            if value not in self.values:
                return f"attribute '{self.name}' must be one of {', '.join(self.values)}, not {value!r}"
            return None
        if t is AttributeType.BOOLEAN:
            return (
                None
                if isinstance(value, bool)
                else f"attribute '{self.name}' must be true or false"
            )
        if t is AttributeType.TEXT:
            return None if isinstance(value, str) else f"attribute '{self.name}' must be text"
        numeric = (int,) if t is AttributeType.INTEGER else (int, float)
        if isinstance(value, bool) or not isinstance(value, numeric):
            return f"attribute '{self.name}' must be {'an integer' if t is AttributeType.INTEGER else 'a number'}"
        if self.minimum is not None and value < self.minimum:
            return f"attribute '{self.name}' must be at least {self.minimum:g}"
        if self.maximum is not None and value > self.maximum:
            return f"attribute '{self.name}' must be at most {self.maximum:g}"
        return None


@dataclass(frozen=True)
class LabelSpec:
    """A span label: name, colour (#rrggbb), optional one-key hotkey, description, attributes."""

    name: str
    color: str
    hotkey: str | None = None
    description: str = ""
    attributes: tuple[AttributeSpec, ...] = ()

    def attribute(self, name: str) -> AttributeSpec | None:
        """The attribute called ``name``, if the label has one."""
        return next((a for a in self.attributes if a.name == name), None)


ANY = "*"  # in allowed-label lists: any span label


@dataclass(frozen=True)
class RelationSpec:
    """A relation type between two spans, with the labels allowed at each end."""

    name: str
    heads: tuple[str, ...]
    tails: tuple[str, ...]
    symmetric: bool = False
    description: str = ""

    def allows(self, head_label: str, tail_label: str) -> bool:
        """Whether a relation of this type may link a ``head_label`` span to a ``tail_label`` one."""
        ok = _allowed(self.heads, head_label) and _allowed(self.tails, tail_label)
        if self.symmetric:
            ok = ok or (_allowed(self.heads, tail_label) and _allowed(self.tails, head_label))
        return ok


def _allowed(labels: tuple[str, ...], label: str) -> bool:
    return ANY in labels or label in labels


@dataclass(frozen=True)
class RoleSpec:
    """A role of an event: the labels that may fill it and how many fillers (max None = many)."""

    name: str
    labels: tuple[str, ...]
    minimum: int = 0
    maximum: int | None = None

    def allows(self, label: str) -> bool:
        """Whether a span labelled ``label`` may fill this role."""
        return _allowed(self.labels, label)


@dataclass(frozen=True)
class EventSpec:
    """An event type: its trigger spans carry ``trigger`` as their label; roles link arguments."""

    name: str
    trigger: str
    roles: tuple[RoleSpec, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Schema:
    """A whole annotation schema, as loaded from a YAML file."""

    name: str
    labels: tuple[LabelSpec, ...]
    relations: tuple[RelationSpec, ...] = ()
    events: tuple[EventSpec, ...] = ()
    description: str = ""
    version: int = 1
    extra: Mapping[str, Any] = field(default_factory=dict)
    # The sources of suggested spans, as plain data (annotator.suggest.config reads it).
    suggestions: Mapping[str, Any] = field(default_factory=dict)

    def label(self, name: str) -> LabelSpec | None:
        """The label called ``name``, if any."""
        return next((lb for lb in self.labels if lb.name == name), None)

    def relation(self, name: str) -> RelationSpec | None:
        """The relation type called ``name``, if any."""
        return next((r for r in self.relations if r.name == name), None)

    def event(self, name: str) -> EventSpec | None:
        """The event type called ``name``, if any."""
        return next((e for e in self.events if e.name == name), None)

    def check_attributes(self, label: str, attributes: Mapping[str, AttributeValue]) -> list[str]:
        """Every reason the attributes of a ``label`` span are invalid (empty when valid)."""
        spec = self.label(label)
        if spec is None:
            return [f"label '{label}' is not in schema '{self.name}'"]
        problems = [
            f"label '{label}' has no attribute '{k}'"
            for k in attributes
            if spec.attribute(k) is None
        ]
        for a in spec.attributes:
            problem = a.check(attributes.get(a.name))
            if problem:
                problems.append(problem)
        return problems
