"""Reading Label Studio JSON: the export (tasks with ``annotations``, or ``completions`` in old
versions), tasks with ``predictions``, and the JSON_MIN layout (one flat object per task whose
region lists sit beside the text). A file is one array of tasks (or one task) and is read one
task at a time.

Every annotation and every prediction of a task becomes one document: the annotator is the
annotation's ``created_username`` (this app's exports; Label Studio's "email, id" is cut to the
email), else ``completed_by`` (an email, or a user id as text); a prediction's is its
``model_version``, else "prediction". A task with neither comes once, without annotations.
Refused records are named by file and the line where their task starts, with the task's number
and the result's id in the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.document import AttributeValue, Document, Relation, Span
from annotator.errors import InputError
from annotator.formats.labelstudio_config import FALSE, NOTE_NAME, TRUE, attribute_name
from annotator.formats.labelstudio_json import JsonStreamError, json_items
from annotator.formats.model import AnnotatedDocument, ImportOptions, Report, check_covered

SUFFIXES = (".json",)
_FIELDS = ("title", "source", "author", "published", "language")
_MIN_KEYS = frozenset({"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"})
_ATTRIBUTE_TYPES = frozenset({"choices", "number", "textarea", "rating"})
_LINE_BREAK = re.compile(r"[\r\n]")
_USERNAME = re.compile(r"^(.*), \d+$")


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    """The documents in the Label Studio JSON files (or folders of them) at ``paths``."""
    for path in _files(paths, report):
        yield from _read_file(path, options, report)


def _files(paths: Sequence[Path], report: Report) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.is_file():
            yield path
        else:
            report.refuse(InputError(str(path), "no such file or folder"))


def _read_file(path: Path, options: ImportOptions, report: Report) -> Iterator[AnnotatedDocument]:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            reason = f"{size} bytes is over the limit of {options.max_bytes}"
            report.refuse(InputError(file, reason))
            return
        with path.open(encoding="utf-8-sig") as stream:
            for number, (line, item) in enumerate(json_items(stream), 1):
                where = _Where(file, line, number, path.stem, report)
                yield from where.task(item)
                where.close()
    except JsonStreamError as exc:
        report.refuse(InputError(file, f"{exc.reason}; the rest of the file is not read", exc.line))
    except UnicodeDecodeError:
        report.refuse(InputError(file, "not UTF-8 text"))
    except OSError as exc:
        report.refuse(InputError(file, f"cannot read: {exc.strerror}"))


@dataclass
class _Where:
    """One task of one file: reads it and reports about it."""

    file: str
    line: int
    number: int
    stem: str
    report: Report
    lost: Counter[str] = field(default_factory=Counter)
    several: int = 0  # regions with several labels

    def refuse(self, reason: str) -> None:
        self.report.refuse(InputError(self.file, f"task {self.number}: {reason}", self.line))

    def close(self) -> None:
        for what, n in self.lost.items():
            self.report.lose(what, n)
        if self.several:
            self.report.note(
                f"{self.file}:{self.line}: {self.several} region(s) with several labels became "
                "one span per label; relations start or end at the first"
            )

    def task(self, item: Any) -> Iterator[AnnotatedDocument]:
        if not isinstance(item, dict):
            self.refuse("not a JSON object")
            return
        if "data" in item:
            yield from self._full(item)
        else:
            yield from self._min(item)

    def _full(self, item: dict[str, Any]) -> Iterator[AnnotatedDocument]:
        data = item["data"]
        if not isinstance(data, dict):
            self.refuse("'data' is not an object")
            return
        found = self._document(data, item.get("id"))
        if found is None:
            return
        document, name = found
        sets = []
        for key in ("annotations", "completions", "predictions"):
            entries = item.get(key) or []
            if not isinstance(entries, list):
                self.refuse(f"'{key}' is not a list")
                continue
            for entry in entries:
                if not isinstance(entry, dict):
                    self.refuse(f"an entry of '{key}' is not an object")
                elif entry.get("was_cancelled") is True:
                    self.lost["cancelled (skipped) annotations"] += 1
                else:
                    sets.append((_annotator(entry, key == "predictions"), entry.get("result")))
        if not sets:
            yield AnnotatedDocument(document, name)
        for annotator, results in sets:
            if not isinstance(results, list):
                self.refuse("a 'result' is not a list")
                continue
            spans, relations = _Results(self, document.text).read(results)
            yield AnnotatedDocument(document, name, spans, relations, annotator=annotator)

    def _min(self, item: dict[str, Any]) -> Iterator[AnnotatedDocument]:
        """JSON_MIN: the task's data fields and its region lists side by side."""
        regions = {
            key: value
            for key, value in item.items()
            if isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "labels" in v for v in value)
        }
        data = {k: v for k, v in item.items() if k not in regions and k not in _MIN_KEYS}
        found = self._document(data, item.get("id"))
        if found is None:
            return
        document, name = found
        results = [
            {"id": f"{key}:{i}", "type": "labels", "value": value}
            for key, values in regions.items()
            for i, value in enumerate(values)
        ]
        spans, _ = _Results(self, document.text).read(results)
        yield AnnotatedDocument(document, name, spans, annotator=_as_text(item.get("annotator")))

    def _document(self, data: dict[str, Any], task_id: Any) -> tuple[Document, str] | None:
        key = "text" if "text" in data else _only_text_key(data)
        text = data.get(key) if key else None
        if not isinstance(text, str):
            self.refuse("no text: 'data' needs a 'text' field holding a string")
            return None
        rest = {k: v for k, v in data.items() if k != key}
        name = rest.pop("name", None)
        fields = {f: rest.pop(f) for f in _FIELDS if isinstance(rest.get(f), str)}
        metadata = rest.pop("metadata", None)
        if not isinstance(metadata, dict):
            if metadata is not None:
                rest["metadata"] = metadata
            metadata = {}
        if not isinstance(name, str) or not name:
            if name is not None:
                rest["name"] = name
            suffix = task_id if isinstance(task_id, str | int) else self.number
            name = f"{self.stem}-{suffix}"
        document = Document(text=text, **fields, metadata={**metadata, **rest})
        return document, re.sub(r"[^\w.\-]+", "_", name)


