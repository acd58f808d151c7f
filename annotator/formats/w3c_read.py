"""Reading W3C Web Annotation JSON-LD: the ``w3c`` export, single annotations, arrays of them
(as Recogito and INCEpTION write), annotation collections and pages, and ``@graph``.

A span needs the text it selects. Texts come from ``Text``-like resources with an ``id`` and a
``value``: a collection's ``schema:about`` (as :mod:`annotator.formats.w3c` writes), a target's
embedded ``source``, or a node of their own; each becomes a document. An annotation selecting
text in a source whose text the file does not hold is refused ("no text for <source>"): its
selectors cannot be checked, and a document pieced together from quotes would have offsets
that are not the source's. Annotations of whole resources, images, or selections by fragment,
CSS, XPath or SVG are counted as not carried. A relation, event or role is a ``linking``
annotation whose targets are other annotations (see :mod:`annotator.formats.w3c`).

The file is read as a stream (:mod:`annotator.formats.w3c_walk`) and resolved a group at a
time, so memory holds one document's annotations, not the file's. A group is what the file
holds from one text on: more texts, and the annotations on any of them, in any order, until
the text of a further document comes after both a text and an annotation; then the group's
annotations are resolved (links included) and its documents yielded. So annotations must
follow their document's text (or, for the first document, may also come before it), and a
document's annotations must come before the next document's text, as the export writes them.
Otherwise, an annotation on a document of an earlier group is refused ("no text for <source>
since the previous document's annotations"), and so is a link to an annotation of an earlier
group ("it links <id>, not among the annotations since the previous document's"); a text
repeated in a later group is a document again (the corpus takes an identical text as the
same document, adding the annotations to it). When a file breaks off, the documents of the
group being read are not imported (a note says how many); those before are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.document import Document, Event, Relation, Span
from annotator.errors import InputError
from annotator.formats.json_stream import JsonEvents
from annotator.formats.model import AnnotatedDocument, ImportOptions, Report
from annotator.formats.w3c_targets import (
    Refused,
    bodies,
    identifier,
    locate,
    selector_types,
    selects_text,
    source_of,
    target_items,
)
from annotator.formats.w3c_terms import URN, check_offsets, document_name, kinds
from annotator.formats.w3c_walk import Found, Text, Walker, person, text_value
from annotator.offsets import Utf16Map

SUFFIXES = (".json", ".jsonld")


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Read the files given (and the .json and .jsonld files in the folders given), yielding
    one document per text they hold, with the annotations on it."""
    utf16 = check_offsets(options.offsets)
    for path in _files(paths, report):
        file = str(path)
        reader = _File(file, utf16, report)
        try:
            size = path.stat().st_size
            if size > options.max_bytes:
                raise InputError(file, f"{size} bytes, over the limit of {options.max_bytes}")
            with path.open("rb") as f:
                found = Walker(file, report).walk(JsonEvents(f, file))
                yield from reader.documents(found)
        except InputError as exc:
            report.refuse(exc)
            reader.abandon()
        except RecursionError:
            report.refuse(InputError(file, "JSON nested too deeply"))
            reader.abandon()
        except OSError as exc:
            report.refuse(InputError(file, exc.strerror or str(exc)))
            reader.abandon()


def _files(paths: Sequence[Path], report: Report) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            yield from sorted(found)
        elif path.is_file():
            yield path
        else:
            report.refuse(InputError(str(path), "no such file or folder"))


@dataclass
class _Source:
    """A document the file holds the text of, and the annotations read onto it."""

    document: Document
    name: str
    annotator: str | None
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    events: list[tuple[str, int, list[tuple[str, int]]]] = field(default_factory=list)
    units: Utf16Map | None = None


