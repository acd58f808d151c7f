"""Documents, spans, relations and events as plain immutable values.

Offsets are Python string indices (Unicode code points) into the document's text, end exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType
from typing import Any

AttributeValue = str | int | float | bool | None


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping)) if mapping else _NO_ATTRIBUTES


_NO_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})  # shared: it cannot change


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
    """A labelled stretch of a document's text: ``text[start:end]``, with attributes and a note.

    A discontinuous span (brat's "5 7;9 10") also lists its ``fragments``, (start, end) pairs
    in text order that neither overlap nor touch; ``start`` and ``end`` are then those of the
    first and last fragment. A contiguous span has no fragments.
    """

    start: int
    end: int
    label: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    note: str = ""
    fragments: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(
                f"span offsets must satisfy 0 <= start < end, got {self.start}..{self.end}"
            )
        object.__setattr__(self, "attributes", _frozen(self.attributes))
        if self.fragments:
            pieces = tuple((int(a), int(b)) for a, b in self.fragments)
            object.__setattr__(self, "fragments", pieces)
            _check_fragments(self.start, self.end, pieces)

    @classmethod
    def plain(cls, start: int, end: int, label: str) -> Span:
        """``Span(start, end, label)``, made about four times as fast: a reader may make
        hundreds of thousands of spans without attributes, notes or fragments."""
        if not 0 <= start < end:
            raise ValueError(f"span offsets must satisfy 0 <= start < end, got {start}..{end}")
        span = object.__new__(cls)
        fields = span.__dict__  # as the generated __init__ sets them, without its checks
        fields["start"] = start
        fields["end"] = end
        fields["label"] = label
        fields["attributes"] = _NO_ATTRIBUTES
        fields["note"] = ""
        fields["fragments"] = ()
        return span

    def _key(self) -> tuple[Any, ...]:
        return (self.start, self.end, self.label, self.note, self.fragments)

    def __hash__(self) -> int:
        return hash((*self._key(), tuple(sorted(self.attributes.items()))))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Span):
            return NotImplemented
        return (*self._key(), dict(self.attributes)) == (*other._key(), dict(other.attributes))

    def pieces(self) -> tuple[tuple[int, int], ...]:
        """The (start, end) stretches the span covers: its fragments, or its one range."""
        return self.fragments or ((self.start, self.end),)

    def covered_text(self, text: str) -> str:
        """The slice of ``text`` from the span's start to its end (gaps included)."""
        return text[self.start : self.end]


def _check_fragments(start: int, end: int, fragments: tuple[tuple[int, int], ...]) -> None:
    if len(fragments) < 2:
        raise ValueError("a discontinuous span has at least two fragments")
    if fragments[0][0] != start or fragments[-1][1] != end:
        raise ValueError(
            f"fragments {fragments} must start at the span's start {start} and end at its end {end}"
        )
    for (a, b), (c, d) in pairwise(fragments):
        if not (a < b < c < d):
            raise ValueError(f"fragments {fragments} must be in order, apart and not empty")


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
