"""The article import writes new articles many at a time (corpus/import_batch.py): what it
reports, the collections it fills and how it meets a copy another writer stored first, on both
engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.document import Document
from corpus import import_batch, models
from corpus.ingest import import_paths
from corpus.store import Store

WIRE = (
    "Shelling hit the eastern district of the city on Tuesday, killing four people and "
    "wounding eleven, officials said. Residents described a night of heavy explosions near "
    "the railway station and the central market, where several shops were destroyed."
)


def write_feed(path: Path, texts: list[str]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"title": f"Report {k}", "text": t}) + "\n" for k, t in enumerate(texts)
        ),
        encoding="utf-8",
    )
    return path


def test_one_batch_reports_each_article_in_order_and_fills_the_collection(
    store: Store, tmp_path: Path
) -> None:
    store.add_document(Document(text="Already here before the import."))
    texts = [
        "First new report from the front line.",
        "Already here before the import.",
        WIRE,
        "First new report from the front line.",  # a copy of one earlier in the same batch
        WIRE.replace("eleven", "twelve"),
        "Bad \x00 byte in this one.",
    ]
    feed = write_feed(tmp_path / "feed.jsonl", texts)
    seen: list[tuple[str, str]] = []
    report = import_paths(
        store, [feed], collection="wire", progress=lambda e: seen.append((e.outcome, e.where))
    )
    assert seen == [
        ("imported", f"{feed}:1"),
        ("duplicate", f"{feed}:2"),
        ("imported", f"{feed}:3"),
        ("duplicate", f"{feed}:4"),
        ("near_duplicate", f"{feed}:5"),
        ("failed", f"{feed}:6"),
    ]
    assert report.duplicate_details == [
        f"{feed}:2: same text as document 1",
        f"{feed}:4: same text as document 2",
    ]
    assert report.near_duplicate_details[0].startswith(f"{feed}:5: near-duplicate of document 3 (")
    assert report.failures == [
        f"{feed}:6: the article holds a NUL character (U+0000), which a corpus cannot store"
    ]
    # The text the corpus had before is put into the collection as well.
    assert [d.collections for d in store.documents()] == [("wire",)] * 4
    assert [d.near_duplicate_of for d in store.documents()] == [None, None, None, 3]


def test_a_copy_another_writer_stored_first_is_reported_and_the_rest_is_written(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["Report one from the north.", "Report two from the south.", WIRE]
    feed = write_feed(tmp_path / "feed.jsonl", texts)
    place = import_batch.ImportBatch._place

    def another_writer_first(batch: import_batch.ImportBatch, taken: list) -> None:
        # Between the import's checks and its writes, someone stores the second text (with an
        # id of its own: a team corpus's writers draw ids from one sequence).
        place(batch, taken)
        models.Document.insert(
            id=1000, title="theirs", text=texts[1], content_hash=taken[1].digest
        ).execute()

    monkeypatch.setattr(import_batch.ImportBatch, "_place", another_writer_first)
    report = import_paths(store, [feed], collection="wire")
    assert (report.imported, report.duplicates, report.failed) == (2, 1, 0)
    assert report.duplicate_details == [f"{feed}:2: same text as a document added at the same time"]
    stored = {d.title: d for d in store.documents()}
    assert sorted(stored) == ["Report 0", "Report 2", "theirs"]
    assert stored["Report 2"].collections == ("wire",)
    assert store.search("north")[0].title == "Report 0"
