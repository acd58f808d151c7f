"""The store as a corpus on both engines: schema versions, statistics, a worker thread's own
connection, reopening, and the corpus's own schema version."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from annotator.document import Document, Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from annotator.schema_yaml import load_schema_text
from corpus import migrations
from corpus.db import database
from corpus.filters import DocumentFilter
from corpus.models import CorpusMeta
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.corpus.store_articles import ARTICLE, EDITED, OTHER, doc, span_at

# -- schema, statistics --------------------------------------------------------------------------


def test_schema_versions(store: Store) -> None:
    conflict = shipped_schema()
    assert store.has_schema()
    assert store.schema() == conflict
    first = store.stats().schema_version

    ner = shipped_schema("conll-ner")
    second = store.set_schema(ner)
    assert first is not None and second > first
    assert store.schema() == ner
    history = store.schema_history()
    assert [(h["version"], h["name"]) for h in history] == [
        (first, "conflict"),
        (second, "conll-ner"),
    ]
    assert history[0]["created_at"] <= history[1]["created_at"]

    # Spans are checked against the schema in force.
    doc_id = store.add_document(doc(ARTICLE)).id
    with pytest.raises(AnnotatorError, match="not in schema 'conll-ner'"):
        store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "LOC"))

    with pytest.raises(AnnotatorError, match="does not describe"):
        store.set_schema(conflict, "name: other\nlabels: [{name: X, color: '#000000'}]\n")
    assert len(store.schema_history()) == 2


def test_a_corpus_without_a_schema_says_so(tmp_path: Path) -> None:
    bare = Store.open(str(tmp_path / "bare.db"))
    try:
        assert bare.created
        assert not bare.has_schema()
        with pytest.raises(AnnotatorError, match="no schema yet"):
            bare.schema()
        assert bare.stats().schema is None
    finally:
        bare.close()


def test_stats_figures(store: Store) -> None:
    a = store.add_document(doc(ARTICLE), collections=["wire"]).id
    store.add_document(doc(EDITED), collections=["wire", "syria"])
    c = store.add_document(doc(OTHER)).id
    russia = store.add_span(a, "alice", span_at(ARTICLE, "Russia", "Actor"))
    jets = store.add_span(a, "alice", span_at(ARTICLE, "jets", "WeaponSystem"))
    struck = store.add_span(a, "alice", span_at(ARTICLE, "struck", "Attack"))
    store.add_span(a, "bob", span_at(ARTICLE, "Turkey", "Actor"))
    store.add_relation(Relation("uses", russia, jets))
    store.add_event(Event("Attack", struck, (("attacker", russia),)))
    store.set_status(c, "carol", Status.DONE)
    store.set_status(a, "bob", Status.REVIEWED)

    stats = store.stats()
    assert stats.documents == 3
    assert stats.near_duplicates == 1
    assert stats.collections == {"syria": 1, "wire": 2}
    # Sets: alice in progress on a, bob reviewed a, carol done c; b was never opened.
    assert stats.statuses == {
        Status.NEW: 1,
        Status.IN_PROGRESS: 1,
        Status.DONE: 1,
        Status.REVIEWED: 1,
        Status.LOCKED: 0,
    }
    assert stats.annotators == {"alice": 3, "bob": 1, "carol": 0}
    assert stats.labels == {"Actor": 2, "Attack": 1, "WeaponSystem": 1}
    assert (stats.spans, stats.relations, stats.events) == (4, 1, 1)
    assert stats.schema == "conflict"
    assert stats.schema_version == store.schema_history()[-1]["version"]


# -- threads, reopening, the corpus's schema version ---------------------------------------------


def test_a_worker_thread_writes_through_its_own_connection(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for needle in ("Russia", "Turkey", "Moscow"):
                store.add_span(doc_id, "worker", span_at(ARTICLE, needle, "Actor"))
            store.add_document(doc(OTHER), collections=["from-thread"])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            store.close()  # this thread's connection only

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive() and errors == []
    assert len(store.spans(doc_id, "worker")) == 3
    assert store.count_documents(DocumentFilter(collection="from-thread")) == 1
    assert store.status(doc_id, "worker") == Status.IN_PROGRESS


def test_reopening_keeps_the_corpus(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    store.close()
    again = Store.open(store.url)
    try:
        assert not again.created
        assert store.created
        assert again.document(doc_id).text == ARTICLE
        assert len(again.spans(doc_id)) == 1
        assert migrations.schema_version(again.db) == migrations.LATEST
    finally:
        again.close()


def test_a_corpus_newer_than_the_app_is_refused(store: Store) -> None:
    CorpusMeta.update(value=str(migrations.LATEST + 1)).where(
        CorpusMeta.key == migrations.VERSION_KEY
    ).execute()
    newer = f"schema version {migrations.LATEST + 1}, newer than this app knows"
    with pytest.raises(AnnotatorError, match=newer):
        migrations.ensure_schema(store.db)
    store.close()
    with pytest.raises(AnnotatorError, match="upgrade the app"):
        Store.open(store.url)
    database.obj.close()  # the refused corpus's connection stays bound


def test_span_ends_are_checked_in_code_points_after_astral_characters(store: Store) -> None:
    # Four astral characters: 4 code points, 8 UTF-16 units, 16 UTF-8 bytes.
    text = "𝐀👍🏽🇸"
    doc_id = store.add_document(Document(text=text, title="astral")).id
    assert store.document_length(doc_id) == len(text) == 4
    span_id = store.add_span(doc_id, "alice", Span(0, len(text), "Actor"))
    with pytest.raises(AnnotatorError, match="runs past the end"):
        store.add_span(doc_id, "alice", Span(0, len(text) + 1, "Actor"))
    with pytest.raises(AnnotatorError, match="runs past the end"):
        store.update_span(span_id, Span(1, len(text) + 1, "Actor"))
    with pytest.raises(AnnotatorError, match="no document with id"):
        store.add_span(doc_id + 99, "alice", Span(0, 1, "Actor"))


def test_a_newer_schema_version_replaces_the_parsed_one(store: Store) -> None:
    # schema() parses once per version; set_schema does not touch that cache, so the newer
    # version is found the way another process's would be.
    assert store.schema().name == "conflict"
    other = load_schema_text("name: other\nlabels:\n  - name: PER\n    color: '#123456'\n")
    store.set_schema(other)
    assert store.schema().name == "other"
