"""A corpus made by an older version opens in this one, after a backup, with nothing lost."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from annotator.suggest.model import Suggestion
from corpus.migrations import LATEST, schema_version
from corpus.models import Event as EventRow
from corpus.models import EventRole
from corpus.models import Relation as RelationRow
from corpus.models import Span as SpanRow
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import ENGINES, close_bound_database, corpus_url

FROZEN_V1 = Path(__file__).resolve().parents[1] / "data" / "corpus-v1.sqlite"


@pytest.fixture
def upgraded(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FROZEN_V1, path)
    close_bound_database()
    store = Store.open(str(path))
    yield store, path
    store.close()


def test_a_new_sqlite_corpus_sorts_titles_through_an_index(tmp_path):
    store = Store.open(str(tmp_path / "new.db"))
    try:
        plan = store.db.execute_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM document ORDER BY title, id LIMIT 200"
        ).fetchall()
        assert any("document_title_id" in str(step[-1]) for step in plan), plan
    finally:
        store.close()


def test_frozen_v1_file_is_still_version_1():
    with sqlite3.connect(f"file:{FROZEN_V1}?mode=ro", uri=True) as conn:
        assert conn.execute(
            "SELECT value FROM corpus_meta WHERE key = 'schema_version'"
        ).fetchone() == ("1",)


def test_upgrade_keeps_every_document_annotation_and_schema(upgraded):
    store, _ = upgraded
    assert not store.created
    assert schema_version(store.db) == LATEST == 7
    indexes = {row[1] for row in store.db.execute_sql("PRAGMA index_list('document')")}
    assert {"document_title_id", "document_author_id", "document_source_id"} <= indexes
    relation_indexes = {
        row[1]: row[2] for row in store.db.execute_sql("PRAGMA index_list('relation')")
    }
    assert "relation_head_id" not in relation_indexes  # the unique index serves it
    assert relation_indexes["relation_head_id_tail_id_type"] == 1
    span_indexes = {row[1]: row[2] for row in store.db.execute_sql("PRAGMA index_list('span')")}
    assert "span_annotation_set_id" not in span_indexes  # the unique index serves it
    assert "span_annotation_set_id_start" not in span_indexes
    assert span_indexes["span_annotation_set_id_start_end_label"] == 1  # unique
    docs = list(store.documents())
    assert [d.title for d in docs] == ["Jets strike al-Bab", "Café owners in Zürich 😀"]
    assert store.document(2).text == "Café owners in Zürich 😀 said the protest was peaceful."
    assert store.document(1).metadata == {"desk": "middle-east"}
    spans = store.spans(1)
    assert [
        (s.span.label, s.span.covered_text(store.document(1).text), dict(s.span.attributes))
        for s in spans
    ] == [
        ("Actor", "Russian", {"category": "state_force"}),
        ("WeaponSystem", "jets", {}),
    ]
    assert spans[0].span.note == "Russian air force"
    assert [(r.relation.type, r.relation.head, r.relation.tail) for r in store.relations(1)] == [
        ("uses", 1, 2)
    ]
    assert store.status(1, "alice") == "done"
    assert store.schema().name == "mini"
    assert store.collections_of(1) == ["wire"]
    assert [h.id for h in store.search("Zürich")] == [2]


def test_upgrade_adds_suggestions(upgraded):
    store, _ = upgraded
    assert store.save_suggestions(2, "alice", [Suggestion(15, 21, "Location")]) == 1
    assert [(s.start, s.end) for s in store.suggestions(2, "alice")] == [(15, 21)]


def test_upgrade_adds_queues_of_assigned_documents(upgraded):
    store, _ = upgraded
    store.assign([1, 2], ["alice"])
    assert store.queue("alice") == [1, 2]


def test_upgrade_backs_up_the_old_file_first(upgraded):
    _, path = upgraded
    backups = list(path.parent.glob(f"old.db.before-v{LATEST}-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute(
            "SELECT value FROM corpus_meta WHERE key = 'schema_version'"
        ).fetchone() == ("1",)
        assert conn.execute("SELECT count(*) FROM document").fetchone() == (2,)


def test_upgrade_indexes_old_documents_for_near_duplicates(upgraded):
    store, _ = upgraded
    text = store.document(1).text.replace("Wednesday", "Thursday")
    result = store.add_document(Document(text=text, title="Jets strike al-Bab (update)"))
    assert result.near_duplicate_of == 1


def test_reopening_an_upgraded_corpus_does_not_migrate_again(upgraded, tmp_path):
    store, path = upgraded
    store.close()
    close_bound_database()
    again = Store.open(str(path))
    assert schema_version(again.db) == LATEST
    assert len(list(path.parent.glob(f"old.db.before-v{LATEST}-*.bak"))) == 1
    again.close()


def test_upgraded_corpus_indexes_bulk_imports(upgraded, tmp_path):
    from corpus.ingest import import_paths

    store, _ = upgraded
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"title": "New", "text": "Artillery fire near Kramatorsk."}\n', encoding="utf-8"
    )
    assert import_paths(store, [feed]).imported == 1
    assert [h.title for h in store.search("Kramatorsk")] == ["New"]


def _as_version_6(store: Store) -> None:
    """Make ``store`` a corpus as version 6 left it: spans indexed by (set, start), not unique."""
    store.db.execute_sql("DROP INDEX span_annotation_set_id_start_end_label")
    store.db.execute_sql("DROP INDEX relation_head_id_tail_id_type")
    store.db.execute_sql("CREATE INDEX relation_head_id ON relation (head_id)")
    store.db.execute_sql(
        "CREATE INDEX span_annotation_set_id_start ON span (annotation_set_id, start)"
    )
    store.db.execute_sql("UPDATE corpus_meta SET value = '6' WHERE key = 'schema_version'")


@pytest.mark.parametrize("engine", ENGINES)
def test_upgrade_merges_a_span_stored_twice_and_a_repeated_link(request, engine, tmp_path, caplog):
    url = corpus_url(request, engine, tmp_path)
    close_bound_database()
    store = Store.open(url)
    store.set_schema(shipped_schema())
    doc = store.add_document(Document(text="Rebels struck Idlib with rockets.")).id
    rebels = store.add_span(
        doc, "alice", Span(0, 6, "Actor", {"category": "non_state_armed_group"})
    )
    struck = store.add_span(doc, "alice", Span(7, 13, "Attack"))
    rockets = store.add_span(doc, "alice", Span(25, 32, "WeaponSystem"))
    store.add_relation(Relation("uses", rebels, rockets))
    store.add_event(Event("Attack", struck, (("attacker", rebels),)))
    _as_version_6(store)
    set_id = SpanRow.get_by_id(rebels).annotation_set_id
    # What two clients adding one span at once left: a second Rebels, linked in its own right.
    again = SpanRow.create(annotation_set=set_id, start=0, end=6, label="Actor").id
    RelationRow.create(annotation_set=set_id, type="uses", head=again, tail=rockets)
    RelationRow.create(annotation_set=set_id, type="uses", head=again, tail=rebels)
    RelationRow.create(annotation_set=set_id, type="uses", head=rebels, tail=rockets)
    second = EventRow.create(annotation_set=set_id, type="Attack", trigger=struck).id
    EventRole.create(event=second, role="attacker", span=again)
    store.close()
    close_bound_database()

    with caplog.at_level("WARNING", logger="corpus.migrations"):
        store = Store.open(url)
    assert "1 span(s) stored twice merged into the older copy" in caplog.text
    try:
        assert schema_version(store.db) == LATEST
        assert [(s.id, s.span.label, dict(s.span.attributes)) for s in store.spans(doc)] == [
            (rebels, "Actor", {"category": "non_state_armed_group"}),
            (struck, "Attack", {}),
            (rockets, "WeaponSystem", {}),
        ]
        assert [(r.relation.head, r.relation.tail) for r in store.relations(doc)] == [
            (rebels, rockets)
        ]
        assert [e.event.roles for e in store.events(doc)] == [(("attacker", rebels),)] * 2
        with pytest.raises(AnnotatorError, match="is there already"):
            store.add_span(doc, "alice", Span(0, 6, "Actor"))
        with pytest.raises(AnnotatorError, match="linked by 'uses' already"):
            store.add_relation(Relation("uses", rebels, rockets))
    finally:
        store.close()
