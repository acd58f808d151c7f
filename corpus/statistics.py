"""Corpus statistics for the dashboard and ``annotator stats``: documents by status, each
annotator's progress, labels and attribute values, spans per document, casualty totals, the most
frequent covered texts and the located places, over the corpus or one collection and all or some
annotators.

The database does the counting, in a few grouped queries of SQL that both engines run (the JSON
operators ``->`` and ``->>`` are common to SQLite and PostgreSQL; what differs is in
:mod:`corpus.statistics_sql`). Python cuts the covered texts (code points, as everywhere in the
app) from each document's text once, and merges the spellings that differ in case or spacing.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import peewee as pw

from annotator.document import Status
from annotator.errors import AnnotatorError
from corpus.statistics_sql import DIALECTS, SPANS, TEXT_CHUNK, Dialect, ScopeWhere
from corpus.worked_sets import holds_work

CASUALTY = "Casualty"
"""The label whose spans carry ``count``, ``kind`` and ``group`` (the conflict schema's)."""
LOCATION = "Location"
"""The label whose spans may carry ``latitude``, ``longitude`` and ``geonames_id``."""
UNSPECIFIED = "unspecified"
"""A casualty's kind or group when the span has none."""
TOP = 20
"""How many of the most frequent texts of each label are kept by default."""
FINISHED = (Status.DONE, Status.REVIEWED, Status.LOCKED)
REVIEWED = (Status.REVIEWED, Status.LOCKED)


@dataclass(frozen=True)
class StatisticsScope:
    """What to count: one collection (None: the whole corpus) and some annotators (None:
    everyone, the gold set included)."""

    collection: str | None = None
    annotators: tuple[str, ...] | None = None


@dataclass(frozen=True)
class AnnotatorProgress:
    """How far one annotator has got: documents in their queue, documents they started (past
    new), finished (done, reviewed or locked) and had reviewed (reviewed or locked), and their
    spans."""

    name: str
    assigned: int = 0
    started: int = 0
    done: int = 0
    reviewed: int = 0
    spans: int = 0


@dataclass(frozen=True)
class CasualtyTotal:
    """The Casualty spans of one kind and group: the sum of their ``count``, how many had one,
    and how many had none (phrases such as "dozens were wounded")."""

    kind: str
    group: str
    total: int
    counted: int
    without_count: int


@dataclass(frozen=True)
class TextCount:
    """A covered text (its most common spelling, spaces normalised) and how many spans cover
    it in any spelling."""

    text: str
    count: int


@dataclass(frozen=True)
class Place:
    """A place with coordinates: the most common spelling of the Location spans that carry
    them, and how many do."""

    text: str
    latitude: float
    longitude: float
    count: int
    geonames_id: int | None = None


@dataclass
class CorpusStatistics:
    """The figures of a corpus within a :class:`StatisticsScope`."""

    scope: StatisticsScope = field(default_factory=StatisticsScope)
    documents: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # of sets not only opened; none: new
    progress: list[AnnotatorProgress] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)
    attributes: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    spans_per_document: dict[int, int] = field(default_factory=dict)  # spans -> documents
    casualties: list[CasualtyTotal] = field(default_factory=list)
    frequent: dict[str, list[TextCount]] = field(default_factory=dict)  # by label
    places: list[Place] = field(default_factory=list)

    @property
    def spans(self) -> int:
        """How many spans there are in the scope."""
        return sum(self.labels.values())

    def casualties_by(self, key: str) -> dict[str, int]:
        """Casualty totals summed by ``key`` ("kind" or "group")."""
        totals: Counter[str] = Counter()
        for row in self.casualties:
            totals[getattr(row, key)] += row.total
        return dict(sorted(totals.items()))

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON values (what ``annotator stats --json`` adds)."""
        return {
            "scope": asdict(self.scope),
            "documents": self.documents,
            "statuses": self.statuses,
            "annotators": {p.name: p.spans for p in self.progress},
            "labels": self.labels,
            "spans": self.spans,
            "progress": [asdict(p) for p in self.progress],
            "attributes": self.attributes,
            "spans_per_document": [
                {"spans": n, "documents": d} for n, d in self.spans_per_document.items()
            ],
            "casualties": {
                "by_kind": self.casualties_by("kind"),
                "by_group": self.casualties_by("group"),
                "phrases_without_count": sum(r.without_count for r in self.casualties),
                "rows": [asdict(r) for r in self.casualties],
            },
            "frequent": {label: [asdict(t) for t in ts] for label, ts in self.frequent.items()},
            "places": [asdict(p) for p in self.places],
        }


class StatisticsMixin:
    """:meth:`statistics`, mixed into :class:`corpus.store.Store` (needs ``db``)."""

    db: pw.Database

    def statistics(
        self,
        scope: StatisticsScope | None = None,
        top: int = TOP,
        check: Callable[[], None] = lambda: None,
    ) -> CorpusStatistics:
        """Every figure of :class:`CorpusStatistics` within ``scope``, the ``top`` texts of each
        label, read in one transaction (on SQLite one snapshot; on PostgreSQL each query sees
        what was committed before it); ``check`` is called before each query and may raise to
        stop."""
        scope = scope or StatisticsScope()
        postgres = isinstance(self.db, pw.PostgresqlDatabase)
        dialect = DIALECTS["postgres" if postgres else "sqlite"]
        result = CorpusStatistics(scope)
        with self.db.atomic():
            where = self._scope_where(scope)
            steps: list[Callable[[], None]] = [
                lambda: self._statuses(result, where),
                lambda: self._progress(result, where),
                lambda: self._labels(result, where, dialect),
                lambda: self._spans_per_document(result, where),
                lambda: self._casualties(result, where, dialect),
                lambda: self._frequent(result, where, top),
                lambda: self._places(result, where, dialect),
            ]
            for step in steps:
                check()
                step()
        return result

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.db.execute_sql(sql, list(params)).fetchall())

    def _scope_where(self, scope: StatisticsScope) -> ScopeWhere:
        p = self.db.param
        collection = None
        if scope.collection is not None:
            found = self._rows(f"SELECT id FROM collection WHERE name = {p}", [scope.collection])
            if not found:
                raise AnnotatorError(f"no collection named '{scope.collection}'")
            collection = int(found[0][0])
        annotators = None
        if scope.annotators is not None:
            wanted = list(dict.fromkeys(scope.annotators))
            marks = ", ".join([p] * len(wanted)) or "NULL"
            rows = self._rows(f"SELECT name, id FROM annotator WHERE name IN ({marks})", wanted)
            known = {str(name): int(row_id) for name, row_id in rows}
            unknown = [name for name in wanted if name not in known]
            if unknown:
                raise AnnotatorError(f"no annotator named {', '.join(map(repr, unknown))}")
            annotators = {name: known[name] for name in wanted}
        return ScopeWhere(p, collection, annotators)

    def _statuses(self, result: CorpusStatistics, where: ScopeWhere) -> None:
        sql, params = where("d.id")
        result.documents = int(self._rows(f"SELECT COUNT(*) FROM document d {sql}", params)[0][0])
        result.statuses = self._status_counts(result.documents, where)

    def _status_counts(self, documents: int, where: ScopeWhere | None = None) -> dict[str, int]:
        """The annotation sets in scope (None: all) by status, but those only opened (see
        :func:`holds_work`), and the ``documents`` in scope without any other set as new."""
        where = where or ScopeWhere(self.db.param, None, None)
        sql, params = where("a.document_id", "a.annotator_id", holds_work("a"))
        rows = self._rows(
            f"SELECT a.status, COUNT(*) FROM annotation_set a {sql} GROUP BY 1", params
        )
        counts = {str(status): int(n) for status, n in rows}
        started = self._rows(
            f"SELECT COUNT(DISTINCT a.document_id) FROM annotation_set a {sql}", params
        )
        counts[Status.NEW] = counts.get(Status.NEW, 0) + documents - int(started[0][0])
        return {s: counts.get(s, 0) for s in Status.ALL}

    def _progress(self, result: CorpusStatistics, where: ScopeWhere) -> None:
        if where.annotators is None:
            names = [str(n) for (n,) in self._rows("SELECT name FROM annotator")]
        else:
            names = list(where.annotators)
        people: dict[str, Counter[str]] = defaultdict(Counter, {name: Counter() for name in names})
        sql, params = where("g.document_id", "g.annotator_id")
        for name, n in self._rows(
            "SELECT an.name, COUNT(*) FROM assignment g "
            f"JOIN annotator an ON an.id = g.annotator_id {sql} GROUP BY an.name",
            params,
        ):
            people[name]["assigned"] += int(n)
        sql, params = where("a.document_id", "a.annotator_id")
        for name, status, n in self._rows(
            "SELECT an.name, a.status, COUNT(*) FROM annotation_set a "
            f"JOIN annotator an ON an.id = a.annotator_id {sql} GROUP BY an.name, a.status",
            params,
        ):
            counts = people[name]
            counts["started"] += int(n) if status != Status.NEW else 0
            counts["done"] += int(n) if status in FINISHED else 0
            counts["reviewed"] += int(n) if status in REVIEWED else 0
        for name, n in self._rows(
            f"SELECT an.name, COUNT(*) {SPANS} JOIN annotator an ON an.id = a.annotator_id "
            f"{sql} GROUP BY an.name",
            params,
        ):
            people[name]["spans"] += int(n)
        result.progress = [
            AnnotatorProgress(name, **counts) for name, counts in _by_name(people.items())
        ]

    def _labels(self, result: CorpusStatistics, where: ScopeWhere, dialect: Dialect) -> None:
        sql, params = where("a.document_id", "a.annotator_id")
        rows = self._rows(f"SELECT s.label, COUNT(*) {SPANS} {sql} GROUP BY s.label", params)
        result.labels = {str(label): int(n) for label, n in _by_name(rows)}
        attributes: dict[str, dict[str, Counter[str]]] = {}
        for label, key, kind, value, n in self._rows(
            f"SELECT s.label, {dialect.member}, COUNT(*) {SPANS}, {dialect.members} {sql} "
            "GROUP BY 1, 2, 3, 4",
            params,
        ):
            if kind != "null":  # SQLite gives true and false as 1 and 0: their type says which
                text = kind if kind in ("true", "false") else str(value)
                attributes.setdefault(label, {}).setdefault(key, Counter())[text] += int(n)
        result.attributes = {
            label: {key: _by_count(dict(values)) for key, values in _by_name(keys.items())}
            for label, keys in _by_name(attributes.items())
        }

    def _spans_per_document(self, result: CorpusStatistics, where: ScopeWhere) -> None:
        sql, params = where("a.document_id", "a.annotator_id")
        rows = self._rows(
            f"SELECT t.n, COUNT(*) FROM (SELECT a.document_id, COUNT(*) AS n {SPANS} {sql} "
            "GROUP BY a.document_id) t GROUP BY t.n",
            params,
        )
        histogram = {int(n): int(docs) for n, docs in rows}
        without = result.documents - sum(histogram.values())
        if without > 0:
            histogram[0] = without
        result.spans_per_document = dict(sorted(histogram.items()))

    def _casualties(self, result: CorpusStatistics, where: ScopeWhere, dialect: Dialect) -> None:
        counted = dialect.is_integer.format(key="count")
        sql, params = where("a.document_id", "a.annotator_id", f"s.label = '{CASUALTY}'")
        rows = self._rows(
            "SELECT s.attributes ->> 'kind', s.attributes ->> 'group', "
            f"SUM(CASE WHEN {counted} THEN CAST(s.attributes ->> 'count' AS BIGINT) ELSE 0 END), "
            f"SUM(CASE WHEN {counted} THEN 1 ELSE 0 END), COUNT(*) {SPANS} {sql} GROUP BY 1, 2",
            params,
        )
        merged: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for kind, group, total, with_count, n in rows:
            row = merged[_named(kind), _named(group)]
            row.update(total=int(total or 0), counted=int(with_count), without=int(n - with_count))
        result.casualties = [
            CasualtyTotal(kind, group, c["total"], c["counted"], c["without"])
            for (kind, group), c in sorted(merged.items())
        ]

    def _frequent(self, result: CorpusStatistics, where: ScopeWhere, top: int) -> None:
        sql, params = where("a.document_id", "a.annotator_id")
        rows = self._rows(
            f'SELECT a.document_id, s.start, s."end", s.label, COUNT(*) {SPANS} {sql} '
            "GROUP BY 1, 2, 3, 4",
            params,
        )
        by_label: dict[str, dict[str, int]] = defaultdict(dict)
        for text, (label, n) in self._covered(rows):
            texts = by_label[label]
            texts[text] = texts.get(text, 0) + n
        result.frequent = {
            label: [TextCount(text, n) for text, n in _merged_spellings(texts.items(), top)]
            for label, texts in _by_name(by_label.items())
        }

    def _places(self, result: CorpusStatistics, where: ScopeWhere, dialect: Dialect) -> None:
        def number(key: str) -> str:
            test, value = dialect.is_number.format(key=key), dialect.number.format(key=key)
            return f"CASE WHEN {test} THEN {value} END"

        known = dialect.is_integer.format(key="geonames_id")
        sql, params = where("a.document_id", "a.annotator_id", f"s.label = '{LOCATION}'")
        rows = self._rows(
            f'SELECT * FROM (SELECT a.document_id, s.start, s."end", {number("latitude")} AS lat, '
            f"{number('longitude')} AS lon, "
            f"CASE WHEN {known} THEN CAST(s.attributes ->> 'geonames_id' AS BIGINT) END AS gid, "
            f"COUNT(*) AS n {SPANS} {sql} GROUP BY 1, 2, 3, 4, 5, 6) t "
            "WHERE t.lat BETWEEN -90 AND 90 AND t.lon BETWEEN -180 AND 180",
            params,
        )
        spellings: dict[tuple[float, float, int | None], list[tuple[str, int]]] = defaultdict(list)
        for text, (lat, lon, gid, n) in self._covered(rows):
            place = (float(lat), float(lon), None if gid is None else int(gid))
            spellings[place].append((text, int(n)))
        places = []
        for (lat, lon, gid), texts in spellings.items():
            names = _merged_spellings(texts, 1)
            text = names[0][0] if names else ""
            places.append(Place(text, lat, lon, sum(n for _, n in texts), gid))
        result.places = sorted(places, key=lambda p: (-p.count, p.text.casefold(), p.latitude))

    def _covered(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """The text each row of (document id, start, end, *rest) covers, with its rest.

        The texts are cut here, reading each document's text once, not by the engines:
        PostgreSQL's ``substr`` walks the text character by character on every call (10 s
        for 200,000 spans over 10,000 articles of 3 KB), and SQLite's sorter carried each
        row's whole text when it grouped by the cut.
        """
        spans: dict[int, list[tuple[int, int, tuple[Any, ...]]]] = defaultdict(list)
        for doc_id, start, end, *rest in rows:
            spans[int(doc_id)].append((int(start), int(end), tuple(rest)))
        ids = sorted(spans)
        for at in range(0, len(ids), TEXT_CHUNK):
            chunk = ids[at : at + TEXT_CHUNK]
            marks = ", ".join([self.db.param] * len(chunk))
            for doc_id, text in self._rows(
                f"SELECT id, text FROM document WHERE id IN ({marks})", chunk
            ):
                for start, end, others in spans[int(doc_id)]:
                    yield text[start:end], others


def _named(value: Any) -> str:
    """A kind or group as text; :data:`UNSPECIFIED` for none."""
    return UNSPECIFIED if value is None or value == "" else str(value)


def _by_name(rows: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Rows keyed by name in an order that does not depend on the engine's collation."""
    return sorted(rows, key=lambda row: (row[0].casefold(), row[0]))


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    """The most frequent first, then by value."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _merged_spellings(
    texts: Iterable[tuple[str, int]], top: int | None = None
) -> list[tuple[str, int]]:
    """Texts with their counts merged where they differ only in case or spacing, each under
    its most common spelling (spaces normalised), the ``top`` most frequent (all if None)."""
    groups: dict[str, dict[str, int]] = {}
    for text, n in texts:
        spelling = " ".join(text.split())
        if spelling:
            group = groups.setdefault(spelling.casefold(), {})
            group[spelling] = group.get(spelling, 0) + n
    merged = [
        (min(group, key=lambda s: (-group[s], s)), sum(group.values()))
        if len(group) > 1
        # most texts have one spelling: no need to choose
        else next(iter(group.items()))
        for group in groups.values()
    ]
    if top is None:
        return sorted(merged, key=_most_frequent_first)
    return heapq.nsmallest(top, merged, key=_most_frequent_first)


def _most_frequent_first(item: tuple[str, int]) -> tuple[int, str, str]:
    return -item[1], item[0].casefold(), item[0]
