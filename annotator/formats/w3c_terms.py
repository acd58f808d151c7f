"""The W3C Web Annotation terms the writer and the reader share: the JSON-LD context, the IRIs
of exported documents, how an attribute becomes a ``key=value`` tag and back, and the names of
types and purposes with their prefixes taken off."""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from urllib.parse import quote, unquote

from annotator.document import AttributeValue
from annotator.errors import AnnotatorError

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
URN = "urn:news-annotator:"
ABOUT = "schema:about"  # schema.org's "about", a prefix the Web Annotation context defines
QUOTE_CONTEXT = 32  # code points of prefix and suffix in a TextQuoteSelector
OFFSETS = ("codepoints", "utf16")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def document_iri(name: str) -> str:
    """The IRI of an exported document: ``urn:news-annotator:<name>``, the name escaped."""
    return URN + quote(name, safe="")


def document_name(iri: str) -> str:
    """The name of the document at ``iri``: ours unescaped, any other IRI made file-safe."""
    if iri.startswith(URN):
        return unquote(iri[len(URN) :])
    return _UNSAFE.sub("_", iri).strip("_") or "document"


def check_offsets(offsets: str) -> bool:
    """Whether offsets count UTF-16 units; an unknown way of counting is one line of error."""
    if offsets not in OFFSETS:
        raise AnnotatorError(f"unknown offsets '{offsets}' (expected one of {', '.join(OFFSETS)})")
    return offsets == "utf16"


def attribute_tag(key: str, value: AttributeValue) -> str:
    """``key=value``: text as it is unless it would read back as another type (then quoted
    as JSON), other values as JSON (``true``, ``3``, ``0.5``, ``null``)."""
    if isinstance(value, str) and tag_value(value) == value:
        return f"{key}={value}"
    return f"{key}={json.dumps(value, ensure_ascii=False)}"


def tag_value(text: str) -> AttributeValue:
    """The value of the text after ``=`` in a tag: a JSON scalar when it is one (a quoted
    string, ``true``, ``3``, ``null``), else the text itself."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if value is None or isinstance(value, str | int | float | bool) else text


def local(name: Any) -> str:
    """A type, motivation or purpose without its prefix (``oa:tagging`` -> ``tagging``); the
    Activity Streams names of collections and pages become the Web Annotation ones."""
    return _local(name) if isinstance(name, str) else ""


@functools.lru_cache(maxsize=256)  # a file uses a few names, many times each
def _local(name: str) -> str:
    short = re.split(r"[#:/]", name)[-1]
    return {
        "OrderedCollection": "AnnotationCollection",
        "OrderedCollectionPage": "AnnotationPage",
    }.get(short, short)


def kinds(value: Any) -> set[str]:
    """The local names in a ``type``, ``motivation`` or ``purpose`` value (one or a list)."""
    items = value if isinstance(value, list) else [value]
    return {local(item) for item in items} - {""}
