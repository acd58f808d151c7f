"""The SQL of the corpus statistics (:mod:`corpus.statistics`): what SQLite and PostgreSQL
spell differently, and the scope (a collection, some annotators) as conditions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    """What the engines spell differently: whether a JSON member is an integer or a number,
    a number as SQL, and the members of an object as rows of key, JSON type and value."""

    is_integer: str
    is_number: str
    number: str
    members: str
    member: str


DIALECTS = {
    "sqlite": Dialect(
        is_integer="json_type(s.attributes, '$.{key}') = 'integer'",
        is_number="json_type(s.attributes, '$.{key}') IN ('integer', 'real')",
        number="s.attributes ->> '{key}'",
        members="json_each(s.attributes) AS j",
        member="j.key, j.type, j.value",
    ),
    "postgres": Dialect(
        is_integer="(s.attributes ->> '{key}') ~ '^-?[0-9]{{1,18}}$' "
        "AND jsonb_typeof(s.attributes -> '{key}') = 'number'",
        is_number="jsonb_typeof(s.attributes -> '{key}') = 'number'",
        number="CAST(s.attributes ->> '{key}' AS DOUBLE PRECISION)",
        members="jsonb_each(s.attributes) AS j",
        member="j.key, jsonb_typeof(j.value), j.value #>> '{}'",
    ),
}


class ScopeWhere:
    """The scope as SQL: conditions on a query's document and annotator id columns."""

    def __init__(self, param: str, collection: int | None, annotators: dict[str, int] | None):
        self.param = param
        self.collection = collection
        self.annotators = annotators  # chosen names and their ids; None: everyone

    def __call__(
        self, document: str, annotator: str | None = None, *more: str
    ) -> tuple[str, list[Any]]:
        """A ``WHERE`` clause keeping the rows in scope (``annotator`` None: whoever's) and
        meeting the conditions ``more`` (empty when nothing is asked), and its parameters."""
        parts, params = list(more), []
        if self.collection is not None:
            parts.append(
                f"{document} IN (SELECT dc.document_id FROM document_collection dc "
                f"WHERE dc.collection_id = {self.param})"
            )
            params.append(self.collection)
        if self.annotators is not None and annotator is not None:
            ids = list(self.annotators.values())
            marks = ", ".join([self.param] * len(ids))
            parts.append(f"{annotator} IN ({marks})" if ids else "1 = 0")
            params.extend(ids)
        return ("WHERE " + " AND ".join(parts) if parts else ""), params


SPANS = "FROM span s JOIN annotation_set a ON a.id = s.annotation_set_id"
TEXT_CHUNK = 500  # documents whose texts are read at a time
