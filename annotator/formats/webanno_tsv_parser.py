"""The syntax of a WebAnno TSV 3.x file: its version, its column declarations, its token and
sub-token rows, and the document text rebuilt as INCEpTION rebuilds it.

The text is the ``#Text=`` lines of each sentence, each followed by a line feed; before a
sentence whose first token starts further on, spaces fill the gap, and when it starts right at
the end of the previous sentence's text, that sentence's final line feed goes. Offsets count
UTF-16 units, so the rebuilding counts them too. The line feed after the last sentence is not
part of the document (INCEpTION keeps it; it carries nothing). A file that breaks these rules
is refused as a whole (:class:`InputError` with its line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from annotator.errors import InputError
from annotator.formats.webanno_tsv_escaping import unescape_text

SPAN, RELATION, CHAIN = "span", "relation", "chain"
_LAYER_PREFIXES = {"#T_SP=": SPAN, "#T_RL=": RELATION, "#T_CH=": CHAIN}

# What a column holds.
VALUE = "value"  # a primitive feature
PLACEHOLDER = "placeholder"  # a layer without features: "*" marks an annotation
SLOT_ROLE = "slot_role"  # the roles of a slot (link) feature, ";"-separated
SLOT_TARGET = "slot_target"  # the units of the slot fillers, ";"-separated
BASE = "base"  # a relation's source unit (the BT_ column)
CHAIN_CELL = "chain"  # referenceType or referenceRelation of a chain layer

_FORMAT = re.compile(r"#FORMAT=WebAnno TSV (\d+)(?:\.(\d+))?\s*")
_UNIT_ID = re.compile(r"(\d+)-(\d+)(?:\.(\d+))?")
_OFFSETS = re.compile(r"(\d+)-(\d+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as Java's readLine, which INCEpTION uses


@dataclass(frozen=True)
class Column:
    """One annotation column: its layer (a UIMA type name), the layer's kind, the feature it
    holds and what it holds; ``target`` is the type a slot or relation refers to."""

    layer: str
    kind: str
    feature: str
    holds: str
    target: str = ""


@dataclass
class Row:
    """A token or sub-token row: its line, id, UTF-16 offsets, token cell and annotation
    cells (one per column)."""

    line: int
    id: str
    begin: int
    end: int
    text: str
    cells: list[str]

    @property
    def is_subtoken(self) -> bool:
        """Whether the row is a sub-token (``1-2.1``)."""
        return "." in self.id


@dataclass
class TsvFile:
    """A parsed file: minor version, columns, rows in file order, the rebuilt text and the
    number of ``#Sentence.id`` lines."""

    minor: int
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    text: str = ""
    sentence_ids: int = 0


def split_lines(content: str) -> list[str]:
    """The lines of ``content`` as a Java line reader sees them (LF, CR and CRLF end a line;
    other Unicode line separators do not)."""
    lines = _LINE_BREAK.split(content)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def parse(content: str, file: str) -> TsvFile:
    """The file's version, columns, rows and text; InputError when it is not well formed."""
    lines = split_lines(content.removeprefix("\ufeff"))
    minor = _version(lines[0] if lines else "", file)
    tsv = TsvFile(minor)
    body = _columns(lines, tsv.columns, file)
    _body(lines, body, tsv, file)
    return tsv


def _version(line: str, file: str) -> int:
    m = _FORMAT.fullmatch(line)
    if m is None or m[1] != "3":
        raise InputError(file, f"not a WebAnno TSV 3.x file: the first line is {line[:60]!r}", 1)
    return int(m[2] or 0)


def _columns(lines: list[str], columns: list[Column], file: str) -> int:
    """Read the layer declarations after the format line into ``columns``; the index of the
    first line after them."""
    i = 1
    while i < len(lines):
        line = lines[i]
        kind = next((k for p, k in _LAYER_PREFIXES.items() if line.startswith(p)), None)
        if kind is None:
            break
        fields = [f for f in line.split("=", 1)[1].split("|") if f]
        if not fields:
            raise InputError(file, "a layer declaration without a layer name", i + 1)
        columns.extend(_layer_columns(kind, fields, file, i + 1))
        i += 1
    return i


