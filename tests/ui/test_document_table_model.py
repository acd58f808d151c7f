"""The lazily loaded document table model and the search results model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from annotator.document import Document, Span
from corpus import resources
from corpus.store import Store
from ui import document_table_model as dtm
from ui.document_table_model import DOCUMENT_ID_ROLE, DocumentTableModel
from ui.search_results_model import SearchResultsModel
from ui.snippet_delegate import snippet_html


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    """A new SQLite corpus with the shipped schema and no documents."""
    s = Store.open(str(tmp_path / "c.db"))
    s.set_schema(resources.shipped_schema())
    yield s
    s.close()


def add(store: Store, count: int) -> list[int]:
    """Add ``count`` distinct short articles; their ids."""
    return [
        store.add_document(
            Document(
                text=f"Report {i}: the council met on day {i} about item {i * 7}.", title=f"Doc {i}"
            )
        ).id
        for i in range(count)
    ]


def test_model_passes_the_model_tester(qtmodeltester, store):
    add(store, 5)
    qtmodeltester.check(DocumentTableModel(store))


def test_empty_and_paged_models_pass_the_model_tester(qtmodeltester, store):
    qtmodeltester.check(DocumentTableModel(store))
    add(store, 12)
    model = DocumentTableModel(store, page_size=5)
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_rows_load_a_page_at_a_time(store):
    ids = add(store, 450)
    model = DocumentTableModel(store)
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    assert model.rowCount() == 200
    assert model.total() == 450
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    # The last row given to beginInsertRows is inclusive.
    assert inserted == [(200, 399), (400, 449)]
    assert [model.document_id(r) for r in range(450)] == ids
    assert not model.canFetchMore(model.index(0, 0))


def test_scrolling_the_view_to_the_bottom_fetches_more(qtbot, store):
    add(store, 450)
    model = DocumentTableModel(store)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    assert model.rowCount() == 200
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 400)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 450)


def test_cells_show_each_column(store):
    doc_id = store.add_document(
        Document(
            text="Jets struck the town.",
            title="Strike",
            author="Reuters",
            published="2017-01-18",
            source="Wire",
        ),
        collections=["syria", "seed"],
    ).id
    store.add_span(doc_id, "ann", Span(0, 4, "WeaponSystem"))
    model = DocumentTableModel(store)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["Strike", "Reuters", "2017-01-18", "Wire", 1, "seed, syria"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(dtm.COLUMNS))]
    assert headers == ["Title", "Author", "Published", "Source", "Spans", "Collections"]
    assert model.index(0, dtm.AUTHOR).data(DOCUMENT_ID_ROLE) == doc_id
    assert model.row_of(doc_id) == 0
    assert model.row_of(doc_id + 1) is None


def test_missing_metadata_shows_blank_cells(store):
    store.add_document(Document(text="Nothing known about this one."))
    model = DocumentTableModel(store)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["(untitled)", "", "", "", 0, ""]


def test_reload_picks_up_new_documents(store):
    add(store, 3)
    model = DocumentTableModel(store)
    store.add_document(Document(text="A late arrival.", title="Late"))
    model.reload()
    assert model.rowCount() == 4
    assert model.index(3, dtm.TITLE).data() == "Late"


def test_search_model_shows_hits_with_snippets(qtmodeltester, store):
    add(store, 3)
    wanted = store.add_document(Document(text="Jets bombed Aleppo at dawn.", title="Aleppo")).id
    model = SearchResultsModel(store)
    qtmodeltester.check(model)
    model.set_query("aleppo")
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    assert model.document_id(0) == wanted
    assert model.index(0, 0).data() == "Aleppo"
    assert "[Aleppo]" in model.index(0, 1).data()
    assert model.index(0, 1).data(DOCUMENT_ID_ROLE) == wanted
    model.set_query("   ")
    assert model.rowCount() == 0


def test_snippet_html_escapes_text_and_bolds_hits():
    assert snippet_html("a <b> & [hit] here") == "a &lt;b&gt; &amp; <b>hit</b> here"
