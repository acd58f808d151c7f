"""Reading CoNLL-like token files: CoNLL-2003 (4 columns), token/tag (2 columns), token/POS/tag,
tokens alone, GermEval 2014 (``#`` comments, an index column, an outer and an inner nested NER
column) and spaCy's sentence-per-line ``word|tag`` layout.

A first pass learns the file's layout (its usual column count, index column, nested column)
and, unless the options name one, its scheme; the second pass builds the documents, split at
``-DOCSTART-`` (a file without it is one document). The tag is the last column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.conll_sentences import DocumentBuilder, TagNotes, files_in
from annotator.formats.model import AnnotatedDocument, ImportOptions, Report
from annotator.formats.tagging import SchemeGuess, parse_tag, scheme_name

SUFFIXES = (".conll", ".conll2002", ".conll2003", ".iob", ".iob2", ".bio", ".bioes", ".bilou")
"""The file names read from a folder (a file given by name is read whatever its suffix)."""

_SPACES = re.compile(" +")
_BAD_TAG = "tag {!r} is not O or B-/I-/E-/S-/L-/U- and a label"


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Yield the documents of the CoNLL-like files (or folders) ``paths``."""
    forced = scheme_name(options.scheme) if options.scheme else None
    for file in files_in(paths, SUFFIXES, options.max_bytes, report):
        try:
            layout = _survey(file)
        except InputError as exc:
            report.refuse(exc)
            continue
        except OSError as exc:
            report.refuse(InputError(str(file), f"cannot be read: {exc.strerror}"))
            continue
        scheme = forced or layout.scheme
        if forced is None and scheme != "bio":
            report.note(f"{file}: tags read as {scheme}")
        yield from _documents(file, layout, scheme, report)


@dataclass(frozen=True)
class _Layout:
    """What the first pass learnt of a file."""

    columns: int  # of a token line (0: sentence per line, word|tag items)
    indexed: bool  # GermEval: an index column first and '#' comment lines
    nested: bool  # GermEval: a second NER column before the last
    docstarts: int
    scheme: str

    @property
    def token_column(self) -> int:
        return 1 if self.indexed else 0

    @property
    def tag_columns(self) -> tuple[int, ...]:
        if self.columns <= 1:
            return ()
        return (self.columns - 2, self.columns - 1) if self.nested else (self.columns - 1,)


def _fields(line: str) -> list[str]:
    """A line's columns: split at tabs when it has any, else at runs of spaces."""
    line = line.strip(" \t\r\n")
    if not line or line.isspace():
        return [""]
    if "\t" in line:
        return [field.strip(" ") for field in line.split("\t")]
    return _SPACES.split(line)


def _items(fields: Sequence[str]) -> list[tuple[str, str]] | None:
    """The (word, tag) pairs of a sentence-per-line ``word|tag`` (or ``word|POS|tag``) line."""
    pairs = []
    for item in fields:
        parts = item.split("|")
        if len(parts) < 2 or not parts[0] or parse_tag(parts[-1]) is None:
            return None
        pairs.append((parts[0], parts[-1]))
    return pairs


def _survey(file: Path) -> _Layout:
    """The file's layout; an InputError when it is not UTF-8."""
    try:
        return _layout(file)
    except UnicodeDecodeError:
        with file.open(encoding="utf-8", errors="replace", newline=None) as lines:
            bad = next((n for n, text in enumerate(lines, 1) if "\ufffd" in text), None)
        raise InputError(str(file), "not UTF-8 text", bad) from None


