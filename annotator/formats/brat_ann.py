"""Reading one brat .ann file against the text of its .txt.

Every T line's text is checked against the text its offsets select (for a discontinuous span,
the fragments' texts joined by one space, as brat writes them); a mismatch refuses that line
with file, line and reason, and the annotations that depend on it. Offsets are code points of
the .txt as read (a CRLF counts two), as brat counts them.

Carried: T (with fragments), R, E (roles numbered like ``Theme2`` keep their base name), A and
M attributes and ``AnnotatorNotes`` of T lines. brat refuses attributes and notes on an event
trigger and puts them on the event instead; they come back to the trigger span (when every
event of that trigger agrees). Reported as not carried: events as arguments of events,
relations on events, attributes and notes of relations, other ``#`` comment types, N
normalizations and ``*`` equivalence groups.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from annotator.document import AttributeValue, Event, Relation, Span
from annotator.errors import InputError
from annotator.formats.model import Report, check_covered


@dataclass
class _Line:
    """One annotation line: its number, id, the part before the first tab after the id
    (``data``) and the rest (``tail``, None when there is no second tab)."""

    number: int
    id: str
    data: str
    tail: str | None


@dataclass
class _Textbound:
    """A T line as read: label, fragments, and what A, M and # lines add to it."""

    line: int
    label: str
    pieces: list[tuple[int, int]]
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    note: str | None = None


@dataclass
class _EventLine:
    """An E line as read: its type, trigger id and (role, id) arguments, with what A and #
    lines add to it."""

    line: int
    type: str
    trigger: str
    args: list[tuple[str, str]]
    attributes: dict[str, AttributeValue] = field(default_factory=dict)
    note: str | None = None


def split_role(role: str) -> str:
    """brat's role name without the number that repeats it (``Theme2`` is ``Theme``)."""
    base = role.rstrip("0123456789")
    return base or role[:1]


