"""The corpus browser's status and collection filters, its Status column and its sorting by
header clicks, driven through the real widgets."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox

from annotator.document import Document, Status
from corpus.store import Store
from tests.ui.shown_window import store  # noqa: F401  (fixture used by name)
from ui import document_table_model as dtm
from ui.corpus_browser import CorpusBrowser
from ui.document_table_model import DOCUMENT_ID_ROLE

_serial = itertools.count()  # keeps every text distinct: the store skips duplicates


def add(store: Store, count: int, collections: tuple[str, ...] = ()) -> list[int]:
    """Add ``count`` articles dated a day apart (every fifth undated); their ids."""
    return [
        store.add_document(
            Document(
                text=f"Report {next(_serial)}: the council met about item {i * 7}.\n",
                title=f"Doc {i:03d}",
                published=None if i % 5 == 4 else f"2017-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}",
            ),
            collections=collections,
        ).id
        for i in range(count)
    ]


@pytest.fixture
def browser(qtbot, store) -> CorpusBrowser:
    widget = CorpusBrowser(store, annotator="ann")
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(browser: CorpusBrowser) -> list[int]:
    """The ids of the rows the document table has loaded, in order."""
    model = browser.document_view.model()
    return [model.index(r, 0).data(DOCUMENT_ID_ROLE) for r in range(model.rowCount())]


def choose(combo: QComboBox, text: str) -> None:
    """Pick ``text`` in ``combo`` as a user would."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(index)


def click_header(qtbot, browser: CorpusBrowser, column: int) -> None:
    header = browser.document_view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_the_status_column_shows_the_annotators_status(qtbot, store):
    ids = add(store, 3)
    store.set_status(ids[0], "ann", Status.DONE)
    store.set_status(ids[1], "bob", Status.REVIEWED)
    browser = CorpusBrowser(store, annotator="ann")
    qtbot.addWidget(browser)
    model = browser.document_view.model()
    assert [model.index(r, dtm.STATUS).data() for r in range(3)] == ["done", "new", "new"]
    assert model.headerData(dtm.STATUS, Qt.Orientation.Horizontal) == "Status"
    assert not browser.document_view.isColumnHidden(dtm.STATUS)


def test_without_an_annotator_the_login_name_is_used(qtbot, store, monkeypatch):
    monkeypatch.setattr("ui.corpus_browser.login_name", lambda: "carol")
    ids = add(store, 1)
    store.set_status(ids[0], "carol", Status.LOCKED)
    browser = CorpusBrowser(store)
    qtbot.addWidget(browser)
    assert browser.annotator == "carol"
    assert browser.document_model.index(0, dtm.STATUS).data() == "locked"


def test_the_status_filter_keeps_the_annotators_documents(browser, store):
    ids = add(store, 5)
    store.set_status(ids[0], "ann", Status.DONE)
    store.set_status(ids[1], "ann", Status.IN_PROGRESS)
    store.set_status(ids[2], "bob", Status.DONE)  # someone else's status filters nothing
    store.set_status(ids[3], "ann", Status.DONE)
    browser.reload()
    combo = browser.status_filter
    offered = [combo.itemText(i) for i in range(combo.count())]
    assert offered == ["All", "new", "in progress", "done", "reviewed", "locked"]
    choose(combo, "done")
    assert shown(browser) == [ids[0], ids[3]]
    assert browser.count_label.text() == "2 articles"
    choose(combo, "new")  # not started counts as new
    assert shown(browser) == [ids[2], ids[4]]
    choose(combo, "in progress")
    assert shown(browser) == [ids[1]]
    assert browser.count_label.text() == "1 article"
    choose(combo, "locked")
    assert shown(browser) == []
    assert browser.count_label.text() == "No articles"
    choose(combo, "All")
    assert shown(browser) == ids


def test_the_collection_filter_lists_the_collections_and_filters(browser, store):
    wire = add(store, 3, ("wire",))
    both = add(store, 2, ("wire", "Syria"))
    loose = add(store, 1)
    browser.reload()
    combo = browser.collection_filter
    assert [combo.itemText(i) for i in range(combo.count())] == ["All", "Syria", "wire"]
    assert shown(browser) == wire + both + loose
    choose(combo, "Syria")
    assert shown(browser) == both
    assert browser.count_label.text() == "2 articles"
    choose(combo, "wire")
    assert shown(browser) == wire + both
    store.set_status(both[0], "ann", Status.DONE)
    choose(browser.status_filter, "done")  # the two filters combine
    assert shown(browser) == [both[0]]
    store.add_document(Document(text="Late news.\n", title="Late"), collections=["wire", "zeta"])
    browser.reload()  # keeps the choices, and lists the new collection
    assert combo.currentText() == "wire"
    assert combo.findText("zeta") > 0
    assert browser.status_filter.currentText() == "done"


