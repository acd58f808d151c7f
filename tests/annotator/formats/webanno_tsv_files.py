"""What the WebAnno TSV tests share: the format's reader and writer, and the spans and relations
of a document as the tests compare them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.formats.model import AnnotatedDocument, ImportOptions, Report
from tests.annotator.formats.harness import read_with, writer_and_reader

write, read = writer_and_reader("webanno-tsv")


def _import(*paths: Path, **options: Any) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(read, paths, ImportOptions(**options))


def _shown(doc: AnnotatedDocument) -> list[tuple[str, str, dict[str, Any]]]:
    """Each span as (covered text, label, attributes), sorted."""
    return sorted((doc.text[s.start : s.end], s.label, dict(s.attributes)) for s in doc.spans)


def _relations(doc: AnnotatedDocument) -> set[tuple[str, str, str]]:
    def key(i: int) -> str:
        s = doc.spans[i]
        return f"{s.start}:{s.end}:{s.label}"

    return {(r.type, key(r.head), key(r.tail)) for r in doc.relations}
