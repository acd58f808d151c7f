"""Writing one document's annotations as the lines of a brat .ann file.

T lines carry each span's offsets (code points of the text as written) and, after a tab, the
text they select (fragments joined by one space, as brat does). A line cannot hold a line
break, and brat reads a file line by line with Python's ``splitlines``, so a span whose text
crosses a line break is written as fragments around the breaks, as brat's own editor splits
such a selection, and reported. Then E lines (an event's type is its trigger's label in brat;
repeated roles are numbered ``Theme2``, ``Theme3``), R lines (``Arg1`` the head, ``Arg2``
the tail), A lines (``True`` a binary attribute, other values a valued one, numbers as their
text) and ``AnnotatorNotes``. brat refuses attributes and notes on an event trigger, so those
of a trigger span are written on its events.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from annotator.document import AttributeValue
from annotator.formats.model import AnnotatedDocument, Report

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
"""The characters at which ``str.splitlines`` (and so brat) ends a line."""
_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]+")
_BROKEN = re.compile(f"[^{LINE_BREAKS}]+")


def _word(name: str) -> bool:
    """Whether ``name`` can stand as one field of an annotation line."""
    return bool(name) and not any(ch.isspace() for ch in name)


def _pieces(text: str, pieces: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """The stretches of ``pieces`` between line breaks."""
    found = []
    for start, end in pieces:
        found += [(start + m.start(), start + m.end()) for m in _BROKEN.finditer(text[start:end])]
    return found


def ann_lines(doc: AnnotatedDocument, report: Report, original: Callable[[str], str]) -> list[str]:
    """The .ann lines of ``doc``; ``original`` gives the brat name of a schema name. What brat
    cannot hold is reported."""
    text = doc.text
    lines: list[str] = []
    tids: dict[int, str] = {}
    for i, span in enumerate(doc.spans):
        label = original(span.label)
        if not _word(label):
            report.lose("spans whose label holds white space (brat types are one word)")
            continue
        pieces = _pieces(text, span.pieces())
        if not pieces:
            report.lose("spans of line breaks only")
            continue
        if pieces != list(span.pieces()):
            report.lose("spans across line breaks (written as fragments around the breaks)")
        tids[i] = f"T{len(tids) + 1}"
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        covered = " ".join(text[a:b] for a, b in pieces)
        lines.append(f"{tids[i]}\t{label} {offsets}\t{covered}")
    owners = _event_lines(doc, tids, lines, report, original)
    _relation_lines(doc, tids, lines, report, original)
    _attribute_lines(doc, tids, owners, lines, report, original)
    return lines


def _event_lines(
    doc: AnnotatedDocument,
    tids: dict[int, str],
    lines: list[str],
    report: Report,
    original: Callable[[str], str],
) -> dict[int, list[str]]:
    """Append the E lines; returns, for each trigger span, the ids of its events."""
    owners: dict[int, list[str]] = {}
    count = 0
    for event in doc.events:
        kind = original(event.type)
        if event.trigger not in tids:
            report.lose("events whose trigger span is not written")
            continue
        if kind != original(doc.spans[event.trigger].label):
            report.lose("events whose type differs from their trigger's label (brat needs one)")
            continue
        if not _word(kind) or ":" in kind:
            report.lose("events whose type holds white space or ':'")
            continue
        count += 1
        eid = f"E{count}"
        owners.setdefault(event.trigger, []).append(eid)
        args = [f"{kind}:{tids[event.trigger]}"]
        seen: dict[str, int] = {}
        for role, filler in event.roles:
            name = original(role)
            if filler not in tids or not _word(name) or ":" in name:
                report.lose("event roles on spans not written or with names brat cannot hold")
                continue
            if name[-1].isdigit():
                report.lose("event roles whose name ends in a digit (brat reads it as a number)")
            seen[name] = seen.get(name, 0) + 1
            number = str(seen[name]) if seen[name] > 1 else ""
            args.append(f"{name}{number}:{tids[filler]}")
        lines.append(f"{eid}\t{' '.join(args)}")
    return owners


def _relation_lines(
    doc: AnnotatedDocument,
    tids: dict[int, str],
    lines: list[str],
    report: Report,
    original: Callable[[str], str],
) -> None:
    number = 0
    for relation in doc.relations:
        kind = original(relation.type)
        if relation.head not in tids or relation.tail not in tids or not _word(kind):
            report.lose("relations on spans not written or with a type brat cannot hold")
            continue
        number += 1
        lines.append(f"R{number}\t{kind} Arg1:{tids[relation.head]} Arg2:{tids[relation.tail]}")


def _attribute_lines(
    doc: AnnotatedDocument,
    tids: dict[int, str],
    owners: dict[int, list[str]],
    lines: list[str],
    report: Report,
    original: Callable[[str], str],
) -> None:
    attributes: list[str] = []
    notes: list[str] = []
    for i, tid in tids.items():
        span = doc.spans[i]
        targets = owners.get(i, [tid])
        for key, value in span.attributes.items():
            written = _attribute(original(key), value, report)
            if written is not None:
                name, suffix = written
                attributes += [f"A{len(attributes) + 1}\t{name} {t}{suffix}" for t in targets]
        if span.note:
            note = _LINE_BREAK.sub(" ", span.note)
            if note != span.note:
                report.lose("line breaks in notes (written as spaces)")
            notes += [f"#{len(notes) + 1}\tAnnotatorNotes {t}\t{note}" for t in targets]
    lines += attributes + notes


def _attribute(name: str, value: AttributeValue, report: Report) -> tuple[str, str] | None:
    """The attribute's name and what follows its target on an A line; None when not written."""
    if value is None:
        return None
    if not _word(name):
        report.lose("attributes whose name holds white space")
        return None
    if value is True:
        return name, ""
    if value is False:
        report.lose("attributes set to false (brat's binary attributes are there or not)")
        return None
    value = str(value)  # numbers as text: brat's values are words
    if not value or "\t" in value or _LINE_BREAK.search(value):
        report.lose("attribute values that are empty or hold tabs or line breaks")
        return None
    return name, f" {value}"