def _layout(file: Path) -> _Layout:
    counts: Counter[int] = Counter()
    last, inner = SchemeGuess(), SchemeGuess()
    last_tags: list[str] = []
    inner_tags: list[str] = []
    inner_all_tags = True
    indexed = True
    sentence_start = True
    per_line: bool | None = None
    docstarts = 0
    with file.open(encoding="utf-8-sig", newline=None) as lines:
        for line in lines:
            fields = _fields(line)
            if fields == [""] or fields[0] == "-DOCSTART-":
                last.see(last_tags)
                inner.see(inner_tags)
                last_tags, inner_tags, sentence_start = [], [], True
                docstarts += fields[0] == "-DOCSTART-"
                continue
            if line.startswith("#"):
                continue  # a comment if the file is indexed, else a rare '#' token
            if per_line is None:
                per_line = _items(fields) is not None
            if per_line:
                last.see([tag for _word, tag in _items(fields) or ()])
                continue
            counts[len(fields)] += 1
            if len(fields) < 3 or not fields[0].isdigit() or (sentence_start and fields[0] != "1"):
                indexed = False
            sentence_start = False
            last_tags.append(fields[-1])
            if len(fields) >= 4:
                inner_all_tags = inner_all_tags and parse_tag(fields[-2]) is not None
                inner_tags.append(fields[-2])
    last.see(last_tags)
    inner.see(inner_tags)
    columns = 0 if per_line else (counts.most_common(1)[0][0] if counts else 1)
    indexed = indexed and bool(counts)
    nested = indexed and columns >= 4 and inner_all_tags
    guess = last.merged(inner) if nested else last
    return _Layout(columns, indexed, nested, docstarts, guess.scheme)


class _Documents:
    """The second pass: sentences gathered into documents, bad lines refused."""

    def __init__(self, file: Path, layout: _Layout, scheme: str, report: Report) -> None:
        self.file = file
        self.layout = layout
        self.scheme = scheme
        self.report = report
        self.notes = TagNotes(str(file), report)
        self.builder = DocumentBuilder(scheme, self.notes)
        self.tokens: list[str] = []
        self.columns: list[list[str]] = [[] for _ in layout.tag_columns]
        self.lines: list[int] = []
        self.count = 0
        self.empty = 0

    def refuse(self, number: int, reason: str) -> None:
        self.report.refuse(InputError(str(self.file), reason, number))

    def end_sentence(self) -> None:
        self.builder.add(self.tokens, self.columns, self.lines)
        self.tokens, self.lines = [], []
        self.columns = [[] for _ in self.layout.tag_columns]

    def end_document(self, opened_by_docstart: bool) -> AnnotatedDocument | None:
        self.end_sentence()
        self.count += 1
        alone = self.count == 1 and self.layout.docstarts <= 1
        name = self.file.stem if alone else f"{self.file.stem}-{self.count}"
        doc = self.builder.build(name, str(self.file))
        if doc is None:
            self.count -= 1
            self.empty += opened_by_docstart
        self.builder = DocumentBuilder(self.scheme, self.notes)
        return doc

    def token_line(self, number: int, fields: list[str]) -> None:
        layout = self.layout
        if len(fields) != layout.columns:
            self.refuse(number, f"{len(fields)} column(s) where the file has {layout.columns}")
            return
        tags = [fields[c] for c in layout.tag_columns]
        bad = next((tag for tag in tags if parse_tag(tag) is None), None)
        if bad is not None:
            self.refuse(number, _BAD_TAG.format(bad))
            return
        token = fields[layout.token_column]
        if not token:
            self.refuse(number, "empty token")
            return
        self.tokens.append(token)
        self.lines.append(number)
        for column, tag in zip(self.columns, tags, strict=True):
            column.append(tag)

    def sentence_line(self, number: int, fields: list[str]) -> None:
        pairs = _items(fields)
        if pairs is None:
            bad = next(item for item in fields if _items([item]) is None)
            self.refuse(number, f"{bad!r} is not word|tag (tag O or B-/I-/E-/S-/L-/U- and a label)")
            return
        self.builder.add([w for w, _t in pairs], [[t for _w, t in pairs]], [number] * len(pairs))


def _documents(
    file: Path, layout: _Layout, scheme: str, report: Report
) -> Iterator[AnnotatedDocument]:
    state = _Documents(file, layout, scheme, report)
    opened_by_docstart = False
    with file.open(encoding="utf-8-sig", newline=None) as lines:
        for number, line in enumerate(lines, 1):
            fields = _fields(line)
            if fields == [""]:
                state.end_sentence()
            elif fields[0] == "-DOCSTART-":
                doc = state.end_document(opened_by_docstart)
                opened_by_docstart = True
                if doc is not None:
                    yield doc
            elif layout.indexed and line.startswith("#"):
                state.end_sentence()
            elif layout.columns == 0:
                state.sentence_line(number, fields)
            else:
                state.token_line(number, fields)
    doc = state.end_document(opened_by_docstart)
    if doc is not None:
        yield doc
    state.notes.finish()
    if state.empty:
        report.note(f"{file}: {state.empty} document(s) without a token left out")
