"""What the format tests share: the sample files of ../shared/samples (a test skips where they
are absent), a format's reader or writer run with a fresh report, and the spans as they read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import pytest

from annotator import formats
from annotator.errors import SchemaError
from annotator.formats.model import AnnotatedDocument, ExportOptions, ImportOptions, Report

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"

Reader = Callable[[list[Path], ImportOptions, Report], Iterator[AnnotatedDocument]]
Writer = Callable[[Iterable[AnnotatedDocument], Path, ExportOptions, Report], object]


def sample_folder(relative: str, absent: str) -> Path:
    """The folder ``relative`` of the samples; skips the test (saying ``absent``) without it."""
    folder = SAMPLES / relative
    if not folder.is_dir():
        pytest.skip(f"../shared/samples is absent: {absent}")
    return folder


def read_with(
    reader: Reader, paths: Sequence[Path], options: ImportOptions
) -> tuple[list[AnnotatedDocument], Report]:
    """What ``reader`` reads from ``paths``, and its report."""
    report = Report()
    return list(reader(list(paths), options, report)), report


def write_with(
    writer: Writer, docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions
) -> Report:
    """Write ``docs`` to ``out`` with ``writer``; its report."""
    report = Report()
    writer(docs, out, options, report)
    return report


def labelled(doc: AnnotatedDocument) -> list[tuple[str, str]]:
    """Each span of ``doc`` as (label, the text it covers)."""
    return [(s.label, doc.text[s.start : s.end]) for s in doc.spans]


def writer_and_reader(name: str) -> tuple[Writer, Reader]:
    """The writer and the reader of the registered format ``name``."""
    fmt = formats.get(name)
    assert fmt.write is not None and fmt.read is not None
    return fmt.write, fmt.read


def word_offsets(word: str, text: str) -> tuple[int, int]:
    """The offsets of the first ``word`` in ``text``."""
    start = text.index(word)
    return start, start + len(word)


def assert_refused(
    schema_reader: Callable[[Path], object], path: Path, content: str, match: str
) -> None:
    """``schema_reader`` refuses ``path`` holding ``content`` with a SchemaError matching
    ``match``."""
    path.write_text(content)
    with pytest.raises(SchemaError, match=match):
        schema_reader(path)
