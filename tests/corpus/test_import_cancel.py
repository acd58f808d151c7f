"""Cancelling an import: it stops between batches, and what it reported is exactly what is stored."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from corpus.ingest import ImportEvent, ImportReport, import_paths, importer
from corpus.store import Store
from tests.corpus.test_ingest import corpus  # noqa: F401  (fixture used by name)


def write_feed(path: Path, n: int) -> list[dict[str, str]]:
    """``n`` distinct articles of exactly 100 characters each, one JSON record a line."""
    records = [
        {
            "title": f"Report {i}",
            "text": f"Report {i:04d}: shelling near the checkpoint.".ljust(100),
        }
        for i in range(n)
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return records


class CancelAfterFirstArticle:
    """A progress callback and a ``cancelled`` callable: cancel once an article is reported."""

    def __init__(self) -> None:
        self.events: list[ImportEvent] = []

    def progress(self, event: ImportEvent) -> None:
        self.events.append(event)

    def cancelled(self) -> bool:
        return bool(self.events)


def import_cancelled(
    store: Store, path: Path, n: int
) -> tuple[ImportReport, list[dict[str, str]], CancelAfterFirstArticle]:
    """Import a feed of ``n`` articles written to ``path``, cancelled once an article is
    reported: the report, the records written and the callback."""
    records = write_feed(path, n)
    cancel = CancelAfterFirstArticle()
    report = import_paths(store, [path], progress=cancel.progress, cancelled=cancel.cancelled)
    return report, records, cancel


def assert_store_holds_exactly(store: Store, report, records: list[dict[str, str]]) -> None:
    """The store holds the first ``report.imported`` records, each whole, and nothing else."""
    docs = [store.document(d.id) for d in store.documents()]
    assert [d.id for d in docs] == report.document_ids
    assert [(d.title, d.text) for d in docs] == [
        (r["title"], r["text"]) for r in records[: report.imported]
    ]


def test_cancel_stops_after_the_batch_in_flight(corpus, tmp_path, monkeypatch):
    # Batches of ten 100-character articles, whatever the machine's speed.
    monkeypatch.setattr(importer, "BATCH_CHARS", 1000)
    monkeypatch.setattr(importer, "BATCH_SECONDS", 3600.0)
    report, records, cancel = import_cancelled(corpus, tmp_path / "feed.jsonl", 100)
    assert (report.imported, report.failed, report.duplicates) == (10, 0, 0)
    assert len(cancel.events) == 10  # the whole committed batch is reported, and no more
    assert corpus.count_documents() == 10
    assert_store_holds_exactly(corpus, report, records)
    assert [h.title for h in corpus.search("0009")] == ["Report 9"]  # indexed with its batch


def test_cancel_during_a_large_import_ends_the_fingerprinting_process(
    corpus, tmp_path, monkeypatch
):
    # Full batches of five: the second process fingerprints the next batch while one is written.
    monkeypatch.setattr(importer, "BATCH_ARTICLES", 5)
    monkeypatch.setattr(importer, "BATCH_SECONDS", 3600.0)
    report, records, _ = import_cancelled(corpus, tmp_path / "feed.jsonl", 40)
    assert report.imported == 5
    assert_store_holds_exactly(corpus, report, records)
    assert multiprocessing.active_children() == []


def test_cancelled_before_it_starts_imports_nothing(corpus, tmp_path):
    path = tmp_path / "feed.jsonl"
    write_feed(path, 5)
    report = import_paths(corpus, [path], cancelled=lambda: True)
    assert (report.imported, report.failed) == (0, 0)
    assert corpus.count_documents() == 0


def test_a_cancel_never_asked_for_imports_everything(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_CHARS", 1000)
    monkeypatch.setattr(importer, "BATCH_SECONDS", 3600.0)
    path = tmp_path / "feed.jsonl"
    records = write_feed(path, 25)  # two full batches and a partial one
    (tmp_path / "empty.txt").write_bytes(b"")
    report = import_paths(corpus, [path, tmp_path / "empty.txt"], cancelled=lambda: False)
    assert (report.imported, report.failed) == (25, 1)
    assert report.failures == [f"{tmp_path / 'empty.txt'}: empty file"]
    assert_store_holds_exactly(corpus, report, records)
