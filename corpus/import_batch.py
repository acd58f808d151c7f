"""An import's new documents, each with one annotator's spans, written many at a time.

Adding an imported document through ``add_document`` and ``merge_spans`` costs a dozen
statements and two savepoints. Here a batch of documents costs a handful of statements in all:
the near-duplicate candidates of the whole batch are found in one query, and the documents,
their annotation sets and their spans go in by one ``executemany`` each, with ids reserved
beforehand (a span needs its set's id, a set its document's).

Every check is made before anything is written: the NUL check, the exact-duplicate check (a
document whose text the corpus or the batch has is not taken: ``add_document`` and
``merge_spans`` merge it into what is there), the near-duplicate check against the corpus and
the documents before it, and ``add_span``'s checks of each span, so a refused document or span
leaves nothing. Should writing a batch fail all the same (a database error), it is written
again one document at a time, each in a savepoint: the documents before the failing one stay
whole and the failing one leaves nothing.

Used inside ``Store.bulk()``, whose end indexes the documents for search and writes their
band rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

import peewee as pw

from annotator import document as dom
from corpus import dedup
from corpus.document_writer import NEAR_CANDIDATES, DocumentWriter, check_storable, reserve_ids
from corpus.models import Collection, utcnow
from corpus.span_plan import OnRefusal, SpanChecks, plan_spans

if TYPE_CHECKING:
    from corpus.store import Store

WRITE_CHARS = 8_000_000
"""The documents taken are written once their texts hold this many characters, at the
latest: memory stays bounded however long the texts."""


@dataclass(frozen=True)
class Written:
    """What became of a document taken: its id, the earlier document it nearly copies (if any,
    with their similarity) and how many spans were stored with it."""

    id: int
    near: int | None
    similarity: float
    spans: int


@dataclass
class _Taken:
    """A document taken for the next write, with its new spans and collections, and what to
    tell once written (or, when given, once another writer's copy of its text refused it)."""

    document: dom.Document
    digest: str
    fingerprint: dedup.Fingerprint | None
    annotator: str
    spans: list[dom.Span]
    collections: Sequence[str]
    written: Callable[[Written], None]
    conflict: Callable[[], None] | None
    id: int = 0
    near: int | None = None
    similarity: float = 0.0


class ImportBatch:
    """New documents taken one by one, written together at :meth:`write`."""

    def __init__(self, store: Store) -> None:
        if store._bulk is None:
            raise RuntimeError("an import batch is written inside Store.bulk()")
        self.store = store
        self.bulk = store._bulk
        self.db = store.db
        self.writer = DocumentWriter(store.db)
        self._taken: list[_Taken] = []
        self._digests: set[str] = set()
        self._chars = 0
        self._checks: SpanChecks | None = None
        self._collections: dict[str, int] = {}  # ids by name, of the collections used

    def digest(self, document: dom.Document) -> str | None:
        """The content hash of ``document`` (its text normalised) when it is new, None when
        the corpus or this batch has its text already. A document the corpus cannot store
        is refused (AnnotatorError)."""
        check_storable(document)
        digest = dedup.content_hash(document.text)
        if digest in self._digests or self.writer.find_by_hash(digest) is not None:
            return None
        return digest

    def take(
        self,
        document: dom.Document,
        digest: str,
        fingerprint: dedup.Fingerprint | None,
        written: Callable[[Written], None],
        *,
        annotator: str = "",
        spans: Sequence[dom.Span] = (),
        refused: OnRefusal | None = None,
        collections: Sequence[str] = (),
        conflict: Callable[[], None] | None = None,
    ) -> None:
        """Take ``document`` (whose :meth:`digest` is ``digest``) with the annotator's
        ``spans`` and into ``collections``: the spans ``add_span`` would refuse are passed to
        ``refused`` and left out, and ``written`` is told what was stored once the document is.

        Should another writer store the same text first (a team corpus), the document is
        refused: ``conflict`` is told so, and the others are written all the same; without a
        ``conflict`` the write raises the database's IntegrityError."""
        new: list[dom.Span] = []
        if spans:
            assert refused is not None, "spans are taken with what to do with a refused one"
            if self._checks is None:
                self._checks = self.store._checks()
            blocked = None if annotator.strip() else "an annotator needs a name"
            new = plan_spans(spans, {}, len(document.text), self._checks, blocked, refused).spans
        self._taken.append(
            _Taken(
                document,
                digest,
                fingerprint,
                annotator.strip(),
                new,
                collections,
                written,
                conflict,
            )
        )
        self._digests.add(digest)
        self._chars += len(document.text)
        if self._chars >= WRITE_CHARS:
            self.write()

    def schema_changed(self) -> None:
        """Check the next spans against the schema now in force."""
        self._checks = None

    def write(self) -> None:
        """Write the documents taken since the last write."""
        taken, self._taken = self._taken, []
        self._digests, self._chars = set(), 0
        if not taken:
            return
        self._place(taken)
        annotators = {
            name: self.store.annotator_id(name) for name in {t.annotator for t in taken if t.spans}
        }
        for name in {name for t in taken for name in t.collections} - self._collections.keys():
            # Before the savepoint below, whose rollback would take a new collection with it.
            self._collections[name] = Collection.get_or_create(name=name)[0].id
        try:
            with self.db.atomic():
                self._insert(taken, annotators)
        except Exception:
            self._write_one_by_one(taken, annotators)
            return
        for one in taken:
            self._done(one)

    def _write_one_by_one(self, taken: list[_Taken], annotators: dict[str, int]) -> None:
        """Write each document in a savepoint of its own: one refused for a conflict is told
        so (when it can be) and the others are written; any other failure raises."""
        refused: set[int] = set()
        for one in taken:
            if one.near in refused:
                one.near, one.similarity = None, 0.0
            try:
                # The wrapper turns the driver's errors into peewee's (executemany skips it).
                with self.db.atomic(), pw.__exception_wrapper__:
                    self._insert([one], annotators)
            except pw.IntegrityError:
                if one.conflict is None:
                    raise
                refused.add(one.id)
                one.conflict()
                continue
            self._done(one)

    def _place(self, taken: list[_Taken]) -> None:
        """Give each document its id and the earlier document it nearly copies, if any: one
        of the corpus, of the bulk transaction's documents, or of those before it here."""
        for one in taken:
            one.fingerprint = one.fingerprint or dedup.fingerprint(one.document.text)
        in_corpus = self.writer.candidates_of_many(
            [t.fingerprint.bands if t.fingerprint is not None else () for t in taken],
            NEAR_CANDIDATES,
        )
        # Only bands that two documents here share can make one a candidate of another.
        counts = Counter(chain.from_iterable(t.fingerprint.bands for t in taken if t.fingerprint))
        here = _Recent({band for band, n in counts.items() if n > 1})

        def texts(ids: list[int]) -> list[tuple[int, str]]:
            return sorted(here.texts(ids) + self.writer.texts(here.others(ids)))

        ids = reserve_ids(self.db, "document", len(taken))
        for one, doc_id, candidates in zip(taken, ids, in_corpus, strict=True):
            one.id = doc_id
            fp = one.fingerprint
            if fp is None:
                continue
            candidates += self.bulk.candidates(fp.bands) + here.candidates(fp.bands)
            one.near, one.similarity = dedup.nearest(
                one.document.text, fp.signature, candidates, texts
            )
            here.add(doc_id, fp, one.document.text)

    def _insert(self, taken: list[_Taken], annotators: dict[str, int]) -> None:
        """Insert the documents, their sets and their spans."""
        store = self.store
        self.writer.insert_many(
            [
                (
                    t.id,
                    t.document,
                    t.digest,
                    t.near,
                    t.fingerprint.signature if t.fingerprint is not None else None,
                )
                for t in taken
            ]
        )
        self._insert_memberships(taken)
        annotated = [t for t in taken if t.spans]
        if not annotated:
            return
        now = utcnow()
        stamp: Any = now if store._postgres else now.isoformat(" ")  # as peewee stores it
        set_ids = reserve_ids(self.db, "annotation_set", len(annotated))
        p = self.db.param
        self.db.cursor().executemany(
            'INSERT INTO "annotation_set" ("id", "document_id", "annotator_id", "status", '
            f'"updated_at") VALUES ({p}, {p}, {p}, {p}, {p})',
            [
                (set_id, t.id, annotators[t.annotator], dom.Status.IN_PROGRESS, stamp)
                for set_id, t in zip(set_ids, annotated, strict=True)
            ],
        )
        span_ids = iter(reserve_ids(self.db, "span", sum(len(t.spans) for t in annotated)))
        store._insert_span_rows(
            (
                (next(span_ids), set_id, span)
                for set_id, t in zip(set_ids, annotated, strict=True)
                for span in t.spans
            ),
            stamp,
        )

    def _insert_memberships(self, taken: list[_Taken]) -> None:
        """Put the documents into their collections (created when new)."""
        rows = [
            (t.id, self._collections[name]) for t in taken for name in dict.fromkeys(t.collections)
        ]
        if rows:
            p = self.db.param
            self.db.cursor().executemany(
                f'INSERT INTO "document_collection" ("document_id", "collection_id") VALUES ({p}, {p})',
                rows,
            )

    def _done(self, one: _Taken) -> None:
        self.bulk.added(one.id, one.fingerprint)
        one.written(Written(one.id, one.near, one.similarity, len(one.spans)))


class _Recent:
    """The documents placed so far in one write, by those of their bands in ``shared``, with
    their signatures and texts."""

    def __init__(self, shared: set[int]) -> None:
        self._shared = shared
        self._by_band: dict[int, list[int]] = {}
        self._signatures: dict[int, bytes] = {}
        self._texts: dict[int, str] = {}

    def add(self, doc_id: int, fp: dedup.Fingerprint, text: str) -> None:
        bands = self._shared.intersection(fp.bands)
        if not bands:
            return
        self._signatures[doc_id] = fp.signature
        self._texts[doc_id] = text
        for band in bands:
            self._by_band.setdefault(band, []).append(doc_id)

    def candidates(self, bands: Sequence[int]) -> list[tuple[int, bytes]]:
        found = self._shared.intersection(bands)
        ids = {doc_id for band in found for doc_id in self._by_band.get(band, ())}
        return [(doc_id, self._signatures[doc_id]) for doc_id in sorted(ids)]

    def texts(self, ids: list[int]) -> list[tuple[int, str]]:
        return [(i, self._texts[i]) for i in ids if i in self._texts]

    def others(self, ids: list[int]) -> list[int]:
        """Those of ``ids`` that are not here."""
        return [i for i in ids if i not in self._texts]
