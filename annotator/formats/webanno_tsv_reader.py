"""WebAnno TSV 3.x to annotated documents, with INCEpTION's reading rules.

Every annotation of a span layer becomes a span: its label is the layer's ``label`` feature
(this app's own layer), else its ``value`` feature (NamedEntity), else its first feature, and the
layer's short name when that value is null (``*``) or the layer has no features; its other
non-null features become attributes (as strings; ``type_`` is ``type``, see
:func:`~annotator.formats.webanno_tsv_escaping.feature_name`). An annotation spreads over the rows that name
its disambiguation id (``PER[3]``). Relations link the base layer's spans (``BT_``) on the
source row and on the relation's own row; their type is chosen as a span's label. A span with
slot links (``ROLE_`` columns) or an ``event`` feature beside them is an event trigger: its
roles are the links' roles (the slot feature's name when a role is null).

Not carried, and reported: chains (``T_CH``), zero-width annotations, relations between tokens
or other layers that have no spans in the file, relation features beyond the type, sentence
ids. A row whose offsets do not select its token text is refused, with every annotation on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.document import Document, Event, Relation, Span
from annotator.errors import InputError
from annotator.formats.model import AnnotatedDocument, Report, check_covered
from annotator.formats.webanno_tsv_escaping import (
    attribute_name,
    split_suffix,
    split_unescaped,
    unescape_text,
    unescape_value,
)
from annotator.formats.webanno_tsv_parser import (
    BASE,
    CHAIN,
    SLOT_ROLE,
    SLOT_TARGET,
    SPAN,
    VALUE,
    Column,
    Row,
    TsvFile,
)
from annotator.offsets import Utf16Map

EVENT_FEATURE = "event"
LABEL_FEATURES = ("label", "value")
_ID = re.compile(r"\d+")
_RELATION_IDS = re.compile(r"(\d+)_(\d+)")
_CHAIN_LINK = re.compile(r".*(?<!\\)->(\d+-\d+)")


@dataclass(eq=False)
class _Annotation:
    """A span or relation annotation as its rows describe it (UTF-16 offsets)."""

    layer: str
    line: int
    unit: str
    begin: int
    end: int
    features: dict[str, str | None] = field(default_factory=dict)
    roles: dict[str, list[str | None]] = field(default_factory=dict)
    fillers: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    source: tuple[str, int, int] | None = None  # a relation's source unit and the two ids
    refused: bool = False


@dataclass
class _Unit:
    """The annotations on one row, per layer, in stacking order."""

    row: Row
    stacks: dict[str, list[_Annotation]] = field(default_factory=dict)


class _Reading:
    """The state of reading one file."""

    def __init__(self, tsv: TsvFile, file: str, report: Report) -> None:
        self.tsv = tsv
        self.file = file
        self.report = report
        self.units: dict[str, _Unit] = {}
        self.by_id: dict[int, _Annotation] = {}
        self.spans: list[_Annotation] = []
        self.relations: list[_Annotation] = []
        self.chain_links: set[tuple[str, str]] = set()
        self.offsets = Utf16Map(tsv.text)
        columns = tsv.columns
        self.span_layers = {c.layer for c in columns if c.kind == SPAN}
        self.slotted = {c.layer for c in columns if c.holds == SLOT_ROLE}
        self.bases = {c.layer: c.target for c in columns if c.holds == BASE}
        self.slot_targets = {
            (c.layer, c.feature): c.target for c in columns if c.holds == SLOT_TARGET
        }
        self.label_features = {c.layer: _label_feature(columns, c.layer) for c in columns}

    def label(self, annotation: _Annotation) -> str:
        """The annotation's label, or its layer's short name when it has none."""
        feature = self.label_features[annotation.layer]
        label = annotation.features.get(feature) if feature else None
        return _short(annotation.layer) if label is None else label

    def refuse(self, reason: str, line: int) -> None:
        """Refuse the record at ``line`` of the file for ``reason``."""
        self.report.refuse(InputError(self.file, reason, line))

    def read_rows(self) -> None:
        """Collect the annotations of every row; those on a refused row are marked."""
        for row in self.tsv.rows:
            unit = _Unit(row)
            self.units.setdefault(row.id, unit)
            bad = not self._covers(row)
            for column, cell in zip(self.tsv.columns, row.cells, strict=True):
                if cell == "_":
                    continue
                if column.kind == CHAIN:
                    for piece in split_unescaped(cell, "|"):
                        link = _CHAIN_LINK.fullmatch(piece)
                        if link:
                            self.chain_links.add((column.layer, link[1]))
                    continue
                for index, piece in enumerate(split_unescaped(cell, "|")):
                    annotation = self._annotation(column, unit, index, piece)
                    if annotation is not None and bad:
                        annotation.refused = True

    def _covers(self, row: Row) -> bool:
        """Whether the row's offsets select its token text; refuses the row when not."""
        try:
            start = self.offsets.from_utf16(row.begin)
            end = self.offsets.from_utf16(row.end)
        except ValueError as exc:
            self.refuse(f"offsets {row.begin}-{row.end}: {exc}; the row is not imported", row.line)
            return False
        found = self.tsv.text[start:end]
        if row.text == found:
            return True
        expected = unescape_text(row.text, self.tsv.minor)
        if expected == found:
            return True
        error = check_covered(self.tsv.text, start, end, expected, self.file, row.line)
        reason = error.reason if error and start < end else f"an empty unit, not {expected!r}"
        self.refuse(f"{reason} (UTF-16 {row.begin}-{row.end}); the row is not imported", row.line)
        return False

    def _annotation(
        self, column: Column, unit: _Unit, index: int, piece: str
    ) -> _Annotation | None:
        row = unit.row
        value, suffix = (piece, None) if column.holds == SLOT_TARGET else split_suffix(piece)
        stack = unit.stacks.setdefault(column.layer, [])
        annotation = stack[index] if index < len(stack) else None
        if column.kind == SPAN:
            if suffix is not None and _ID.fullmatch(suffix) is None:
                self.refuse(f"bad disambiguation id [{suffix}] in {piece!r}", row.line)
                return None
            number = int(suffix) if suffix else 0
            if annotation is None and number:
                annotation = self.by_id.get(number)
                if annotation is not None:
                    stack.append(annotation)
                    annotation.end = row.end
            if annotation is None:
                annotation = _Annotation(column.layer, row.line, row.id, row.begin, row.end)
                stack.append(annotation)
                self.spans.append(annotation)
            if number:
                self.by_id[number] = annotation
        elif annotation is None:
            annotation = _Annotation(column.layer, row.line, row.id, row.begin, row.end)
            stack.append(annotation)
            self.relations.append(annotation)
        self._set(column, annotation, value, suffix, row)
        return annotation

    def _set(
        self, column: Column, annotation: _Annotation, value: str, suffix: str | None, row: Row
    ) -> None:
        if column.holds == VALUE:
            annotation.features[column.feature] = None if value == "*" else unescape_value(value)
        elif column.holds == SLOT_ROLE:
            roles = [] if value == "_" else split_unescaped(value, ";")
            annotation.roles[column.feature] = [
                None if r == "*" else unescape_value(r) for r in roles
            ]
        elif column.holds == SLOT_TARGET:
            fillers = [] if value in ("_", "*") else split_unescaped(value, ";")
            annotation.fillers[column.feature] = [_reference(f) for f in fillers]
        elif column.holds == BASE:
            ids = _RELATION_IDS.fullmatch(suffix) if suffix else None
            if suffix and ids is None:
                self.refuse(f"bad relation ids [{suffix}] in {value!r}", row.line)
                annotation.refused = True
                return
            annotation.source = (value, int(ids[1]), int(ids[2])) if ids else (value, 0, 0)

    def resolve(self, layer: str, unit_id: str, number: int, line: int) -> _Annotation | None:
        """The span annotation a relation end or slot filler names, or None (refused)."""
        if number:
            found = self.by_id.get(number)
            if found is None:
                self.refuse(f"no annotation has the disambiguation id [{number}]", line)
            return found
        unit = self.units.get(unit_id)
        if unit is None:
            self.refuse(f"a reference to the unknown token {unit_id}", line)
            return None
        if layer in self.span_layers:
            candidates = unit.stacks.get(layer, [])[:1]
        else:  # an untyped slot (uima.tcas.Annotation): the unit's one span, if it has one
            candidates = [
                a for key, stack in unit.stacks.items() if key in self.span_layers for a in stack
            ]
            candidates = candidates if len(candidates) == 1 else []
        if not candidates:
            self.refuse(f"no {_short(layer)} annotation on {unit_id} to refer to", line)
            return None
        return candidates[0]