class AnnReader:
    """Reads the lines of one .ann file against ``text``; ``name`` maps brat names to schema
    names. Refusals and losses go to ``report``."""

    def __init__(self, text: str, file: str, report: Report, name: Callable[[str], str]) -> None:
        self.text = text
        self.file = file
        self.report = report
        self.name = name
        self.spans: dict[str, _Textbound] = {}
        self.events: dict[str, _EventLine] = {}
        self.refused: set[str] = set()

    def refuse(self, reason: str, line: int, id: str | None = None) -> None:
        """Refuse ``line`` for ``reason``; annotations that need ``id`` are refused too."""
        self.report.refuse(InputError(self.file, reason, line))
        if id is not None:
            self.refused.add(id)

    def read(self, ann: str) -> tuple[list[Span], list[Relation], list[Event]]:
        """The spans, relations and events of ``ann`` (the .ann file's text)."""
        lines = self._lines(ann)
        later: list[_Line] = []
        for line in lines:
            if line.id.startswith("T"):
                self._textbound(line)
            elif line.id.startswith("E"):
                self._event(line)
            else:
                later.append(line)
        order = {tid: i for i, tid in enumerate(self.spans)}
        events = self._resolve_events(order)
        relations = []
        for line in later:
            relation = self._other(line, order)
            if relation is not None:
                relations.append(relation)
        self._events_to_triggers()
        spans = [self._span(t) for t in self.spans.values()]
        return spans, relations, events

    def _lines(self, ann: str) -> list[_Line]:
        lines = []
        seen: set[str] = set()
        for number, raw in enumerate(ann.split("\n"), 1):
            raw = raw.removesuffix("\r")
            if not raw.strip():
                continue
            id, tab, rest = raw.partition("\t")
            if not tab or not id:
                self.refuse("not an annotation line (an id and a tab first)", number)
                continue
            if id[0] not in "TREAM#N*":
                self.refuse(f"unknown annotation id '{id}'", number)
                continue
            if id != "*" and id in seen:
                self.refuse(f"id {id} is used twice", number)
                continue
            seen.add(id)
            data, tab, tail = rest.partition("\t")
            lines.append(_Line(number, id, data, tail if tab else None))
        return lines

    # -- T lines ---------------------------------------------------------------------------

    def _textbound(self, line: _Line) -> None:
        label, _, offsets = line.data.partition(" ")
        pieces = []
        for piece in offsets.split(";"):
            numbers = piece.split()
            if len(numbers) != 2 or not all(n.isascii() and n.isdigit() for n in numbers):
                self.refuse(f"offsets '{offsets}' are not 'START END' pairs", line.number, line.id)
                return
            pieces.append((int(numbers[0]), int(numbers[1])))
        if not label:
            self.refuse("a text-bound annotation needs a type", line.number, line.id)
            return
        n = len(self.text)
        for start, end in pieces:
            if not 0 <= start < end <= n:
                what = "empty" if start == end else f"outside the text (0..{n})"
                self.refuse(f"offsets {start}..{end} {what}", line.number, line.id)
                return
        error = self._check_text(pieces, line)
        if error is not None:
            self.refuse(error.reason, line.number, line.id)
            return
        merged = _merged(pieces)
        if merged is None:
            self.refuse(f"fragments '{offsets}' overlap", line.number, line.id)
            return
        if len(merged) < len(pieces):
            self.report.note(f"{self.file}:{line.number}: touching fragments joined into one")
        self.spans[line.id] = _Textbound(line.number, self.name(label), merged)

    def _check_text(self, pieces: list[tuple[int, int]], line: _Line) -> InputError | None:
        """Why the T line's text does not match the text its fragments select, or None.
        Text after the selected length is allowed when it starts with white space (brat
        allows it too); a T line without text has nothing to check."""
        joined = " ".join(self.text[a:b] for a, b in pieces)
        if line.tail is None:
            self.report.note(f"{self.file}:{line.number}: {line.id} has no text to check")
            return None
        said = line.tail
        if len(said) > len(joined) and said[len(joined)].isspace():
            said = said[: len(joined)]
        if len(pieces) == 1:
            start, end = pieces[0]
            return check_covered(self.text, start, end, said, self.file, line.number)
        if said != joined:
            return InputError(
                self.file,
                f"fragments select {_shown(joined)}, but the file says {_shown(said)}",
                line.number,
            )
        return None

    def _span(self, t: _Textbound) -> Span:
        first, last = t.pieces[0][0], t.pieces[-1][1]
        fragments = tuple(t.pieces) if len(t.pieces) > 1 else ()
        return Span(first, last, t.label, t.attributes, t.note or "", fragments)

    # -- E lines ---------------------------------------------------------------------------

    def _event(self, line: _Line) -> None:
        fields = line.data.split()
        if not fields or fields[0].count(":") != 1:
            self.refuse("an event starts with TYPE:TRIGGER", line.number, line.id)
            return
        kind, trigger = fields[0].split(":")
        args = [f.partition(":") for f in fields[1:]]
        if any(not (role and colon and target) for role, colon, target in args):
            self.refuse("event arguments must look like ROLE:ID", line.number, line.id)
            return
        pairs = [(role, target) for role, _, target in args]
        self.events[line.id] = _EventLine(line.number, kind, trigger, pairs)

    def _resolve_events(self, order: dict[str, int]) -> list[Event]:
        """The events whose trigger and arguments are there; nested events are reported."""
        resolved = []
        for eid, event in list(self.events.items()):
            problem = self._missing(event.trigger, allow_events=False)
            trigger = self.spans.get(event.trigger)
            if problem is None and trigger is not None and trigger.label != self.name(event.type):
                problem = (
                    f"event type {event.type} differs from the type {trigger.label} of its "
                    f"trigger {event.trigger} (brat requires the same)"
                )
            for _, target in event.args:
                problem = problem or self._missing(target, allow_events=True)
            if problem is not None:
                self.refuse(problem, event.line, eid)
                del self.events[eid]
                continue
            roles = tuple(
                (self.name(split_role(role)), order[target])
                for role, target in event.args
                if target in order
            )
            self.report.lose(
                "event arguments that are events (nested events)", len(event.args) - len(roles)
            )
            resolved.append(Event(self.name(event.type), order[event.trigger], roles))
        return resolved

    def _missing(self, id: str, allow_events: bool) -> str | None:
        """Why ``id`` cannot be an argument here (events only where ``allow_events``), or None."""
        if id in self.spans or (allow_events and id in self.events):
            return None
        if id in self.refused:
            return f"refers to {id}, which was refused"
        if id in self.events:
            return f"{id} is an event, not a text-bound annotation"
        return f"refers to {id}, which the file does not define"

    # -- R, A, M, #, N, * lines ------------------------------------------------------------

    def _other(self, line: _Line, order: dict[str, int]) -> Relation | None:
        kind = line.id[0]
        if kind == "R":
            return self._relation(line, order)
        if kind in "AM":
            self._attribute(line)
        elif kind == "#":
            self._note(line)
        elif kind == "N":
            self.report.lose("normalizations (N lines)")
        else:
            self.report.lose(f"'{line.data.split(' ')[0]}' equivalence groups (* lines)")
        return None

    def _relation(self, line: _Line, order: dict[str, int]) -> Relation | None:
        fields = line.data.split()
        args = [f.partition(":") for f in fields[1:]]
        if len(args) != 2 or any(not (r and c and t) for r, c, t in args):
            self.refuse("a relation needs TYPE ARG1:ID ARG2:ID", line.number, line.id)
            return None
        if [r for r, _, _ in args] == ["Arg2", "Arg1"]:
            args.reverse()
        elif [r for r, _, _ in args] != ["Arg1", "Arg2"]:
            self.report.lose("relation argument names other than Arg1 and Arg2 (read in order)")
        ids = [t for _, _, t in args]
        if any(i.startswith("E") and i in self.events for i in ids):
            self.report.lose("relations with an event argument")
            return None
        for id in ids:
            problem = self._missing(id, allow_events=False)
            if problem is not None:
                self.refuse(problem, line.number, line.id)
                return None
        return Relation(self.name(fields[0]), order[ids[0]], order[ids[1]])

    def _target(self, line: _Line, target: str, what: str) -> _Textbound | _EventLine | None:
        """The T or E annotation that an A, M or # line names, or None (reported)."""
        found: _Textbound | _EventLine | None = self.spans.get(target) or self.events.get(target)
        if found is not None:
            return found
        if target.startswith("R"):
            self.report.lose(f"{what} of relations")
        else:
            self.refuse(self._missing(target, allow_events=True) or "", line.number, line.id)
        return None

    def _attribute(self, line: _Line) -> None:
        fields = line.data.split(" ", 2)
        if len(fields) < 2 or not all(fields[:2]) or (line.id[0] == "M" and len(fields) > 2):
            self.refuse("an attribute needs NAME ID [VALUE]", line.number, line.id)
            return
        owner = self._target(line, fields[1], "attributes")
        if owner is None:
            return
        name = self.name(fields[0])
        if name in owner.attributes:
            self.refuse(f"{fields[1]} has attribute {fields[0]} twice", line.number, line.id)
            return
        owner.attributes[name] = fields[2] if len(fields) > 2 and fields[2] else True

    def _note(self, line: _Line) -> None:
        fields = line.data.split()
        if len(fields) != 2:
            self.refuse("a note needs TYPE ID", line.number, line.id)
            return
        if fields[0] != "AnnotatorNotes":
            self.report.lose(f"'{fields[0]}' comments (# lines other than AnnotatorNotes)")
            return
        owner = self._target(line, fields[1], "notes")
        if owner is None:
            return
        if owner.note is not None:
            self.report.lose("second notes on one annotation (the first is kept)")
            return
        owner.note = line.tail or ""

    def _events_to_triggers(self) -> None:
        """Attributes and notes of events onto their trigger spans, where the events of a
        trigger agree; what they disagree on is reported."""
        by_trigger: dict[str, list[_EventLine]] = {}
        for event in self.events.values():
            by_trigger.setdefault(event.trigger, []).append(event)
        for tid, events in by_trigger.items():
            span = self.spans[tid]
            names = dict.fromkeys(k for e in events for k in e.attributes)
            for key in names:
                values = {_key(e.attributes.get(key)) for e in events}
                value = events[0].attributes.get(key)
                if len(values) > 1 or value is None or span.attributes.get(key, value) != value:
                    self.report.lose(
                        "attributes of events that differ between events of one trigger"
                    )
                    continue
                span.attributes[key] = value
            notes = {e.note for e in events}
            if notes == {None}:
                continue
            note = events[0].note
            if len(notes) > 1 or note is None or span.note not in (None, note):
                self.report.lose("notes of events that differ between events of one trigger")
                continue
            span.note = note


def _key(value: AttributeValue) -> tuple[str, Any]:
    return (type(value).__name__, value)


def _merged(pieces: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """The fragments in text order with touching ones joined; None when two overlap."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start < merged[-1][1]:
            return None
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
