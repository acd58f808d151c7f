"""Documents, spans, relations and events as plain immutable values.

Offsets are Python string indices (Unicode code points) into the document's text, end exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

AttributeValue = str | int | float | bool | None


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Document:
    """An article as stored: its text (already normalised) and its metadata."""

    text: str
    title: str = ""
    source: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass(frozen=True, eq=True)
class Span:
    """A labelled stretch of a document's text: ``text[start:end]``, with attributes and a note."""

    start: int
    end: int
    label: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(
                f"span offsets must satisfy 0 <= start < end, got {self.start}..{self.end}"
            )
        object.__setattr__(self, "attributes", _frozen(self.attributes))

    def __hash__(self) -> int:
        return hash(
            (self.start, self.end, self.label, tuple(sorted(self.attributes.items())), self.note)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return (self.start, self.end, self.label, dict(self.attributes), self.note) == (
            other.start,
            other.end,
            other.label,
            dict(other.attributes),
            other.note,
        )

    def covered_text(self, text: str) -> str:
        """The slice of ``text`` this span selects."""
        return text[self.start : self.end]


@dataclass(frozen=True)
class Relation:
    """A typed link between two spans, given by their ids in the store."""

    type: str
    head: int
    tail: int


@dataclass(frozen=True)
class Event:
    """An event: a trigger span (by id) and named roles filled by spans (by id)."""

    type: str
    trigger: int
    roles: tuple[tuple[str, int], ...] = ()


class Status:
    """The states of one annotator's work on one document, in workflow order."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REVIEWED = "reviewed"
    LOCKED = "locked"
    ALL = (NEW, IN_PROGRESS, DONE, REVIEWED, LOCKED)