def test_filters_apply_to_searches_too(qtbot, browser, store):
    inside = store.add_document(
        Document(text="Jets struck Aleppo.\n", title="A"), collections=["syria"]
    ).id
    store.add_document(Document(text="Jets flew over Aleppo.\n", title="B"))
    browser.reload()
    qtbot.keyClicks(browser.search_box, "aleppo")
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    assert browser.search_view.model().rowCount() == 2
    choose(browser.collection_filter, "syria")
    assert browser.search_view.model().rowCount() == 1
    assert browser.search_view.model().index(0, 0).data(DOCUMENT_ID_ROLE) == inside
    assert browser.count_label.text() == "1 article matches “aleppo”"


def test_clicking_the_date_header_sorts_and_scrolling_pages_in_that_order(qtbot, browser, store):
    ids = add(store, 450)
    browser.reload()
    dates = {s.id: s.published for s in store.documents()}
    newest_first = sorted((i for i in ids if dates[i]), key=lambda i: (dates[i], i), reverse=True)
    newest_first += sorted((i for i in ids if not dates[i]), reverse=True)
    header = browser.document_view.horizontalHeader()
    assert header.sortIndicatorSection() == -1  # import order at first
    click_header(qtbot, browser, dtm.PUBLISHED)
    assert header.sortIndicatorSection() == dtm.PUBLISHED
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder  # newest first
    assert shown(browser) == newest_first[:200]
    browser.document_view.scrollToBottom()
    qtbot.waitUntil(lambda: len(shown(browser)) == 400)
    browser.document_view.scrollToBottom()
    qtbot.waitUntil(lambda: len(shown(browser)) == 450)
    assert shown(browser) == newest_first
    click_header(qtbot, browser, dtm.PUBLISHED)
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    oldest_first = sorted((i for i in ids if dates[i]), key=lambda i: (dates[i], i))
    assert shown(browser) == oldest_first[:200]
    click_header(qtbot, browser, dtm.TITLE)
    assert shown(browser) == ids[:200]  # titles Doc 000, Doc 001, ... as imported


def test_clicking_a_header_the_database_cannot_sort_changes_nothing(qtbot, browser, store):
    ids = add(store, 6)
    browser.reload()
    click_header(qtbot, browser, dtm.TITLE)
    click_header(qtbot, browser, dtm.TITLE)  # descending
    header = browser.document_view.horizontalHeader()
    for column in (dtm.STATUS, dtm.SPANS, dtm.COLLECTIONS):
        click_header(qtbot, browser, column)
        assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
            dtm.TITLE,
            Qt.SortOrder.DescendingOrder,
        )
        assert shown(browser) == ids[::-1]


def test_sorting_and_filtering_keep_the_current_document(qtbot, browser, store):
    ids = add(store, 6, ("wire",))
    browser.reload()
    assert browser.select_document(ids[2])
    with qtbot.assertNotEmitted(browser.sig_document_selected):
        click_header(qtbot, browser, dtm.TITLE)
        click_header(qtbot, browser, dtm.TITLE)
        choose(browser.collection_filter, "wire")
    view = browser.document_view
    assert view.currentIndex().data(DOCUMENT_ID_ROLE) == ids[2]
    assert view.currentIndex().row() == 3
    assert view.selectionModel().isRowSelected(3)


def test_refresh_document_shows_an_edit_in_place(browser, store):
    ids = add(store, 3)
    browser.reload()
    store.update_document(
        ids[1],
        title="Renamed",
        author="Jane Roe",
        published="2020-05-06",
        source="Wire",
        collections=["brand new"],
    )
    browser.refresh_document(ids[1])
    model = browser.document_model
    assert model.index(1, dtm.TITLE).data() == "Renamed"
    assert model.index(1, dtm.PUBLISHED).data() == "2020-05-06"
    assert model.index(1, dtm.COLLECTIONS).data() == "brand new"
    assert browser.collection_filter.findText("brand new") > 0
