"""One UIMA CAS XMI file as one annotated document.

The XML passes defusedxml's SAX parser first (no DTD, no entities), which also notes each
feature structure's line and each annotation's raw UTF-16 offsets; only then does cassis (lxml)
read it, with lxml's size limits lifted (the file's size is bounded before). Offsets are
converted here rather than by cassis, which only warns about an offset inside a surrogate pair
or past the text and keeps it: here such an annotation is refused with its line.

DKPro Core's DocumentMetaData gives the document's name (``documentId``), title, source
(``documentUri``) and language. Custom span layers (``webanno.custom.*``) and NamedEntity
become spans labelled by their ``label`` or ``value`` feature (the layer's name when it has
none or it is empty), their other primitive features attributes and ``note`` the note; custom
relation layers (``Governor`` and ``Dependent``) become relations; slot features become events
with roles. Everything else (tokens, sentences, POS, ...) is counted as not carried, by type.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

from cassis import load_cas_from_xmi
from defusedxml.expatreader import create_parser

from annotator.document import Document, Event, Relation, Span
from annotator.errors import InputError
from annotator.formats.model import AnnotatedDocument, Report
from annotator.formats.xmi_typesystem import ROLE, TARGET, Layer, layer_of
from annotator.offsets import Utf16Map

_XMI_NS = "http://www.omg.org/XMI"
_TYPE_NOT_FOUND = re.compile(r"Type with name \[([^\]]+)\] not found")


class _Scan(ContentHandler):
    """The line of each feature structure (by xmi:id) and the raw begin/end of annotations."""

    def __init__(self) -> None:
        super().__init__()
        self.locator: Any = None
        self.lines: dict[int, int | None] = {}
        self.offsets: dict[int, tuple[str | None, str | None]] = {}

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        xmi_id = attrs.get((_XMI_NS, "id"))
        if xmi_id is None or not xmi_id.strip().isdigit():
            return
        key = int(xmi_id)
        self.lines[key] = self.locator.getLineNumber() if self.locator else None
        begin, end = attrs.get((None, "begin")), attrs.get((None, "end"))
        if begin is not None or end is not None:
            self.offsets[key] = (begin, end)


def _scan(data: bytes, file: str, report: Report) -> _Scan | None:
    """The safety pass: defusedxml's SAX parser, no DTD and no entities."""
    scan = _Scan()
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(scan)
    try:
        parser.parse(BytesIO(data))
    except SAXParseException as exc:
        report.refuse(
            InputError(file, f"not well-formed XML: {exc.getMessage()}", exc.getLineNumber())
        )
        return None
    except ValueError as exc:  # defusedxml: DTD or entities
        line = scan.locator.getLineNumber() if scan.locator else None
        report.refuse(InputError(file, f"refused for safety: {exc}", line))
        return None
    return scan


def read_xmi(
    data: bytes, file: str, stem: str, typesystem: Any, report: Report
) -> AnnotatedDocument | None:
    """The document in the XMI ``data`` (read from ``file``, named by its DocumentMetaData's
    id or else ``stem``), or None when the file is refused."""
    scan = _scan(data, file, report)
    if scan is None:
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cas = load_cas_from_xmi(
                BytesIO(data), typesystem=typesystem, lenient=True, trusted=True
            )
        except Exception as exc:  # cassis raises many kinds on XMI that does not fit
            report.refuse(InputError(file, f"not a CAS XMI that fits its type system: {exc}"))
            return None
    for warning in caught:
        match = _TYPE_NOT_FOUND.search(str(warning.message))
        if match:
            report.lose(f"annotations of type {match.group(1)} (not in the type system)")
    text = cas.sofa_string
    if not isinstance(text, str):
        report.refuse(InputError(file, "the CAS has no text (no sofaString)"))
        return None
    report.lose("views other than the initial one", len(cas.views) - 1)
    return _Converter(file, scan, text, report).convert(cas.select_all_fs(), stem)


