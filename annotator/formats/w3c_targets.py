"""What one Web Annotation says, for the reader: its targets (stretches of text by
TextPositionSelector and TextQuoteSelector, references to other annotations, or something else)
and its bodies (tags, comments, and what is neither)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.document import AttributeValue
from annotator.formats.w3c_terms import kinds, local, tag_value
from annotator.offsets import Utf16Map

TEXT_SELECTORS = frozenset({"TextPositionSelector", "TextQuoteSelector"})
_TAGGING = frozenset({"tagging", "classifying"})
_NOTES = frozenset({"commenting", "describing", "replying"})


class Refused(Exception):
    """An annotation that cannot be imported; the message says why, in one line."""


def identifier(node: Any) -> str | None:
    """The node's ``id`` (or ``@id``) when it is a string."""
    if isinstance(node, dict):
        value = node.get("id", node.get("@id"))
        return value if isinstance(value, str) else None
    return None


def target_items(annotation: dict[str, Any]) -> tuple[list[Any], bool]:
    """The annotation's targets, and whether they are the fragments of one selection (a
    ``Composite`` or ``List``) rather than independent targets."""
    target = annotation.get("target")
    if isinstance(target, list) and len(target) == 1:
        target = target[0]
    if isinstance(target, list):
        return target, False
    if isinstance(target, dict) and isinstance(target.get("items"), list):
        types = kinds(target.get("type"))
        if types & {"Composite", "List", "Independents"}:
            return target["items"], "Independents" not in types
    return ([] if target is None else [target]), False


def source_of(item: Any) -> Any:
    """The ``source`` of a target item: an IRI, an embedded resource, or None."""
    return item.get("source") if isinstance(item, dict) else None


def selectors(item: Any) -> list[dict[str, Any]]:
    """The selectors of a target item (one or a list of equivalent ones)."""
    found = item.get("selector") if isinstance(item, dict) else None
    found = found if isinstance(found, list) else [found]
    return [s for s in found if isinstance(s, dict)]


def selector_types(item: Any) -> set[str]:
    """The types of the item's selectors."""
    return {local(s.get("type")) for s in selectors(item)} - {""}


def refined_text(selector: dict[str, Any]) -> bool:
    """Whether a text selector refines ``selector`` (text inside a fragment, an XPath...)."""
    refined = selector.get("refinedBy")
    for inner in refined if isinstance(refined, list) else [refined]:
        if isinstance(inner, dict) and (
            local(inner.get("type")) in TEXT_SELECTORS or refined_text(inner)
        ):
            return True
    return False


def selects_text(item: Any) -> bool:
    """Whether the item selects a stretch of text, directly or inside another selection."""
    return any(local(s.get("type")) in TEXT_SELECTORS or refined_text(s) for s in selectors(item))


def locate(item: Any, text: str, units: Utf16Map | None) -> tuple[int, int]:
    """The code-point offsets the item's text selectors select in ``text``, checked against
    each other: the quote's exact text, prefix and suffix must stand at the position."""
    found = {local(s.get("type")): s for s in reversed(selectors(item))}
    position, quote = found.get("TextPositionSelector"), found.get("TextQuoteSelector")
    if position is None and quote is None:
        outer = next(iter(sorted(selector_types(item))), "selector")
        raise Refused(f"its text selector refines a {outer}: text inside a part is not supported")
    if position is None:
        assert quote is not None
        return _find_quote(quote, text)
    start, end = _position(position, text, units)
    if quote is not None:
        exact, prefix, suffix = _quote(quote)
        if text[start:end] != exact:
            raise Refused(
                f"offsets {start}..{end} select {_show(text[start:end])}, but the quote is {_show(exact)}"
            )
        if not text[:start].endswith(prefix) or not text[end:].startswith(suffix):
            raise Refused(
                f"the quote's prefix or suffix does not stand beside offsets {start}..{end}"
            )
    return start, end


def _position(selector: dict[str, Any], text: str, units: Utf16Map | None) -> tuple[int, int]:
    start: Any = selector.get("start")
    end: Any = selector.get("end")
    if not _is_int(start) or not _is_int(end):
        raise Refused(f"TextPositionSelector start {start!r} and end {end!r} must be integers")
    if units is not None:
        try:
            start, end = units.from_utf16(start), units.from_utf16(end)
        except ValueError as exc:
            raise Refused(str(exc)) from None
    if not 0 <= start < end <= len(text):
        raise Refused(f"offsets {start}..{end} outside the text (0..{len(text)})")
    return start, end


def _find_quote(selector: dict[str, Any], text: str) -> tuple[int, int]:
    """The one place where prefix, exact and suffix stand together; none or two are refused."""
    exact, prefix, suffix = _quote(selector)
    if not exact:
        raise Refused("TextQuoteSelector with an empty exact text")
    whole = prefix + exact + suffix
    first = text.find(whole)
    if first < 0:
        raise Refused(f"the quote {_show(exact)} with its prefix and suffix is not in the text")
    if text.find(whole, first + 1) >= 0:
        raise Refused(f"the quote {_show(exact)} with its prefix and suffix is in the text twice")
    start = first + len(prefix)
    return start, start + len(exact)


def _quote(selector: dict[str, Any]) -> tuple[str, str, str]:
    parts = [selector.get(key, "") for key in ("exact", "prefix", "suffix")]
    if not all(isinstance(part, str) for part in parts):
        raise Refused("TextQuoteSelector exact, prefix and suffix must be strings")
    return parts[0], parts[1], parts[2]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass
class Bodies:
    """An annotation's bodies sorted out: tags (label first), comments, and what was neither
    (reasons, for the report)."""

    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def attributes(self) -> tuple[dict[str, AttributeValue], int]:
        """The tags after the label as attributes (``key=value``; a bare tag is ``tag: true``),
        and how many repeated a name (the last one kept)."""
        found: dict[str, AttributeValue] = {}
        repeated = 0
        for tag in self.tags[1:]:
            key, equals, value = tag.partition("=")
            repeated += key in found
            found[key] = tag_value(value) if equals else True
        return found, repeated


def bodies(annotation: dict[str, Any]) -> Bodies:
    """Sort the annotation's bodies (and ``bodyValue``): ``tagging`` or ``classifying`` text
    is a tag; ``commenting``, ``describing``, ``replying`` or unmarked text a comment (unmarked
    text is a tag when the annotation's motivation is tagging, classifying or linking)."""
    found = Bodies()
    body = annotation.get("body")
    items = list(body) if isinstance(body, list) else [] if body is None else [body]
    if isinstance(annotation.get("bodyValue"), str):
        items.append({"type": "TextualBody", "value": annotation["bodyValue"]})
    motives = kinds(annotation.get("motivation"))
    default = "tagging" if motives & (_TAGGING | {"linking"}) else None
    for item in items:
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not kinds(item.get("type")) <= {"TextualBody"}:
            found.other.append("bodies that are not embedded text (links, choices, media)")
            continue
        purpose = min(kinds(item.get("purpose")), default=default)
        if purpose in _TAGGING:
            found.tags.append(value)
        elif purpose is None or purpose in _NOTES:
            found.notes.append(value)
        else:
            found.other.append(f"text bodies with purpose '{purpose}' (not a tag or a comment)")
    return found
