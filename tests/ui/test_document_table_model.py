"""The lazily loaded document table model and the search results model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from annotator.document import Document, Span, Status
from corpus.filters import DocumentFilter
from corpus.store import Store
from tests.corpus import ordered_articles
from tests.corpus.ordered_articles import add_articles, expected_order
from tests.ui.shown_window import add_wire_article, store  # noqa: F401  (fixture used by name)
from ui import document_table_model as dtm
from ui.document_table_model import DOCUMENT_ID_ROLE, DocumentTableModel
from ui.search_results_model import SearchResultsModel
from ui.snippet_delegate import snippet_html


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
    doc_id = add_wire_article(store, "Jets struck the town.", "Strike", ["syria", "seed"])
    store.add_span(doc_id, "ann", Span(0, 4, "WeaponSystem"))
    model = DocumentTableModel(store, annotator="ann")
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["Strike", "Reuters", "2017-01-18", "Wire", "in progress", 1, "seed, syria"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(dtm.COLUMNS))]
    assert headers == [
        "Title",
        "Author",
        "Published",
        "Source",
        "Status",
        "Spans",
        "Collections",
    ]
    assert model.index(0, dtm.AUTHOR).data(DOCUMENT_ID_ROLE) == doc_id
    assert model.row_of(doc_id) == 0
    assert model.row_of(doc_id + 1) is None


def test_missing_metadata_shows_blank_cells(store):
    store.add_document(Document(text="Nothing known about this one."))
    model = DocumentTableModel(store, annotator="ann")
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row == ["(untitled)", "", "", "", "new", 0, ""]
    # Without an annotator there is nobody's status to show.
    assert DocumentTableModel(store).index(0, dtm.STATUS).data() == ""


def test_reload_picks_up_new_documents(store):
    add(store, 3)
    model = DocumentTableModel(store)
    store.add_document(Document(text="A late arrival.", title="Late"))
    model.reload()
    assert model.rowCount() == 4
    assert model.index(3, dtm.TITLE).data() == "Late"


def load_all(model: DocumentTableModel) -> list[int]:
    """Fetch every page, as a view scrolled to the bottom would; the ids of the rows."""
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return [model.document_id(r) for r in range(model.rowCount())]


def test_status_column_shows_the_annotators_status_read_once_a_page(store, monkeypatch):
    ids = add(store, 12)
    store.set_status(ids[0], "ann", Status.DONE)
    store.set_status(ids[1], "bob", Status.REVIEWED)  # someone else's: not shown
    store.add_span(ids[2], "ann", Span(0, 6, "Actor"))  # starting work starts the status
    pages: list[int] = []
    statuses_for = store.statuses_for

    def counted(doc_ids, annotator):
        pages.append(len(doc_ids))
        return statuses_for(doc_ids, annotator)

    monkeypatch.setattr(store, "statuses_for", counted)
    monkeypatch.setattr(store, "status", lambda *_: pytest.fail("a status read for one row"))
    model = DocumentTableModel(store, page_size=5, annotator="ann")
    assert load_all(model) == ids
    assert pages == [5, 5, 2]  # one look-up a page
    shown = [model.index(r, dtm.STATUS).data() for r in range(model.rowCount())]
    assert shown == ["done", "new", "in progress"] + ["new"] * 9


def test_set_status_of_changes_one_cell(store):
    ids = add(store, 3)
    model = DocumentTableModel(store, annotator="ann")
    changed = []
    model.dataChanged.connect(
        lambda a, b: changed.append((a.row(), a.column(), b.row(), b.column()))
    )
    store.set_status(ids[1], "ann", Status.IN_PROGRESS)
    model.set_status_of(ids[1], Status.IN_PROGRESS)
    assert model.index(1, dtm.STATUS).data() == "in progress"
    assert changed == [(1, dtm.STATUS, 1, dtm.STATUS)]
    model.set_status_of(ids[1], Status.IN_PROGRESS)  # no change, no signal
    model.set_status_of(ids[-1] + 100, Status.DONE)  # not loaded: nothing to show
    assert len(changed) == 1
    model.reload()
    assert model.index(1, dtm.STATUS).data() == "in progress"


# The corpus tests' articles with the second title lower-cased ("apple", after "Elder" in code
# point order).
ARTICLES = [
    (title.lower() if i == 1 else title, *rest)
    for i, (title, *rest) in enumerate(ordered_articles.ARTICLES)
]


@pytest.mark.parametrize("column", sorted(dtm.SORT_KEYS))
@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sorting_is_done_by_the_database_and_pages_in_order(qtmodeltester, store, column, order):
    ids = add_articles(store, ARTICLES)
    model = DocumentTableModel(store, page_size=3, annotator="ann")
    key = dtm.SORT_KEYS[column]
    values = {i: getattr(store.summary(i), key) for i in ids}
    descending = order == Qt.SortOrder.DescendingOrder
    model.sort(column, order)
    assert model.rowCount() == 3  # back to the first page
    assert (model.sort_column(), model.order().descending) == (column, descending)
    assert load_all(model) == expected_order(values, descending)
    assert model.index(0, column).data() == (values[model.document_id(0)] or "")
    qtmodeltester.check(model)


def test_unsortable_columns_leave_the_order_and_minus_one_restores_import_order(store):
    ids = add_articles(store, ARTICLES)
    model = DocumentTableModel(store, annotator="ann")
    model.sort(dtm.TITLE, Qt.SortOrder.DescendingOrder)
    by_title = load_all(model)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    for column in (dtm.STATUS, dtm.SPANS, dtm.COLLECTIONS):
        model.sort(column, Qt.SortOrder.AscendingOrder)
    assert resets == []
    assert load_all(model) == by_title
    model.sort(-1)
    assert model.sort_column() == -1
    assert load_all(model) == ids


def test_the_date_column_sorts_newest_first_on_its_first_click(store):
    model = DocumentTableModel(store)
    initial = Qt.ItemDataRole.InitialSortOrderRole
    assert model.headerData(dtm.PUBLISHED, Qt.Orientation.Horizontal, initial) == (
        Qt.SortOrder.DescendingOrder
    )
    assert model.headerData(dtm.TITLE, Qt.Orientation.Horizontal, initial) is None


def test_a_row_edited_after_loading_is_not_loaded_twice(store):
    ids = add(store, 12)
    model = DocumentTableModel(store, page_size=5)
    model.sort(dtm.TITLE, Qt.SortOrder.AscendingOrder)  # Doc 0, Doc 1, Doc 10, Doc 11, Doc 2, ...
    first = model.document_id(0)
    store.update_document(first, title="Zulu", author=None, published=None, source=None)
    assert model.refresh_document(first)
    assert model.index(0, dtm.TITLE).data() == "Zulu"  # in place until the next reload
    loaded = load_all(model)
    assert sorted(loaded) == sorted(ids)  # each once, though it now sorts last
    assert model.total() == len(ids)
    model.reload()
    assert load_all(model)[-1] == first
    assert not model.refresh_document(ids[-1] + 100)


def test_filters_narrow_the_rows_and_the_total(qtmodeltester, store):
    ids = add(store, 6)
    store.add_to_collection(ids[:4], "wire")
    store.set_status(ids[1], "ann", Status.DONE)
    store.set_status(ids[3], "ann", Status.DONE)
    store.set_status(ids[2], "bob", Status.DONE)
    model = DocumentTableModel(store, page_size=2, annotator="ann")
    model.set_filter(DocumentFilter(collection="wire"))
    assert (load_all(model), model.total()) == (ids[:4], 4)
    model.set_filter(DocumentFilter(collection="wire", status=Status.DONE, annotator="ann"))
    assert (load_all(model), model.total()) == ([ids[1], ids[3]], 2)
    assert model.filter() == DocumentFilter(collection="wire", status="done", annotator="ann")
    model.set_filter(None)
    assert model.total() == 6
    # Last: the tester stays attached, and fetches (inserts) rows inside any later reset.
    qtmodeltester.check(model)


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
