"""A suggestion is a span proposed by a source, for an annotator to accept or reject."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from annotator.document import AttributeValue, Span


@dataclass(frozen=True)
class Suggestion:
    """A proposed span: code-point offsets (end exclusive), a label, attribute values, and the
    name of the source that proposed it (``gazetteer:weapon_systems``, ``rules:casualties``,
    ``corpus``, ``spacy:NAME``)."""

    start: int
    end: int
    label: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"suggestion offsets must satisfy 0 <= start < end: {self}")
        # A read-only view (a gazetteer entry's) is shared, not copied: that halves the objects
        # a 1 MB article's suggestions allocate, and the garbage collections they set off.
        if type(self.attributes) is not MappingProxyType:
            object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    @classmethod
    def of_match(
        cls,
        start: int,
        end: int,
        label: str,
        attributes: Mapping[str, AttributeValue],
        source: str,
    ) -> Suggestion:
        """``Suggestion(start, end, label, attributes, source)`` made without the checks, for a
        matcher whose offsets are right by construction and whose attributes are read-only
        already: a 1 MB article may hold tens of thousands of matches."""
        suggestion = object.__new__(cls)
        fields = suggestion.__dict__
        fields["start"] = start
        fields["end"] = end
        fields["label"] = label
        fields["attributes"] = attributes
        fields["source"] = source
        return suggestion

    def as_span(self) -> Span:
        """The span an accepted suggestion becomes."""
        return Span(self.start, self.end, self.label, self.attributes)


class Suggester(Protocol):
    """A source of suggestions over one document's text."""

    name: str

    def suggest(self, text: str) -> list[Suggestion]:
        """Every suggestion for ``text``, in any order."""
        ...


def merge(batches: Iterable[Iterable[Suggestion]]) -> list[Suggestion]:
    """The suggestions of several sources in text order, as an annotator would take them: one
    per (start, end, label), the first source to propose it winning, its attributes filled with
    the later sources' values for attributes it left empty; and of suggestions with one label
    that overlap, only the leftmost longest ("Shahed drones", not also "drones" inside it)."""
    chosen: dict[tuple[int, int, str], Suggestion] = {}
    for batch in batches:
        for s in batch:
            key = (s.start, s.end, s.label)
            first = chosen.get(key)
            if first is None:
                chosen[key] = s
            elif any(k not in first.attributes for k in s.attributes):
                attributes = {**s.attributes, **first.attributes}
                chosen[key] = Suggestion(s.start, s.end, s.label, attributes, first.source)
    kept: list[Suggestion] = []
    reach: dict[str, int] = {}  # the end of the last kept suggestion of each label
    for s in sorted(chosen.values(), key=lambda s: (s.start, -s.end, s.label)):
        if s.start >= reach.get(s.label, 0):
            kept.append(s)
            reach[s.label] = s.end
    return kept