class _File:
    """One file's texts and annotations, a group at a time: a group's texts and annotations
    are resolved into documents once the text of a further document follows them."""

    def __init__(self, file: str, utf16: bool, report: Report) -> None:
        self.file = file
        self.utf16 = utf16
        self.report = report
        self.sources: dict[str, _Source] = {}
        self.annotations: list[dict[str, Any]] = []
        self.before = 0  # annotations of the groups before, to number those without an id

    def documents(self, found: Iterator[Found]) -> Iterator[AnnotatedDocument]:
        """The documents of the file, each with the annotations that could be read onto it."""
        for thing in found:
            if isinstance(thing, Text):
                yield from self._text(thing.node, thing.annotator)
                continue
            for item in target_items(thing)[0]:
                source = source_of(item)
                if isinstance(source, dict) and isinstance(source.get("value"), str):
                    yield from self._text(source, None)
            self.annotations.append(thing)
        yield from self._close()

    def abandon(self) -> None:
        """Drop the group being read when the file breaks off, saying what is lost."""
        if self.sources:
            self.report.note(
                f"{self.file}: {len(self.sources)} document(s) still being read where the "
                "file breaks off are not imported"
            )
        self.sources, self.annotations = {}, []

    def _text(self, node: dict[str, Any], annotator: str | None) -> Iterator[AnnotatedDocument]:
        """Add a text; a new document's text after texts and annotations closes the group."""
        iri = identifier(node)
        if iri is not None and iri not in self.sources and self.sources and self.annotations:
            yield from self._close()
        self._add_source(node, annotator)

    def _close(self) -> Iterator[AnnotatedDocument]:
        self._resolve()
        sources = self.sources
        self.before += len(self.annotations)
        self.sources, self.annotations = {}, []
        for s in sources.values():
            events = tuple(Event(kind, trigger, tuple(roles)) for kind, trigger, roles in s.events)
            spans, relations = tuple(s.spans), tuple(s.relations)
            yield AnnotatedDocument(s.document, s.name, spans, relations, events, s.annotator)

    def _add_source(self, node: dict[str, Any], annotator: str | None) -> None:
        iri = identifier(node)
        if iri is None:
            self.report.lose("texts without an id (no annotation can select in them)")
            return
        known = self.sources.get(iri)
        if known is None:
            self.sources[iri] = _Source(_document(iri, node), document_name(iri), annotator)
        elif known.document.text != node["value"]:
            reason = f"{iri}: a second, different text for the document (the first is kept)"
            self.report.refuse(InputError(self.file, reason))
        elif known.annotator is None:
            known.annotator = annotator

    # Resolving: spans first, then the links between them.

    def _resolve(self) -> None:
        ids: dict[str, int] = {}
        for n, annotation in enumerate(self.annotations):
            anno_id = identifier(annotation)
            if anno_id is not None:
                ids.setdefault(anno_id, n)
        spans: dict[int, tuple[_Source, int]] = {}
        links: list[tuple[int, list[int]]] = []
        for n, annotation in enumerate(self.annotations):
            items, composite = target_items(annotation)
            references = [_reference(item) for item in items]
            targets = [ids[r] for r in references if r is not None and r in ids]
            if any(selects_text(item) for item in items):
                try:
                    source, span = self._span(annotation, items, composite)
                except Refused as exc:
                    self._refuse(n, exc)
                    continue
                spans[n] = (source, len(source.spans))
                source.spans.append(span)
            elif items and len(targets) == len(items):
                links.append((n, targets))
            elif items and self.before and None not in references:
                missing = ", ".join(str(r) for r in references if r not in ids)
                reason = (
                    f"it links {missing}, not among the annotations since the previous document's"
                )
                self._refuse(n, Refused(reason))
            else:
                self.report.lose(_not_text(items))
        events: dict[int, tuple[_Source, int]] = {}
        for n, targets in sorted(links, key=lambda link: len(link[1]) != 1):  # events first
            try:
                self._link(n, targets, spans, events)
            except Refused as exc:
                self._refuse(n, exc)

    def _span(
        self, annotation: dict[str, Any], items: list[Any], composite: bool
    ) -> tuple[_Source, Span]:
        if not all(selects_text(item) for item in items):
            raise Refused("some of its targets select no text")
        if len(items) > 1 and not composite:
            raise Refused(f"{len(items)} independent targets (a span has one, or a Composite)")
        iris = {_iri(source_of(item)) for item in items}
        if len(iris) > 1:
            raise Refused("its fragments lie in different documents")
        iri = iris.pop()
        if iri is None:
            raise Refused("no text for its target: it names no source document")
        source = self.sources.get(iri)
        if source is None and self.before:
            raise Refused(
                f"no text for {iri} since the previous document's annotations (a document's "
                "annotations come after its text, before the next document's)"
            )
        if source is None:
            raise Refused(f"no text for {iri}: the file does not hold the document's text")
        if self.utf16 and source.units is None:
            source.units = Utf16Map(source.document.text)
        pieces = sorted(locate(item, source.document.text, source.units) for item in items)
        found = bodies(annotation)
        if not found.tags:
            raise Refused("no tagging body gives the span its label")
        attributes, repeated = found.attributes()
        note = "\n".join(found.notes)
        start, end = pieces[0][0], pieces[-1][1]
        fragments = tuple(pieces) if len(pieces) > 1 else ()
        try:
            span = Span(start, end, found.tags[0], attributes, note, fragments)
        except ValueError as exc:
            raise Refused(str(exc)) from None
        for what in found.other:
            self.report.lose(what)
        self.report.lose("repeated attribute tags (the last one kept)", repeated)
        return source, span

    def _link(
        self,
        n: int,
        targets: list[int],
        spans: dict[int, tuple[_Source, int]],
        events: dict[int, tuple[_Source, int]],
    ) -> None:
        annotation = self.annotations[n]
        if "linking" not in kinds(annotation.get("motivation")):
            self.report.lose("annotations on other annotations that are not links (replies, ...)")
            return
        found = bodies(annotation)
        if not found.tags:
            raise Refused("no tagging body names the link's type")
        kind = found.tags[0]
        if len(targets) == 1:
            source, trigger = self._spans(targets, spans)[0]
            events[n] = (source, len(source.events))
            source.events.append((kind, trigger, []))
        elif len(targets) == 2 and targets[0] in events:
            source, event = events[targets[0]]
            ((filler_source, filler),) = self._spans(targets[1:], spans)
            if filler_source is not source:
                raise Refused("its event and span lie in different documents")
            source.events[event][2].append((kind, filler))
        elif len(targets) == 2:
            (source, head), (tail_source, tail) = self._spans(targets, spans)
            if tail_source is not source:
                raise Refused("it links spans of different documents")
            source.relations.append(Relation(kind, head, tail))
        else:
            raise Refused(f"a link with {len(targets)} targets (a relation links two)")
        extra = len(found.tags) - 1 + len(found.notes) + len(found.other)
        self.report.lose("bodies of links beyond their type", extra)

    def _spans(
        self, targets: list[int], spans: dict[int, tuple[_Source, int]]
    ) -> list[tuple[_Source, int]]:
        missing = [self._where(t) for t in targets if t not in spans]
        if missing:
            raise Refused(f"it links what was not imported as a span: {', '.join(missing)}")
        return [spans[t] for t in targets]

    def _where(self, n: int) -> str:
        anno_id = identifier(self.annotations[n])
        return f"annotation {anno_id}" if anno_id else f"annotation {self.before + n + 1} (no id)"

    def _refuse(self, n: int, exc: Refused) -> None:
        self.report.refuse(InputError(self.file, f"{self._where(n)}: {exc}"))


def _reference(item: Any) -> str | None:
    """The annotation id a target item refers to: a bare IRI, or an object with only an id."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and set(item) <= {"id", "@id", "type", "@type"}:
        return identifier(item)
    return None


def _not_text(items: list[Any]) -> str:
    """Why an annotation that selects no text is not carried, by what it selects."""
    if not items:
        return "annotations without a target"
    types = set().union(*(selector_types(item) for item in items))
    if types:
        return f"annotations selecting by {', '.join(sorted(types))} (not a stretch of text)"
    return "annotations of whole resources (pages, images, ...), not stretches of text"


def _iri(node: Any) -> str | None:
    return node if isinstance(node, str) else identifier(node)


def _document(iri: str, node: dict[str, Any]) -> Document:
    """The document a text resource describes: its text and what the writer puts beside it."""
    origin = node.get("dcterms:source")
    return Document(
        text=node["value"],
        title=text_value(node.get("label")) or "",
        source=_iri(origin) or (None if iri.startswith(URN) else iri),
        author=person(node.get("creator")),
        published=text_value(node.get("dcterms:issued")),
        language=text_value(node.get("language")),
    )