LINGUISTIC_LAYERS = ("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.",)
"""DKPro Core's tokens, sentences and lemmas: segmentation, not spans an annotator labelled (a
lemma per word would become a label per word). Parts of speech and dependencies are read."""


def _short(layer: str) -> str:
    """A layer's name without its package (``NamedEntity``, ``Span``)."""
    return layer.rsplit(".", 1)[-1]


def _reference(filler: str) -> tuple[str, int]:
    """A slot filler's unit and disambiguation id (0 when it has none)."""
    unit, suffix = split_suffix(filler)
    if suffix is None or _ID.fullmatch(suffix) is None:
        return filler, 0
    return unit, int(suffix)


def read_document(tsv: TsvFile, file: str, name: str, report: Report) -> AnnotatedDocument:
    """The document that the parsed file ``tsv`` describes; refusals and losses go to
    ``report``."""
    reading = _Reading(tsv, file, report)
    reading.read_rows()
    spans, index = _spans(reading)
    relations = _relations(reading, index)
    events = _events(reading, index)
    if reading.chain_links:
        report.lose("chain links (T_CH chain layers are not carried)", len(reading.chain_links))
    report.lose("sentence ids (#Sentence.id)", tsv.sentence_ids)
    return AnnotatedDocument(
        Document(text=tsv.text, title=name), name, tuple(spans), relations, events
    )


