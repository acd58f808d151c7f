"""Hugging Face token classification: JSON lines of ``{"id", "tokens", "ner_tags"}``, one record
per sentence (a line of the text), with the ``datasets`` features beside them
(``<name>.features.json``, ``Features.to_dict()``: a ClassLabel naming the tags).

A record's id is ``<document name>:<sentence number>``, so reading groups a document's
sentences back; records with other ids form one document per file. Reading takes integer tags
(named by the features file beside the data) or tag strings, and a ``save_to_disk`` folder
when pyarrow is installed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.conll_sentences import (
    DocumentBuilder,
    TagNotes,
    checked_scheme,
    files_in,
    tagged_sentences,
)
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)
from annotator.formats.tagging import PREFIXES, SchemeGuess, parse_tag, scheme_name
from annotator.schema import Schema

FEATURES_SUFFIX = ".features.json"
_LIST_TYPES = ("List", "Sequence", "LargeList")
Rows = Callable[[], Iterator[tuple[int, Any]]]
"""Opens a source's rows afresh: (line or row number, record, or the reason it is unreadable)."""


def features_path(out: Path) -> Path:
    """Where the features of the data file ``out`` go: ``<stem>.features.json`` beside it."""
    return out.with_name(out.stem + FEATURES_SUFFIX)


def features(names: Sequence[str]) -> dict[str, Any]:
    """``datasets.Features.to_dict()`` of ids, tokens and ``ner_tags`` named by ``names``."""
    string = {"dtype": "string", "_type": "Value"}
    return {
        "id": string,
        "tokens": {"feature": string, "_type": "List"},
        "ner_tags": {"feature": {"names": list(names), "_type": "ClassLabel"}, "_type": "List"},
    }


