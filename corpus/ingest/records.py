"""Articles from record files: one article per JSON Lines line, CSV row, or JSON object.

Fields are mapped by name (``text``, ``body``, ``content`` ... become the text; ``headline`` the
title) unless the caller maps them; fields left over go into the document's metadata.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from annotator.document import Document
from annotator.errors import InputError
from annotator.offsets import normalize_text
from corpus.ingest.dates import iso_date
from corpus.ingest.decode import SAMPLE, decode, detect_encoding
from corpus.ingest.plaintext import guess_author, guess_title

# Document field -> record keys that supply it, in order of preference (compared case-blind).
ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "article_text", "full_text", "data", "story"),
    "title": ("title", "headline", "heading", "name", "subject"),
    "author": ("author", "authors", "byline", "creator", "writer"),
    "published": (
        "published",
        "date",
        "pubdate",
        "publication_date",
        "published_at",
        "datepublished",
        "pub_date",
        "created_at",
        "time",
    ),
    "source": ("url", "source", "link", "source_url", "uri"),
    "language": ("language", "lang", "locale"),
}

Record = tuple[int, Document | InputError]


def _pick(
    record: Mapping[str, Any], field: str, mapping: Mapping[str, str]
) -> tuple[str | None, Any]:
    if field in mapping:
        key = mapping[field]
        return (key, record.get(key)) if key in record else (None, None)
    lowered = {k.lower(): k for k in record}
    for alias in ALIASES[field]:
        if alias in lowered:
            return lowered[alias], record[lowered[alias]]
    return None, None


def record_to_document(
    record: Any, file: str, line: int, mapping: Mapping[str, str], max_chars: int
) -> Document:
    """One record (a JSON object or CSV row) as an article; refuses records without text."""
    if not isinstance(record, dict):
        raise InputError(
            file, f"expected an object with a text field, found {type(record).__name__}", line
        )
    key, text = _pick(record, "text", mapping)
    if key is None:
        wanted = mapping.get("text") or ", ".join(ALIASES["text"][:4])
        raise InputError(file, f"no text field (looked for {wanted})", line)
    if not isinstance(text, str):
        raise InputError(file, f"field '{key}' must be text, not {type(text).__name__}", line)
    if len(text) > max_chars:
        raise InputError(
            file, f"text of {len(text):,} characters is over the limit of {max_chars:,}", line
        )
    text = normalize_text(text)
    if not text.strip():
        raise InputError(file, f"field '{key}' is empty", line)
    used = {key}
    values: dict[str, Any] = {}
    for field in ("title", "author", "published", "source", "language"):
        field_key, value = _pick(record, field, mapping)
        if field_key is None or value in (None, ""):
            continue
        used.add(field_key)
        if field == "author" and isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        values[field] = value if field == "published" else str(value).strip()
    metadata = {k: v for k, v in record.items() if k not in used}
    published = None
    if "published" in values:
        published = iso_date(values["published"])
        if published is None:
            metadata["published_raw"] = values["published"]
    return Document(
        text=text,
        title=values.get("title") or guess_title(text),
        author=values.get("author") or guess_author(text),
        published=published,
        source=values.get("source") or f"{file}:{line}",
        language=values.get("language"),
        metadata=metadata,
    )


def _sample_encoding(path: Path) -> str:
    with path.open("rb") as f:
        return detect_encoding(f.read(SAMPLE), str(path))


def read_jsonl(path: Path, mapping: Mapping[str, str], max_chars: int) -> Iterator[Record]:
    """Each line of a JSON Lines file as an article or an error naming the line; streamed."""
    file = str(path)
    encoding = _sample_encoding(path)
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            if number == 1 and encoding == "utf-8-sig":
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8" if encoding == "utf-8-sig" else encoding)
                record = json.loads(line)
                yield number, record_to_document(record, file, number, mapping, max_chars)
            except UnicodeDecodeError:
                yield number, InputError(file, f"not valid {encoding} text", number)
            except json.JSONDecodeError as exc:
                yield (
                    number,
                    InputError(file, f"malformed JSON: {exc.msg} at column {exc.colno}", number),
                )
            except RecursionError:
                yield number, InputError(file, "JSON nested too deeply", number)
            except InputError as exc:
                yield number, exc


def read_json(path: Path, mapping: Mapping[str, str], max_chars: int) -> Iterator[Record]:
    """A JSON file holding one article object, or an array of them, each named by its line."""
    file = str(path)
    text = decode(path.read_bytes(), file)
    try:
        for line, record in _json_values(text):
            try:
                yield line, record_to_document(record, file, line, mapping, max_chars)
            except InputError as exc:
                yield line, exc
    except json.JSONDecodeError as exc:
        yield (
            exc.lineno,
            InputError(file, f"malformed JSON: {exc.msg} at column {exc.colno}", exc.lineno),
        )
    except RecursionError:
        yield 1, InputError(file, "JSON nested too deeply", 1)


def _json_values(text: str) -> Iterator[tuple[int, Any]]:
    """The top-level object of a JSON text, or each item of its top-level array, with its line."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        value, end = decoder.raw_decode(text, pos)
        if text[_skip_space(text, end) :]:
            raise json.JSONDecodeError(
                "extra data after the JSON value", text, _skip_space(text, end)
            )
        yield text.count("\n", 0, pos) + 1, value
        return
    line, counted = 1, 0
    pos = _skip_space(text, pos + 1)
    while not text.startswith("]", pos):
        value, end = decoder.raw_decode(text, pos)
        line += text.count("\n", counted, pos)
        counted = pos
        yield line, value
        pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos = _skip_space(text, pos + 1)
        elif not text.startswith("]", pos):
            raise json.JSONDecodeError("expected ',' or ']' between array items", text, pos)
    if text[_skip_space(text, pos + 1) :]:
        raise json.JSONDecodeError(
            "extra data after the JSON array", text, _skip_space(text, pos + 1)
        )


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_csv(path: Path, mapping: Mapping[str, str], max_chars: int) -> Iterator[Record]:
    """Each row of a CSV file (with a header row) as an article; the delimiter is sniffed."""
    file = str(path)
    encoding = _sample_encoding(path)
    csv.field_size_limit(max(max_chars + 1, 1 << 20))
    with path.open("rb") as raw:
        head = raw.read(64 * 1024)
        raw.seek(0)
        stream = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            dialect: Any = csv.Sniffer().sniff(
                head.decode(encoding, errors="replace"), delimiters=",;\t|"
            )
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(stream, dialect=dialect)
        try:
            if not reader.fieldnames:
                yield 1, InputError(file, "no header row", 1)
                return
            for row in reader:
                line = reader.line_num
                if None in row:
                    yield (
                        line,
                        InputError(
                            file, f"{len(row[None])} more cells than the header has columns", line
                        ),
                    )  # type: ignore[index]
                    continue
                try:
                    yield line, record_to_document(dict(row), file, line, mapping, max_chars)
                except InputError as exc:
                    yield line, exc
        except UnicodeDecodeError:
            yield (
                reader.line_num + 1,
                InputError(
                    file,
                    f"not valid {encoding} text; the rest of the file was not read",
                    reader.line_num + 1,
                ),
            )
        except csv.Error as exc:
            yield reader.line_num, InputError(file, f"malformed CSV: {exc}", reader.line_num)