def _label_feature(columns: list[Column], layer: str) -> str | None:
    features = [c.feature for c in columns if c.layer == layer and c.holds == VALUE]
    named = [f for f in LABEL_FEATURES if f in features]
    return named[0] if named else (features[0] if features else None)


def _spans(reading: _Reading) -> tuple[list[Span], dict[_Annotation, int]]:
    spans: list[Span] = []
    index: dict[_Annotation, int] = {}
    seen: dict[Span, int] = {}
    zero_width = merged = 0
    linguistic: dict[str, int] = {}
    for annotation in reading.spans:
        if annotation.refused:
            continue
        if annotation.layer.startswith(LINGUISTIC_LAYERS):
            linguistic[annotation.layer] = linguistic.get(annotation.layer, 0) + 1
            continue
        start = reading.offsets.from_utf16(annotation.begin)
        end = reading.offsets.from_utf16(annotation.end)
        if start >= end:
            if start == end:
                zero_width += 1
            else:
                reading.refuse("an annotation that ends before it begins", annotation.line)
            continue
        span = _span(reading, annotation, start, end)
        if span in seen:
            merged += 1
        index[annotation] = seen.setdefault(span, len(spans))
        if index[annotation] == len(spans):
            spans.append(span)
    for layer, count in sorted(linguistic.items()):
        reading.report.lose(f"annotations of the linguistic layer {_short(layer)}", count)
    reading.report.lose("zero-width annotations (a span cannot be empty)", zero_width)
    reading.report.lose("identical stacked spans (merged into one)", merged)
    return spans, index


def _span(reading: _Reading, annotation: _Annotation, start: int, end: int) -> Span:
    skip = {reading.label_features[annotation.layer]}
    if annotation.layer in reading.slotted:
        skip.add(EVENT_FEATURE)
    attributes = {
        attribute_name(k): v
        for k, v in annotation.features.items()
        if k not in skip and v is not None
    }
    return Span(start, end, reading.label(annotation), attributes)


def _relations(reading: _Reading, index: dict[_Annotation, int]) -> tuple[Relation, ...]:
    relations: dict[Relation, None] = {}
    report = reading.report
    for annotation in reading.relations:
        if annotation.refused:
            continue
        base = reading.bases.get(annotation.layer, "")
        if annotation.source is None:
            reading.refuse(
                "a relation without its source (the BT_ column is empty)", annotation.line
            )
            continue
        if base not in reading.span_layers:
            short = _short(base) or "nothing"
            report.lose(f"relations between {short} annotations (not a span layer in the file)")
            continue
        unit, source_id, target_id = annotation.source
        head = reading.resolve(base, unit, source_id, annotation.line)
        tail = reading.resolve(base, annotation.unit, target_id, annotation.line)
        if head is None or tail is None:
            continue
        if head not in index or tail not in index:
            report.lose("relations whose span was not imported")
            continue
        label_feature = reading.label_features[annotation.layer]
        extra = [k for k, v in annotation.features.items() if k != label_feature and v is not None]
        report.lose("relation features other than the type", len(extra))
        relations.setdefault(Relation(reading.label(annotation), index[head], index[tail]))
    return tuple(relations)


def _events(reading: _Reading, index: dict[_Annotation, int]) -> tuple[Event, ...]:
    events: list[Event] = []
    for annotation in reading.spans:
        kind = annotation.features.get(EVENT_FEATURE)
        if annotation.layer not in reading.slotted:
            continue
        if kind is None and not any(annotation.roles.values()):
            continue
        if annotation not in index:
            reading.report.lose("events whose trigger was not imported")
            continue
        roles: list[tuple[str, int]] = []
        for feature, names in annotation.roles.items():
            fillers = annotation.fillers.get(feature, [])
            if len(fillers) != len(names):
                reading.refuse(
                    f"slot {feature} has {len(names)} role(s) but {len(fillers)} filler(s)",
                    annotation.line,
                )
                continue
            for name, (unit, number) in zip(names, fillers, strict=True):
                target = reading.slot_targets.get((annotation.layer, feature), "")
                filler = reading.resolve(target, unit, number, annotation.line)
                if filler is None:
                    continue
                if filler not in index:
                    reading.report.lose("event roles whose filler was not imported")
                    continue
                roles.append((feature if name is None else name, index[filler]))
        kind = reading.label(annotation) if kind is None else kind
        events.append(Event(kind, index[annotation], tuple(roles)))
    return tuple(events)
