"""What a corpus copy moves, table by table, and how it proves nothing was lost.

The tables and their columns come from the models (:data:`corpus.models.ALL_MODELS`), so a
column added to a model is copied without a change here. Rows travel between engines in one
*portable* form, SQLite's storage form, which is also what the models write there: timestamps as
``YYYY-MM-DD HH:MM:SS[.ffffff]`` text, JSON as ``json.dumps`` text, blobs as bytes, booleans
as 0 and 1.

Each table gets a checksum: SHA-256 over its rows in primary-key order, each row first put in a
canonical form that irons out what the engines legitimately change (PostgreSQL keeps timestamps
as values and JSON as ``jsonb``, which reorders keys, drops spaces and may rewrite numbers), so
equal checksums mean equal content, whichever engines hold it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import peewee as pw

from corpus.models import ALL_MODELS, BaseModel, Document

Row = tuple[Any, ...]

PLAIN, DATETIME, JSON, BLOB, BOOLEAN = "plain", "datetime", "json", "blob", "boolean"


@dataclass(frozen=True)
class Table:
    """One table as the copy sees it: its columns (with their kinds), and its primary key."""

    name: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    key: tuple[str, ...]  # the primary key's columns: rows are read in this order
    serial: bool  # an integer id that PostgreSQL draws from a sequence
    text_key: bool  # a key that holds text, which engines' collations order differently
    fetch_rows: int  # rows read from the source at a time

    def column_list(self) -> str:
        """The columns as a quoted SQL list."""
        return ", ".join(f'"{c}"' for c in self.columns)

    def select_sql(self) -> str:
        """The query that reads every row in key order."""
        order = ", ".join(f'"{c}"' for c in self.key)
        return f'SELECT {self.column_list()} FROM "{self.name}" ORDER BY {order}'


def _kind(field: pw.Field) -> str:
    if isinstance(field, pw.DateTimeField):
        return DATETIME
    if isinstance(field, pw.JSONField):
        return JSON
    if isinstance(field, pw.BlobField):
        return BLOB
    if isinstance(field, pw.BooleanField):
        return BOOLEAN
    return PLAIN


def _table(model: type[BaseModel]) -> Table:
    meta = model._meta
    fields = list(meta.sorted_fields)
    pk = meta.primary_key
    key_fields = (
        [meta.fields[name] for name in pk.field_names] if isinstance(pk, pw.CompositeKey) else [pk]
    )
    return Table(
        name=meta.table_name,
        columns=tuple(f.column_name for f in fields),
        kinds=tuple(_kind(f) for f in fields),
        key=tuple(f.column_name for f in key_fields),
        serial=isinstance(pk, pw.AutoField),
        text_key=not all(isinstance(f, pw.IntegerField | pw.ForeignKeyField) for f in key_fields),
        fetch_rows=50 if model is Document else 5000,
    )


# Parents before children, so that every row's references exist when it arrives.
TABLES: tuple[Table, ...] = tuple(_table(m) for m in pw.sort_models(ALL_MODELS))


def table(name: str) -> Table:
    """The table called ``name``."""
    for found in TABLES:
        if found.name == name:
            return found
    raise KeyError(name)


# -- canonical rows and checksums --------------------------------------------------------------


def _number(text: str) -> int | float:
    """A JSON number as jsonb would give it back: integral values as integers."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return float(text)
    if value.is_finite() and value == value.to_integral_value():
        return int(value)
    return float(text)


@lru_cache(maxsize=4096)  # the same few values ({} above all) fill most JSON columns
def _canonical_json_text(text: str | bytes) -> str:
    value = json.loads(text, parse_float=_number)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(text: Any) -> Any:
    """JSON text in one form: keys sorted, no spaces, numbers as jsonb would write them."""
    return _canonical_json_text(text) if isinstance(text, str | bytes) else text


def canonical_datetime(value: Any) -> Any:
    """A timestamp in one form, to the microsecond, whether stored as text or as a value."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " " and value[19] == ".":
            return value  # the form itself, as the models write it (a shortcut)
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    return value


def _canonical_blob(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview | bytearray) else value


def _canonical_boolean(value: Any) -> Any:
    return int(value) if isinstance(value, bool | int) else value  # SQLite keeps 0 and 1


_CANONICAL: dict[str, Callable[[Any], Any]] = {
    DATETIME: canonical_datetime,
    JSON: canonical_json,
    BLOB: _canonical_blob,
    BOOLEAN: _canonical_boolean,
}


def canonical_rows(tbl: Table) -> Callable[[Sequence[Row]], list[Row]]:
    """A function putting portable rows of ``tbl`` in canonical form."""
    fixes = [(i, _CANONICAL[k]) for i, k in enumerate(tbl.kinds) if k in _CANONICAL]
    if not fixes:
        return list

    def canonical(rows: Sequence[Row]) -> list[Row]:
        result = []
        for row in rows:
            values = list(row)
            for i, fix in fixes:
                values[i] = fix(values[i])
            result.append(tuple(values))
        return result

    return canonical


class TableDigest:
    """The row count and checksum of one table, fed its portable rows in key order."""

    def __init__(self, tbl: Table) -> None:
        self.table = tbl
        self.rows = 0
        self._canonical = canonical_rows(tbl)
        self._hash = hashlib.sha256()
        self._held: list[Row] = []  # a text-keyed table is hashed once sorted (it is tiny)

    def add(self, rows: Sequence[Row]) -> None:
        """Count and hash a batch of rows."""
        self.rows += len(rows)
        canonical = self._canonical(rows)
        if self.table.text_key:
            self._held.extend(canonical)
        else:
            self._update(canonical)

    def _update(self, rows: Sequence[Row]) -> None:
        # repr never holds a raw newline, so one row per line is unambiguous and the result
        # does not depend on how the rows were cut into batches.
        text = "".join([f"{row!r}\n" for row in rows])
        self._hash.update(text.encode("utf-8", "surrogatepass"))

    def hexdigest(self) -> str:
        """The checksum of every row added."""
        if self._held:
            self._update(sorted(self._held, key=repr))
            self._held = []
        return self._hash.hexdigest()
