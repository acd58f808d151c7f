"""brat standoff: a folder holding ``<name>.txt`` (the text, UTF-8, as stored) and
``<name>.ann`` (its annotations) per document, and brat's annotation.conf and visual.conf
written from the schema.

Offsets are code points of the .txt as written, which is what brat counts (it reads the text
without touching line ends, so a CRLF counts two). The reader takes folders (every .ann with
the .txt beside it, subfolders included) or .ann/.txt files, and keeps the text as the file has
it; the corpus layer normalises it and moves the offsets. What each line type carries is said
in :mod:`annotator.formats.brat_ann` (reading) and :mod:`annotator.formats.brat_ann_write`
(writing); the configurations in :mod:`annotator.formats.brat_conf` and
:mod:`annotator.formats.brat_conf_write`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annotator.document import Document
from annotator.errors import AnnotatorError, InputError
from annotator.formats.brat_ann import AnnReader
from annotator.formats.brat_ann_write import ann_lines
from annotator.formats.brat_conf import schema_name, schema_reader
from annotator.formats.brat_conf_write import brat_names, conf_texts, schema_writer
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')

# -- writing ------------------------------------------------------------------------------------


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write each document as ``<name>.txt`` and ``<name>.ann`` into the folder ``out``, and
    annotation.conf and visual.conf when ``options.schema`` is given."""
    if out.exists() and not out.is_dir():
        raise AnnotatorError(f"{out} is a file; brat writes a folder")
    out.mkdir(parents=True, exist_ok=True)
    if options.schema is not None:
        annotation, visual, problems = conf_texts(options.schema)
        (out / "annotation.conf").write_text(annotation, encoding="utf-8", newline="\n")
        (out / "visual.conf").write_text(visual, encoding="utf-8", newline="\n")
        for problem in problems:
            report.lose(f"in annotation.conf: {problem}")
    original = brat_names(options.schema)
    used: set[str] = set()
    for doc in docs:
        lines = ann_lines(doc, report, original)
        try:
            text = doc.text.encode("utf-8")
            ann = "".join(f"{line}\n" for line in lines).encode("utf-8")
        except UnicodeEncodeError as exc:
            report.refuse(InputError(doc.name, f"cannot be written as UTF-8: {exc.reason}"))
            continue
        name = _file_name(doc.name, used, report)
        (out / f"{name}.txt").write_bytes(text)
        (out / f"{name}.ann").write_bytes(ann)
        report.documents += 1
        report.spans += sum(1 for line in lines if line.startswith("T"))


def _file_name(name: str, used: set[str], report: Report) -> str:
    """A file-safe name for ``name`` that no earlier document took (case aside)."""
    safe = _UNSAFE.sub("_", name).strip(" .") or "document"
    chosen, n = safe, 1
    while chosen.lower() in used:
        n += 1
        chosen = f"{safe}-{n}"
    used.add(chosen.lower())
    if chosen != name:
        report.note(f"document '{name}' written as '{chosen}' (name not file-safe or taken)")
    return chosen


# -- reading ------------------------------------------------------------------------------------


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Read every .ann (with its .txt) that ``paths`` name or hold, one document at a time."""
    names = _NameMap(report)
    seen: set[Path] = set()
    for ann, name in _annotation_files(paths, report):
        key = ann.resolve()
        if key in seen:
            continue
        seen.add(key)
        doc = _document(ann, name, options, report, names)
        if doc is not None:
            yield doc


def _annotation_files(paths: Sequence[Path], report: Report) -> Iterator[tuple[Path, str]]:
    """Each .ann file with the name of its document (folders walked, sorted)."""
    for path in map(Path, paths):
        if path.is_dir():
            for ann in sorted(path.rglob("*.ann")):
                if ann.is_file():
                    yield ann, "-".join(ann.relative_to(path).with_suffix("").parts)
        elif path.suffix in (".ann", ".txt"):
            yield path.with_suffix(".ann"), path.stem
        elif not path.exists():
            report.refuse(InputError(str(path), "no such file or folder"))
        else:
            report.refuse(InputError(str(path), "not a brat .ann or .txt file"))


def _document(
    ann: Path, name: str, options: ImportOptions, report: Report, names: _NameMap
) -> AnnotatedDocument | None:
    txt = ann.with_suffix(".txt")
    contents = []
    for path in (txt, ann):
        if not path.is_file():
            what = "no .txt beside it" if path is txt and ann.is_file() else "no such file"
            report.refuse(InputError(str(ann), what))
            return None
        size = path.stat().st_size
        if size > options.max_bytes:
            report.refuse(
                InputError(str(path), f"{size} bytes, over the limit of {options.max_bytes}")
            )
            return None
        try:
            contents.append(path.read_bytes().decode("utf-8" if path is txt else "utf-8-sig"))
        except UnicodeDecodeError as exc:
            report.refuse(InputError(str(path), f"not UTF-8 (byte {exc.start})"))
            return None
        except OSError as exc:
            report.refuse(InputError(str(path), f"cannot read: {exc.strerror}"))
            return None
    text, annotations = contents
    spans, relations, events = AnnReader(text, str(ann), report, names).read(annotations)
    return AnnotatedDocument(
        Document(text=text, title=name), name, tuple(spans), tuple(relations), tuple(events)
    )


class _NameMap:
    """brat names to schema names (see :func:`schema_name`), each change noted once a run."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.changed: set[str] = set()

    def __call__(self, name: str) -> str:
        mapped = schema_name(name)
        if mapped != name and name not in self.changed:
            self.changed.add(name)
            self.report.note(f"brat name '{name}' read as '{mapped}' (the schema's name rules)")
        return mapped


FORMAT = Format(
    name="brat",
    title="brat standoff (.txt + .ann, annotation.conf)",
    suffix="",
    write=write,
    read=read,
    carries=frozenset({"overlaps", "relations", "events", "attributes", "notes", "discontinuous"}),
    directory=True,
    schema_reader=schema_reader,
    schema_writer=schema_writer,
)