def _layer_columns(kind: str, fields: list[str], file: str, line: int) -> list[Column]:
    layer, features = fields[0], fields[1:]
    if not features:
        return [Column(layer, kind, "", PLACEHOLDER)]
    columns = []
    k = 0
    while k < len(features):
        name = features[k]
        if kind == SPAN and name.startswith("ROLE_"):
            if k + 1 == len(features):
                raise InputError(file, f"slot feature {name} without its target type", line)
            parts = name.split("_")
            feature = parts[1].split(":", 1)[-1] if len(parts) > 1 else ""
            columns.append(Column(layer, kind, feature, SLOT_ROLE))
            columns.append(Column(layer, kind, feature, SLOT_TARGET, features[k + 1]))
            k += 2
            continue
        if kind == RELATION and name.startswith("BT_"):
            columns.append(Column(layer, kind, "", BASE, name[3:]))
        else:
            columns.append(Column(layer, kind, name, CHAIN_CELL if kind == CHAIN else VALUE))
        k += 1
    return columns


@dataclass
class _Text:
    """The document text as it is rebuilt, with its length in UTF-16 units."""

    parts: list[str] = field(default_factory=list)
    units: int = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.units += len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _body(lines: list[str], start: int, tsv: TsvFile, file: str) -> None:
    text = _Text()
    sentence: list[str] = []  # the #Text lines of the sentence being read
    in_tokens = False  # whether the current sentence's token rows have begun
    width = 3 + len(tsv.columns)
    for index in range(start, len(lines)):
        line, number = lines[index], index + 1
        if not line.strip():
            if sentence and not in_tokens:
                raise InputError(file, "a sentence without tokens", number)
            in_tokens = False
            continue
        if line.startswith("#"):
            in_tokens = False  # a new sentence, even without the blank line before it
            if line.startswith("#Text="):
                sentence.append(unescape_text(line[len("#Text=") :], tsv.minor))
            elif line.startswith("#Sentence.id="):
                tsv.sentence_ids += 1
            continue
        row = _row(line, number, width, file)
        if not in_tokens:
            if not sentence:
                raise InputError(file, "a token line outside a sentence (no #Text= line)", number)
            if row.is_subtoken:
                raise InputError(file, "a sentence's first row is a sub-token", number)
            _start_sentence(text, sentence, row.begin, file, number)
            in_tokens = True
        tsv.rows.append(row)
    if sentence:
        raise InputError(file, "a sentence without tokens", len(lines))
    joined = "".join(text.parts)
    tsv.text = joined.removesuffix("\n")


def _row(line: str, number: int, width: int, file: str) -> Row:
    cells = line.split("\t")
    if len(cells) < width:
        raise InputError(
            file, f"a token line with {len(cells)} fields, the header asks for {width}", number
        )
    if _UNIT_ID.fullmatch(cells[0]) is None:
        raise InputError(file, f"bad token id {cells[0]!r} (expected like 1-2 or 1-2.1)", number)
    offsets = _OFFSETS.fullmatch(cells[1])
    if offsets is None:
        raise InputError(file, f"bad offsets {cells[1]!r} (expected begin-end)", number)
    begin, end = int(offsets[1]), int(offsets[2])
    if end < begin:
        raise InputError(file, f"offsets {cells[1]} end before they begin", number)
    return Row(number, cells[0], begin, end, cells[2], cells[3:width])


def _start_sentence(text: _Text, lines: list[str], begin: int, file: str, number: int) -> None:
    """Append a sentence whose first token starts at UTF-16 offset ``begin``."""
    if text.units > begin:
        if text.units != begin + 1:
            raise InputError(
                file,
                f"the sentence starts at offset {begin}, inside the previous sentence's text "
                f"(which runs to {text.units - 1})",
                number,
            )
        text.parts[-1] = text.parts[-1][:-1]  # its final line feed
        text.units -= 1
    if text.units < begin:
        text.add(" " * (begin - text.units))
    text.add("".join(f"{part}\n" for part in lines))
    lines.clear()