def _only_text_key(data: dict[str, Any]) -> str | None:
    keys = [k for k, v in data.items() if isinstance(v, str)]
    return keys[0] if len(keys) == 1 else None


def _annotator(entry: dict[str, Any], prediction: bool) -> str | None:
    if prediction:
        return _as_text(entry.get("model_version")) or "prediction"
    username = entry.get("created_username")
    if isinstance(username, str) and username.strip():
        match = _USERNAME.match(username)
        return match.group(1) if match else username
    who = entry.get("completed_by")
    return _as_text(who.get("email") if isinstance(who, dict) else who)


def _as_text(value: Any) -> str | None:
    """A name or id given as a string or a whole number, as text; None when absent."""
    if isinstance(value, str | int) and not isinstance(value, bool) and value != "":
        return str(value)
    return None


class _Results:
    """One annotation's results: labelled regions, their per-region values, relations."""

    def __init__(self, where: _Where, text: str) -> None:
        self.where = where
        self.text = text
        self.spans: list[Span] = []
        self.regions: dict[str, list[int]] = {}  # region id -> indexes into spans
        self.refused: set[str] = set()

    def read(self, results: list[Any]) -> tuple[tuple[Span, ...], tuple[Relation, ...]]:
        later = []
        for result in results:
            if not isinstance(result, dict):
                self.where.refuse("a result is not a JSON object")
            elif result.get("type") == "labels":
                self._region(result)
            elif result.get("type") in _ATTRIBUTE_TYPES or result.get("type") == "relation":
                later.append(result)
            else:
                kind = result.get("type")
                self.where.lost[
                    f"results of type '{kind}' (not a text region, value or relation)"
                ] += 1
        values: dict[int, dict[str, AttributeValue]] = {}
        notes: dict[int, str] = {}
        relations: list[Relation] = []
        for result in later:
            if result["type"] == "relation":
                relations += self._relations(result)
            else:
                self._value(result, values, notes)
        spans = tuple(
            replace(s, attributes=values.get(i, {}), note=notes.get(i, ""))
            if i in values or i in notes
            else s
            for i, s in enumerate(self.spans)
        )
        return spans, tuple(relations)

    def _region(self, result: dict[str, Any]) -> None:
        rid = _as_text(result.get("id"))
        value = result.get("value")
        where = f"result {rid!r}" if rid is not None else "a result"
        if not isinstance(value, dict):
            self.where.refuse(f"{where}: 'value' is not an object")
            return
        start, end, labels = value.get("start"), value.get("end"), value.get("labels")
        if (
            not isinstance(start, int)
            or not isinstance(end, int)
            or bool in (type(start), type(end))
        ):
            self.where.refuse(f"{where}: start {start!r} and end {end!r} are not whole numbers")
            self._refused(rid)
            return
        said = value.get("text")
        error = _check(self.text, start, end, said if isinstance(said, str) else None)
        if error:
            self.where.refuse(f"{where}: {error}")
            self._refused(rid)
            return
        if (
            not isinstance(labels, list)
            or not labels
            or not all(isinstance(x, str) for x in labels)
        ):
            self.where.lost["regions without a label"] += 1
            self._refused(rid)
            return
        if len(labels) > 1:
            self.where.several += 1
        indexes = self.regions.setdefault(rid or f"#{len(self.spans)}", [])
        for label in labels:
            indexes.append(len(self.spans))
            self.spans.append(Span(start, end, label))

    def _refused(self, rid: str | None) -> None:
        if rid is not None:
            self.refused.add(rid)

    def _value(
        self,
        result: dict[str, Any],
        values: dict[int, dict[str, AttributeValue]],
        notes: dict[int, str],
    ) -> None:
        kind = result["type"]
        rid = _as_text(result.get("id"))
        if rid is None or rid not in self.regions:
            if rid in self.refused:
                self.where.lost["values of refused regions"] += 1
            else:
                self.where.lost[f"'{kind}' results on no text region (task-level)"] += 1
            return
        from_name = result.get("from_name")
        value = _attribute_value(kind, result.get("value"))
        if not isinstance(from_name, str) or value is None:
            self.where.lost[f"'{kind}' values that are not one string, number or true/false"] += 1
            return
        for i in self.regions[rid]:
            if kind == "textarea" and from_name == NOTE_NAME:
                notes[i] = str(value)
            else:
                values.setdefault(i, {})[attribute_name(from_name, self.spans[i].label)] = value

    def _relations(self, result: dict[str, Any]) -> list[Relation]:
        a, b = _as_text(result.get("from_id")), _as_text(result.get("to_id"))
        if a in self.refused or b in self.refused:
            self.where.lost["relations to refused regions"] += 1
            return []
        if a is None or b is None or a not in self.regions or b not in self.regions:
            self.where.refuse(f"relation {a!r} -> {b!r} refers to no region")
            return []
        head, tail = self.regions[a][0], self.regions[b][0]
        direction = result.get("direction", "right")
        if direction == "left":
            head, tail = tail, head
        elif direction == "bi":
            self.where.lost["two-way relations (imported one way, from -> to)"] += 1
        types = result.get("labels") or []
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            self.where.refuse(f"relation {a!r} -> {b!r}: 'labels' is not a list of strings")
            return []
        if not types:
            self.where.lost["relations without a type"] += 1
        return [Relation(t, head, tail) for t in types]


def _check(text: str, start: int, end: int, said: str | None) -> str | None:
    """Why ``start``..``end`` is refused, or None. ``said`` is the region's ``value.text``;
    Label Studio writes each line break inside it as the two characters backslash and n."""
    expected = said if said is not None else text[start:end]
    error = check_covered(text, start, end, expected, "", None)
    if error is None:
        return None
    if 0 <= start < end <= len(text) and _LINE_BREAK.sub(lambda _: "\\n", text[start:end]) == said:
        return None
    return error.reason


def _attribute_value(kind: str, value: Any) -> AttributeValue:
    if not isinstance(value, dict):
        return None
    if kind == "choices":
        choices = value.get("choices")
        if not isinstance(choices, list) or len(choices) != 1 or not isinstance(choices[0], str):
            return None
        choice: str = choices[0]
        return True if choice == TRUE else False if choice == FALSE else choice
    if kind == "textarea":
        texts = value.get("text")
        if isinstance(texts, str):
            return texts
        if isinstance(texts, list) and texts and all(isinstance(t, str) for t in texts):
            return "\n".join(texts)
        return None
    number = value.get(kind)  # "number" or "rating"
    if isinstance(number, int | float) and not isinstance(number, bool):
        return number
    return None