@dataclass
class _Converter:
    """Turns one CAS's feature structures into an annotated document."""

    file: str
    scan: _Scan
    text: str
    report: Report
    layers: dict[str, Layer] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    index: dict[int, int] = field(default_factory=dict)  # xmi:id -> index in spans

    def layer(self, fs: Any) -> Layer:
        name = fs.type.name
        if name not in self.layers:
            self.layers[name] = layer_of(fs.type)
        return self.layers[name]

    def convert(self, structures: list[Any], stem: str) -> AnnotatedDocument:
        relations, triggers, others = [], [], []
        meta: dict[str, Any] = {}
        umap = Utf16Map(self.text)
        for fs in sorted(structures, key=lambda fs: fs.xmiID):  # file order, not cassis's
            layer = self.layer(fs)
            if layer.kind == "metadata":
                for key in ("documentTitle", "documentId", "documentUri", "language"):
                    meta[key] = meta.get(key) or getattr(fs, key, None)
            elif layer.kind == "span":
                span = self.span(fs, layer, umap)
                if span is not None:
                    self.index[fs.xmiID] = len(self.spans)
                    self.spans.append(span)
                    triggers.append((fs, layer))
            elif layer.kind == "relation":
                relations.append((fs, layer))
            else:
                others.append(fs)
        used: set[int] = set()
        events = [e for fs, layer in triggers if (e := self.event(fs, layer, used)) is not None]
        for fs in others:
            if fs.xmiID not in used:
                self.report.lose(f"annotations of type {fs.type.name}")
        name = meta.get("documentId") or stem
        language = meta.get("language")
        document = Document(
            text=self.text,
            title=meta.get("documentTitle") or name,
            source=meta.get("documentUri") or None,
            language=language if language and language != "x-unspecified" else None,
        )
        found = (self.relation(fs, layer) for fs, layer in relations)
        return AnnotatedDocument(
            document,
            name,
            tuple(self.spans),
            tuple(r for r in found if r is not None),
            tuple(events),
        )

    def offsets(self, fs: Any, umap: Utf16Map) -> tuple[int, int] | str:
        begin, end = self.scan.offsets.get(fs.xmiID, (None, None))
        try:
            start, stop = int(begin or 0), int(end or 0)
        except ValueError:
            return f"begin/end {begin!r}..{end!r} are not numbers"
        try:
            return umap.from_utf16(start), umap.from_utf16(stop)
        except ValueError as exc:
            return f"begin/end {start}..{stop} (UTF-16 units): {exc}"

    def span(self, fs: Any, layer: Layer, umap: Utf16Map) -> Span | None:
        offsets = self.offsets(fs, umap)
        if isinstance(offsets, str) or offsets[0] > offsets[1]:
            reason = offsets if isinstance(offsets, str) else "begin after end"
            self.report.refuse(InputError(self.file, reason, self.scan.lines.get(fs.xmiID)))
            return None
        start, end = offsets
        if start == end:
            self.report.lose(f"zero-width annotations ({layer.name})")
            return None
        self.unsupported(fs, layer)
        label = getattr(fs, layer.label, None) if layer.label else None
        attributes = {
            name: value
            for name, python_name, _ in layer.attributes
            if (value := getattr(fs, python_name, None)) is not None
        }
        note = getattr(fs, layer.note, None) if layer.note else None
        return Span(start, end, label or layer.short, attributes, note or "")

    def unsupported(self, fs: Any, layer: Layer) -> None:
        for name in layer.unsupported:
            if getattr(fs, name, None) is not None:
                self.report.lose(
                    f"features of a type this app does not carry ({layer.name}.{name})"
                )

    def relation(self, fs: Any, layer: Layer) -> Relation | None:
        ends = [getattr(fs, "Governor", None), getattr(fs, "Dependent", None)]
        found = [self.index.get(end.xmiID) if end is not None else None for end in ends]
        if found[0] is None or found[1] is None:
            self.report.lose(f"relations whose ends are not imported spans ({layer.name})")
            return None
        self.unsupported(fs, layer)
        label = getattr(fs, layer.label, None) if layer.label else None
        return Relation(label or layer.short, found[0], found[1])

    def event(self, fs: Any, layer: Layer, used: set[int]) -> Event | None:
        roles = []
        for slot in layer.slots:
            array = getattr(fs, slot, None)
            if array is None:
                continue
            used.add(array.xmiID)
            for link in array.elements or []:
                used.add(link.xmiID)
                target = getattr(link, TARGET, None)
                filler = self.index.get(target.xmiID) if target is not None else None
                if filler is None:
                    self.report.lose("event roles whose filler is not an imported span")
                else:
                    roles.append((getattr(link, ROLE, None) or slot, filler))
        kind = getattr(fs, layer.event, None) if layer.event else None
        if not roles and not kind:
            return None
        trigger = self.index[fs.xmiID]
        return Event(kind or self.spans[trigger].label, trigger, tuple(roles))