class _TagNames:
    """The ClassLabel names: O, then each label's tags in the schema's order, then labels met
    while writing (a number once given never changes)."""

    def __init__(self, scheme: str, schema: Schema | None) -> None:
        self.prefixes = PREFIXES[scheme]
        self.names = ["O"]
        self.numbers = {"O": 0}
        for label in schema.labels if schema else ():
            self._add(label.name)

    def _add(self, label: str) -> None:
        for prefix in self.prefixes:
            name = f"{prefix}-{label}"
            if name not in self.numbers:
                self.numbers[name] = len(self.names)
                self.names.append(name)

    def number(self, tag: str) -> int:
        if tag not in self.numbers:
            self._add(tag[2:])
        return self.numbers[tag]


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write ``docs`` as JSON lines to ``out`` and their features beside it."""
    scheme = checked_scheme(options)
    names = _TagNames(scheme, options.schema)
    with out.open("w", encoding="utf-8", newline="\n") as file:
        for doc in docs:
            sentences = tagged_sentences(doc, options, scheme, report, "HF", spaced_labels=True)
            if not sentences:
                report.lose("documents without a token (HF has one record per sentence)")
            for number, (tokens, tags) in enumerate(sentences):
                record = {
                    "id": f"{doc.name}:{number}",
                    "tokens": tokens,
                    "ner_tags": [names.number(tag) for tag in tags],
                }
                file.write(json.dumps(record, ensure_ascii=False))
                file.write("\n")
            report.documents += 1
    text = json.dumps(features(names.names), ensure_ascii=False, indent=2)
    features_path(out).write_text(text + "\n", encoding="utf-8")


def class_names(data: Any) -> list[str]:
    """The ClassLabel names of ``ner_tags`` in a features dict (or a dataset_info.json, which
    holds one); ``List`` (datasets 4 and later) and ``Sequence`` (before) alike."""
    if isinstance(data, dict) and isinstance(data.get("features"), dict):
        data = data["features"]
    tags = data.get("ner_tags") if isinstance(data, dict) else None
    if isinstance(tags, list) and len(tags) == 1:
        feature = tags[0]  # the short form of a list feature
    elif isinstance(tags, dict) and tags.get("_type") in _LIST_TYPES:
        feature = tags.get("feature")
    else:
        raise ValueError("no ner_tags list feature")
    if not isinstance(feature, dict) or feature.get("_type") != "ClassLabel":
        raise ValueError("ner_tags is not a list of ClassLabel")
    names = feature.get("names")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError("the ClassLabel has no list of names")
    return names


def _features_beside(data: Path, report: Report) -> list[str] | None:
    """The tag names from the features file that goes with ``data``, if there is one."""
    folder = data.parent
    candidates = [features_path(data), folder / "dataset_info.json"]
    others = sorted(folder.glob("*features.json"))
    if len(others) == 1:
        candidates.append(others[0])
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        return None
    try:
        return class_names(json.loads(found.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        report.refuse(InputError(str(found), f"features unreadable: {exc}"))
        return None


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """Yield the documents of the JSON-lines files and ``save_to_disk`` folders ``paths``
    (folders are searched for both)."""
    forced = scheme_name(options.scheme) if options.scheme else None
    for path in paths:
        if not path.is_dir() or (path / "state.json").is_file():
            found = [path]
        else:
            found = sorted(
                Path(root, name)
                for root, dirs, names in os.walk(path)
                for name in [*names, *dirs]
                if (name.endswith(".jsonl") and Path(root, name).is_file())
                or Path(root, name, "state.json").is_file()
            )
        for source in found:
            if source.is_dir():
                yield from _read_saved(source, forced, options, report)
            else:
                for file in files_in([source], (), options.max_bytes, report):
                    yield from _read_jsonl(file, forced, report)


def _read_jsonl(file: Path, forced: str | None, report: Report) -> Iterator[AnnotatedDocument]:
    def rows() -> Iterator[tuple[int, Any]]:
        with file.open(encoding="utf-8-sig") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    try:
                        yield number, json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield number, f"not JSON: {exc.msg}"

    names = _features_beside(file, report)
    try:
        yield from _Records(file, file.stem, names, report).read(rows, forced)
    except UnicodeDecodeError:
        report.refuse(InputError(str(file), "not UTF-8 text"))


def _read_saved(
    folder: Path, forced: str | None, options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """A ``Dataset.save_to_disk`` folder: Arrow stream files listed in state.json."""
    try:
        import pyarrow as pa  # optional: only this layout needs it
        import pyarrow.ipc
    except ImportError:
        reason = "a datasets save_to_disk folder needs pyarrow (pip install pyarrow)"
        report.refuse(InputError(str(folder), f"{reason}, or export the dataset with to_json"))
        return
    try:
        state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
        names = class_names(json.loads((folder / "dataset_info.json").read_text(encoding="utf-8")))
        files = [str(entry["filename"]) for entry in state["_data_files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        report.refuse(InputError(str(folder), f"not a readable save_to_disk folder: {exc}"))
        return
    for name in files:
        data = folder / name
        if Path(name).name != name or not data.is_file():
            report.refuse(
                InputError(str(folder), f"data file {name!r} is not a file in the folder")
            )
            continue
        if data.stat().st_size > options.max_bytes:
            report.refuse(InputError(str(data), f"over the limit of {options.max_bytes} bytes"))
            continue

        def rows(data: Path = data) -> Iterator[tuple[int, Any]]:
            number = 0
            with pa.memory_map(str(data)) as source:
                for batch in pyarrow.ipc.open_stream(source):
                    for row in batch.to_pylist():
                        number += 1
                        yield number, row

        try:
            yield from _Records(data, folder.name, names, report).read(rows, forced)
        except (OSError, pa.ArrowException) as exc:
            report.refuse(InputError(str(data), f"not a readable Arrow stream: {exc}"))


class _Records:
    """Records of one source made into documents: consecutive records whose ids share the
    part before ``:<number>`` form one document; records with other ids form one document."""

    def __init__(self, file: Path, stem: str, names: list[str] | None, report: Report) -> None:
        self.path = file
        self.file = str(file)
        self.stem = stem
        self.names = names
        self.report = report
        self.unnamed = 0  # records refused for integer tags with no names
        self.anonymous = 0

    def read(self, rows: Rows, forced: str | None) -> Iterator[AnnotatedDocument]:
        """The documents of the rows, refusing bad records."""
        scheme = forced or self._guess(rows)
        notes = TagNotes(self.file, self.report)
        builder = DocumentBuilder(scheme, notes)
        key: str | None = None
        for number, row in rows():
            sentence = self._sentence(number, row)
            if sentence is None:
                continue
            row_key, tokens, tags = sentence
            if row_key != key:
                if not builder.empty:
                    yield self._document(builder, key)
                builder, key = DocumentBuilder(scheme, notes), row_key
            builder.add(tokens, [tags], [number] * len(tokens))
        if not builder.empty:
            yield self._document(builder, key)
        notes.finish()
        if self.unnamed > 1:
            reason = "more records with integer ner_tags refused (no ClassLabel names)"
            self.report.refuse(InputError(self.file, f"{self.unnamed - 1} {reason}"))

    def _guess(self, rows: Rows) -> str:
        guess = SchemeGuess()
        for _number, row in rows():
            tags = row.get("ner_tags") if isinstance(row, dict) else None
            if isinstance(tags, list):
                guess.see([self._tag(tag) or "O" for tag in tags])
        if guess.scheme != "bio":
            self.report.note(f"{self.file}: tags read as {guess.scheme}")
        return guess.scheme

    def _tag(self, tag: Any) -> str | None:
        if isinstance(tag, str):
            return tag
        if isinstance(tag, int) and not isinstance(tag, bool) and self.names:
            return self.names[tag] if 0 <= tag < len(self.names) else None
        return None

    def _document(self, builder: DocumentBuilder, key: str | None) -> AnnotatedDocument:
        """The document built, named by its records' ids or else after the file."""
        if key is None:
            self.anonymous += 1
            key = self.stem if self.anonymous == 1 else f"{self.stem}-{self.anonymous}"
        doc = builder.build(key, self.file)
        assert doc is not None  # the builder has tokens
        return doc

    def _sentence(self, number: int, row: Any) -> tuple[str | None, list[str], list[str]] | None:
        """The row's document key, tokens and tags; None (refused) when the record is bad."""
        if self.names is None and _integer_tags(row):
            self.unnamed += 1
            if self.unnamed == 1:
                beside = f"no {features_path(self.path).name} or dataset_info.json beside the data"
                need = f"integer ner_tags need the ClassLabel names: {beside}"
                self.report.refuse(InputError(self.file, need, number))
            return None
        fault = self._fault(row)
        if fault is not None:
            self.report.refuse(InputError(self.file, fault, number))
            return None
        tags = [self._tag(tag) or "" for tag in row["ner_tags"]]
        row_id = row.get("id")
        key, colon, count = row_id.rpartition(":") if isinstance(row_id, str) else ("", "", "")
        return (key if colon and key and count.isdigit() else None), row["tokens"], tags

    def _fault(self, row: Any) -> str | None:
        """Why ``row`` cannot be read, or None."""
        if isinstance(row, str):
            return row
        if not isinstance(row, dict):
            return "the record is not a JSON object"
        tokens, tags = row.get("tokens"), row.get("ner_tags")
        if not isinstance(tokens, list) or not all(isinstance(t, str) and t for t in tokens):
            return "tokens is not a list of non-empty strings"
        if not isinstance(tags, list) or len(tags) != len(tokens):
            return f"ner_tags is not a list of {len(tokens)} tags, one per token"
        for tag in tags:
            name = self._tag(tag)
            if name is None:
                return f"ner_tag {tag!r} is neither a tag nor a ClassLabel number"
            if parse_tag(name) is None:
                return f"ner_tag {name!r} is not O or B-/I-/E-/S-/L-/U- and a label"
        return None


def _integer_tags(row: Any) -> bool:
    tags = row.get("ner_tags") if isinstance(row, dict) else None
    return isinstance(tags, list) and any(
        isinstance(tag, int) and not isinstance(tag, bool) for tag in tags
    )


FORMAT = Format(
    name="hf",
    title="Hugging Face token classification (JSON lines + features)",
    suffix=".jsonl",
    write=write,
    read=read,
)
