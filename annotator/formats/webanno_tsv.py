"""WebAnno TSV 3.3, as INCEpTION reads and writes it: a folder of ``<name>.tsv``, one per document.

Offsets in the files count UTF-16 units; they are converted here, at the format's boundary.

Export layers (create them in the INCEpTION project before importing the files):

- ``#T_SP=webanno.custom.Span|label|<attribute>...``: a custom span layer ``Span`` with a
  string feature ``label`` and a string feature per attribute name the document uses (sorted;
  a name INCEpTION restricts, such as ``type``, gets an underscore: ``type_``). Documents with
  events add ``|event|ROLE_webanno.custom.Span:roles_webanno.custom.SpanRolesLink|
  webanno.custom.Span`` (without the line break): a string feature ``event``, the event type on
  trigger spans, and a link feature ``roles`` whose targets are ``Span`` annotations.
- ``#T_RL=webanno.custom.Relation|label|BT_webanno.custom.Span``: a custom relation layer
  ``Relation`` over ``Span`` with a string feature ``label``, the relation type.

Attribute values are written as text (booleans as ``true``/``false``) and read back as text.
Notes and the gaps of discontinuous spans are not carried (the report counts them).

Import reads any TSV 3.x file (see :mod:`annotator.formats.webanno_tsv_reader` for how layers
become spans, relations and events). Texts are rebuilt from the ``#Text=`` lines exactly as
INCEpTION rebuilds them (:mod:`annotator.formats.webanno_tsv_parser`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)
from annotator.formats.webanno_tsv_parser import parse
from annotator.formats.webanno_tsv_reader import read_document
from annotator.formats.webanno_tsv_writer import write_document

SUFFIX = ".tsv"


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write each document to ``out/<name>.tsv`` (the folder is created), one at a time."""
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for doc in docs:
        name = doc.name
        n = 1
        while name in used:
            n += 1
            name = f"{doc.name}-{n}"
        if name != doc.name:
            report.note(f"{doc.name}: a second document of that name, written as {name}{SUFFIX}")
        used.add(name)
        content = write_document(doc, options, report)
        (out / f"{name}{SUFFIX}").write_text(content, encoding="utf-8", newline="\n")
        report.documents += 1
        report.spans += len(doc.spans)


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Yield a document per ``.tsv`` file (folders are walked); a file that is not well formed
    is refused with its line, a bad row is refused and the rest of its file imported."""
    for path, name in _files(paths):
        doc = _read_file(path, name, options, report)
        if doc is not None:  # the corpus layer counts what it stores
            yield doc


def _files(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """Each file with the document name it gets: its stem, or its path below the folder given
    with ``/`` turned into ``_``."""
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob(f"*{SUFFIX}")):
                if file.is_file():
                    yield file, file.relative_to(path).with_suffix("").as_posix().replace("/", "_")
        else:
            yield path, path.stem


def _read_file(
    path: Path, name: str, options: ImportOptions, report: Report
) -> AnnotatedDocument | None:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise InputError(file, f"{size} bytes, over the limit of {options.max_bytes}")
        try:
            content = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(file, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
        return read_document(parse(content, file), file, name, report)
    except OSError as exc:
        report.refuse(InputError(file, exc.strerror or str(exc)))
    except InputError as exc:
        report.refuse(exc)
    return None


FORMAT = Format(
    name="webanno-tsv",
    title="WebAnno TSV 3.3 (INCEpTION)",
    suffix=SUFFIX,
    write=write,
    read=read,
    carries=frozenset({"overlaps", "relations", "events", "attributes"}),
    directory=True,
)
