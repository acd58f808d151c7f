"""An annotated document as WebAnno TSV 3.3 text that INCEpTION rebuilds exactly.

Tokens come from the tokenizer of the options. Where a span starts or ends in whitespace, that
whitespace becomes a token of its own, so that no span is cut as INCEpTION would cut it; a span
that starts or ends inside a token gets a sub-token (``1-2.1``). A sentence is a line of text:
a new one starts at the first token after a line break, and the line break (with the spaces
after it) lies between the two sentences, or stays in the first sentence when the next line
starts with other whitespace; either way the rebuilt text is the document's text.

Spans are written in a canonical order (offsets, label, attributes), so that an export of an
import of an export is the same file.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from annotator.document import AttributeValue
from annotator.formats.model import AnnotatedDocument, ExportOptions, Report
from annotator.formats.webanno_tsv_escaping import escape_text, escape_value, feature_name
from annotator.offsets import Utf16Map
from annotator.tokenizer import tokenize

SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.Relation"
LINK_TYPE = "webanno.custom.SpanRolesLink"
_FEATURE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

Unit = tuple[int, tuple[int, int] | None]
"""A token (its index) or one of its sub-tokens (the token's index and the sub-token's range)."""


@dataclass
class _Layout:
    """Where everything goes: tokens, sentences, sub-tokens, the units of each span."""

    tokens: list[tuple[int, int]]
    sentences: list[tuple[int, int, int, int]]  # begin, end, first token, token after the last
    subtokens: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    placements: list[list[Unit]] = field(default_factory=list)  # per written span
    ids: dict[int, int] = field(default_factory=dict)  # written span -> disambiguation id
    names: dict[Unit, str] = field(default_factory=dict)  # unit -> its TSV id


def write_document(doc: AnnotatedDocument, options: ExportOptions, report: Report) -> str:
    """The TSV text of ``doc``; what TSV cannot carry is counted in ``report``."""
    text = doc.text
    order = sorted(range(len(doc.spans)), key=lambda i: _span_key(doc, i))
    rank = {original: position for position, original in enumerate(order)}
    ranges = [(doc.spans[i].start, doc.spans[i].end) for i in order]
    layout = _layout(text, ranges, options)
    attributes = _attribute_names(doc, report)
    _count_losses(doc, report)
    relations = _relations(doc, rank, report)
    events = _events(doc, rank, report)

    header = ["#FORMAT=WebAnno TSV 3.3"]
    if ranges:
        features = "".join(f"|{feature_name(a)}" for a in attributes)
        span_header = f"#T_SP={SPAN_LAYER}|label{features}"
        if events:
            span_header += f"|event|ROLE_{SPAN_LAYER}:roles_{LINK_TYPE}|{SPAN_LAYER}"
        header.append(span_header)
    if relations:
        header.append(f"#T_RL={RELATION_LAYER}|label|BT_{SPAN_LAYER}")
    lines = [*header, ""]

    on_unit: dict[Unit, list[int]] = defaultdict(list)
    for position, units in enumerate(layout.placements):
        for unit in units:
            on_unit[unit].append(position)
    relations_on: dict[Unit, list[tuple[str, int, int]]] = defaultdict(list)
    for relation in relations:
        relations_on[layout.placements[relation[2]][0]].append(relation)

    cells = _Cells(doc, order, attributes, events, layout)
    units16 = Utf16Map(text)
    for begin, end, first, after in layout.sentences:
        lines.append("")
        lines += [f"#Text={escape_text(line)}" for line in text[begin:end].split("\n")]
        for index in range(first, after):
            subunits: list[Unit] = [(index, sub) for sub in layout.subtokens.get(index, [])]
            for unit in [(index, None), *subunits]:
                start, stop = layout.tokens[index] if unit[1] is None else unit[1]
                row = [
                    layout.names[unit],
                    f"{units16.to_utf16(start)}-{units16.to_utf16(stop)}",
                    escape_text(text[start:stop]),
                ]
                if ranges:
                    row += cells.spans(on_unit.get(unit, []))
                if relations:
                    row += cells.relations(relations_on.get(unit, []))
                lines.append("\t".join(row) + "\t")
    return "\n".join(lines) + "\n"


def _span_key(doc: AnnotatedDocument, i: int) -> tuple[int, int, str, tuple[tuple[str, str], ...]]:
    span = doc.spans[i]
    attributes = tuple(sorted((k, _value(v)) for k, v in span.attributes.items() if v is not None))
    return span.start, span.end, span.label, attributes


def _value(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attribute_names(doc: AnnotatedDocument, report: Report) -> list[str]:
    """The attribute names that can be feature names, sorted; the other attributes are counted.
    Names INCEpTION restricts (``type``) get an underscore (see ``feature_name``)."""
    names: set[str] = set()
    for span in doc.spans:
        for name, value in span.attributes.items():
            if value is None:
                continue
            if _FEATURE_NAME.fullmatch(name):
                names.add(name)
            else:
                report.lose(
                    "attributes whose name cannot be a feature name (ASCII letters, digits, _)"
                )
    return sorted(names)


def _count_losses(doc: AnnotatedDocument, report: Report) -> None:
    report.lose(
        "discontinuous spans (written as one span from the first fragment to the last)",
        sum(1 for s in doc.spans if s.fragments),
    )
    report.lose("span notes (TSV has no notes)", sum(1 for s in doc.spans if s.note))


def _relations(
    doc: AnnotatedDocument, rank: dict[int, int], report: Report
) -> list[tuple[str, int, int]]:
    """The relations as (type, head, tail) over written span positions, in canonical order."""
    kept: dict[tuple[str, int, int], None] = {}
    for relation in doc.relations:
        if relation.head not in rank or relation.tail not in rank:
            report.lose("relations to a span that is not in the document")
            continue
        key = (relation.type, rank[relation.head], rank[relation.tail])
        if key in kept:
            report.lose("identical relations (written once)")
        kept[key] = None
    return sorted(kept, key=lambda r: (r[2], r[1], r[0]))


def _events(
    doc: AnnotatedDocument, rank: dict[int, int], report: Report
) -> dict[int, tuple[str, list[tuple[str, int]]]]:
    """Per written trigger span: the event type and its roles over written span positions."""
    events: dict[int, tuple[str, list[tuple[str, int]]]] = {}
    for event in doc.events:
        if event.trigger not in rank:
            report.lose("events whose trigger is not in the document")
            continue
        trigger = rank[event.trigger]
        if trigger in events:
            report.lose("events beyond the first on one trigger span (a span has one role set)")
            continue
        roles = [(role, rank[filler]) for role, filler in event.roles if filler in rank]
        report.lose(
            "event roles filled by a span that is not in the document",
            len(event.roles) - len(roles),
        )
        events[trigger] = (event.type, roles)
    return events


def _layout(text: str, ranges: list[tuple[int, int]], options: ExportOptions) -> _Layout:
    tokens = _tokens(text, ranges, options)
    layout = _Layout(tokens, _sentences(text, tokens))
    starts = [a for a, _ in tokens]
    ends = [b for _, b in tokens]
    subtokens: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for start, end in ranges:
        first = bisect_right(starts, start) - 1
        last = bisect_left(ends, end)
        units: list[Unit] = []
        for index in range(first, last + 1):
            a, b = tokens[index]
            piece = (max(a, start), min(b, end))
            units.append((index, None if piece == (a, b) else piece))
            if piece != (a, b):
                subtokens[index].add(piece)
        layout.placements.append(units)
    layout.subtokens = {index: sorted(pieces) for index, pieces in subtokens.items()}
    _name_units(layout)
    _disambiguate(layout)
    return layout


def _tokens(
    text: str, ranges: list[tuple[int, int]], options: ExportOptions
) -> list[tuple[int, int]]:
    """The tokenizer's tokens, and as tokens the whitespace where a span starts or ends, and
    the whitespace before the first token unless it is spaces only (which INCEpTION pads) and
    a token follows."""
    tokens: list[tuple[int, int]] = []
    for token in (options.tokenize or tokenize)(text):
        if token.start < token.end and (not tokens or tokens[-1][1] <= token.start):
            tokens.append((token.start, token.end))
    starts = [a for a, _ in tokens]
    ends = [b for _, b in tokens]

    def gap_around(position: int) -> tuple[int, int]:
        before = bisect_right(starts, position) - 1
        return (
            ends[before] if before >= 0 else 0,
            starts[before + 1] if before + 1 < len(tokens) else len(text),
        )

    gaps: set[tuple[int, int]] = set()
    for start, end in ranges:
        before = bisect_right(starts, start) - 1
        if before < 0 or ends[before] <= start:
            gaps.add(gap_around(start))
        after = bisect_left(ends, end)
        if after == len(tokens) or starts[after] >= end:
            gaps.add(gap_around(end - 1))
    lead = text[: starts[0]] if tokens else text
    if lead.strip(" ") or not tokens:  # with no token at all, the text is one
        gaps.add((0, len(lead)))
    return sorted(tokens + [g for g in gaps if g[0] < g[1]])


def _sentences(text: str, tokens: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    sentences = []
    first = 0
    for index in range(1, len(tokens)):
        gap_start = tokens[index - 1][1]
        between = text[gap_start : tokens[index][0]]
        line_break = between.rfind("\n")
        if line_break < 0:
            continue
        spaces_only = not between[line_break + 1 :].strip(" ")
        end = gap_start + line_break if spaces_only else tokens[index][0]
        sentences.append((tokens[first][0], end, first, index))
        first = index
    if tokens:
        sentences.append((tokens[first][0], len(text), first, len(tokens)))
    return sentences


def _name_units(layout: _Layout) -> None:
    for number, (_, _, first, after) in enumerate(layout.sentences, start=1):
        for index in range(first, after):
            name = f"{number}-{index - first + 1}"
            layout.names[(index, None)] = name
            for k, piece in enumerate(layout.subtokens.get(index, []), start=1):
                layout.names[(index, piece)] = f"{name}.{k}"


def _disambiguate(layout: _Layout) -> None:
    """Disambiguation ids, as INCEpTION gives them: to spans over several units and to spans
    that share a unit with another span."""
    count: dict[Unit, int] = defaultdict(int)
    for units in layout.placements:
        for unit in units:
            count[unit] += 1
    for position, units in enumerate(layout.placements):
        if len(units) > 1 or any(count[u] > 1 for u in units):
            layout.ids[position] = len(layout.ids) + 1


class _Cells:
    """The annotation cells of a row."""

    def __init__(
        self,
        doc: AnnotatedDocument,
        order: list[int],
        attributes: list[str],
        events: dict[int, tuple[str, list[tuple[str, int]]]],
        layout: _Layout,
    ) -> None:
        self.spans_written = [doc.spans[i] for i in order]
        self.attributes = attributes
        self.events = events
        self.layout = layout
        self.width = 1 + len(attributes) + (3 if events else 0)

    def _id(self, position: int) -> str:
        number = self.layout.ids.get(position)
        return f"[{number}]" if number else ""

    def _ref(self, position: int) -> str:
        return self.layout.names[self.layout.placements[position][0]]

    def spans(self, positions: list[int]) -> list[str]:
        if not positions:
            return ["_"] * self.width
        columns: list[list[str]] = [[] for _ in range(self.width)]
        for position in positions:
            span = self.spans_written[position]
            suffix = self._id(position)
            values = [escape_value(span.label)]
            for name in self.attributes:
                value = span.attributes.get(name)
                values.append("*" if value is None else escape_value(_value(value)))
            cells = [v + suffix for v in values]
            if self.events:
                event = self.events.get(position)
                kind, roles = event if event else (None, [])
                cells.append(("*" if kind is None else escape_value(kind)) + suffix)
                names = ";".join(escape_value(role) for role, _ in roles) if roles else "_"
                cells.append(names + suffix)
                fillers = [self._ref(f) + self._id(f) for _, f in roles]
                cells.append(";".join(fillers) if fillers else "*")
            for column, cell in zip(columns, cells, strict=True):
                column.append(cell)
        return ["|".join(column) for column in columns]

    def relations(self, relations: list[tuple[str, int, int]]) -> list[str]:
        if not relations:
            return ["_", "_"]
        sources = []
        for _, head, tail in relations:
            ids = self.layout.ids.get(head, 0), self.layout.ids.get(tail, 0)
            sources.append(self._ref(head) + (f"[{ids[0]}_{ids[1]}]" if any(ids) else ""))
        return ["|".join(escape_value(kind) for kind, _, _ in relations), "|".join(sources)]
