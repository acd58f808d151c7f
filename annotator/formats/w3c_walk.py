"""Finding what a W3C Web Annotation file holds as its JSON is read: annotations, and the texts
they may select in (a collection's ``schema:about``, ``Text`` nodes with an ``id`` and a
``value``), through arrays, ``@graph``, annotation collections and pages.

Arrays, ``@graph``, a collection's ``first`` and ``items`` and a page's ``items`` and ``next``
are read one item at a time, so a collection of any size is never held whole. An object is
read that way when its ``type`` comes before those keys (as every writer seen puts it);
otherwise it is built whole, then walked. Other objects (annotations, texts) are built whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotator.formats.json_stream import MAX_DEPTH, STARTS, Event, JsonEvents
from annotator.formats.model import Report
from annotator.formats.w3c_targets import identifier
from annotator.formats.w3c_terms import ABOUT, kinds


@dataclass(frozen=True)
class Text:
    """A resource whose text annotations may select in, and who annotated it (a collection's
    creator)."""

    node: dict[str, Any]
    annotator: str | None


Found = Text | dict[str, Any]
"""A text, or an annotation (its JSON object)."""

_NOT_OBJECT = "JSON values that are not objects (not annotations)"
_OTHER = "JSON objects that are not annotations, collections, pages or texts"
_STREAMED = {
    "AnnotationCollection": {"first": "page", "items": "items"},
    "AnnotationPage": {"items": "items", "next": "page"},
}
"""The keys read item by item, by the type of the object that holds them: ``page`` for an
object read as a page, ``items`` for anything walked."""


class Walker:
    """Finds the texts and annotations of one file, in the order the file has them."""

    def __init__(self, file: str, report: Report) -> None:
        self.file = file
        self.report = report
        self.annotations = 0  # found so far, to check a collection's ``total``

    def walk(self, events: JsonEvents) -> Iterator[Found]:
        """The texts and annotations of the JSON value ``events`` read."""
        first = next(events, None)
        if first is not None:
            yield from self._value(events, first, 0)
        for _ in events:  # the parser refuses anything after the value
            pass

    # Read item by item.

    def _value(self, events: JsonEvents, event: Event, depth: int) -> Iterator[Found]:
        if depth >= MAX_DEPTH:
            raise events.error("JSON nested too deeply")
        if event[0] == "start_array":
            for item in events:
                if item[0] == "end_array":
                    return
                yield from self._value(events, item, depth + 1)
        elif event[0] == "start_map":
            yield from self._object(events, depth + 1, page=False)
        else:
            self.report.lose(_NOT_OBJECT)

    def _object(self, events: JsonEvents, depth: int, page: bool) -> Iterator[Found]:
        """An object, read as a page (a collection's ``first``, a page's ``next``) or as
        anything; the keys it reads item by item are left out of the object it then walks."""
        node: dict[str, Any] = {}
        before = self.annotations
        graph = False
        streamed = _STREAMED["AnnotationPage"] if page else {}
        for kind, key in events:
            if kind == "end_map":
                break
            event = next(events)
            how = streamed.get(key) if event[0] in STARTS else None
            if graph:  # only @graph counts in an object that has one
                events.value(event, depth)
            elif key == "@graph" and not page:
                graph = True
                yield from self._value(events, event, depth)
            elif how == "items" or (how == "page" and event[0] == "start_map"):
                yield from self._about(node)
                if how == "page":
                    yield from self._object(events, depth + 1, page=True)
                else:
                    yield from self._value(events, event, depth)
            else:
                node[key] = events.value(event, depth)
                if not page and key in ("type", "@type"):
                    streamed = _streamed(node)
        if not graph:
            yield from self._page(node) if page else self._walk(node, before)

    def _about(self, node: dict[str, Any]) -> Iterator[Found]:
        """A collection's text, before the annotations on it (taken out of ``node``)."""
        if "AnnotationCollection" in kinds(node.get("type", node.get("@type"))):
            about = node.pop(ABOUT, None)
            if isinstance(about, dict) and isinstance(about.get("value"), str):
                yield Text(about, person(node.get("creator")))

    # Walk what was built whole.

    def _walk(self, node: Any, before: int | None = None) -> Iterator[Found]:
        if isinstance(node, list):
            for item in node:
                yield from self._walk(item)
            return
        if not isinstance(node, dict):
            self.report.lose(_NOT_OBJECT)
            return
        if "@graph" in node:
            yield from self._walk(node["@graph"])
            return
        types = kinds(node.get("type", node.get("@type")))
        if "Annotation" in types or (not types and "target" in node):
            self.annotations += 1
            yield node
        elif "AnnotationCollection" in types:
            yield from self._collection(node, self.annotations if before is None else before)
        elif "AnnotationPage" in types:
            yield from self._page(node)
        elif isinstance(node.get("value"), str) and identifier(node) is not None:
            yield Text(node, None)
        else:
            self.report.lose(_OTHER)

    def _collection(self, node: dict[str, Any], before: int) -> Iterator[Found]:
        yield from self._about(node)
        first = node.get("first")
        if isinstance(first, dict):
            yield from self._page(first)
        elif isinstance(first, str):
            self._linked(first)
        if "items" in node:
            yield from self._walk(node["items"])
        total, found = node.get("total"), self.annotations - before
        if isinstance(total, int) and total > found:
            self.report.note(
                f"{self.file}: collection {identifier(node)} counts {total} annotation(s), "
                f"the file holds {found}"
            )

    def _page(self, node: dict[str, Any]) -> Iterator[Found]:
        yield from self._walk(node.get("items", []))
        after = node.get("next")
        if isinstance(after, dict):
            yield from self._page(after)
        elif isinstance(after, str):
            self._linked(after)

    def _linked(self, page: str) -> None:
        self.report.note(f"{self.file}: page {page} is only linked: its annotations are not read")


def _streamed(node: dict[str, Any]) -> dict[str, str]:
    """The keys of ``node`` read item by item, as far as its type is known."""
    types = kinds(node.get("type", node.get("@type")))
    if "Annotation" in types:
        return {}
    held = [_STREAMED[t] for t in ("AnnotationCollection", "AnnotationPage") if t in types]
    return held[0] if held else {}


def text_value(value: Any) -> str | None:
    """A string, or the first string of a list."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    return value if isinstance(value, str) else None


def person(node: Any) -> str | None:
    """The name of a ``Person`` (or any agent with a name)."""
    return text_value(node.get("name")) if isinstance(node, dict) else None
