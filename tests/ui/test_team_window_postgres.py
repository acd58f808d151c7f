"""The window in a team corpus on PostgreSQL, logged in as an annotator: it annotates as the
login, labels under row-level security, refuses curation and switching annotator, and shows
spans that the same annotator saves from another process (LISTEN/NOTIFY)."""

from __future__ import annotations

import multiprocessing

import pytest
from PySide6.QtCore import QSettings

from annotator.document import Span
from corpus.store import Store
from tests.conftest import close_bound_database
from tests.corpus.team_corpus import open_team_corpus
from tests.ui.test_annotating import TEXT, drag, key, view_of, where
from ui import window_session
from ui.main_window import MainWindow
from ui.session import team_login

pytestmark = pytest.mark.postgres
SPAWN = multiprocessing.get_context("spawn")


def _label_as(url: str, doc_id: int, start: int, end: int) -> None:
    """alice's second window, in another process, labels a span."""
    other = Store.open(url)
    other.add_span(doc_id, "alice", Span(start, end, "Location"))
    other.close()


@pytest.fixture
def alice_store(pg_server, pg_url):
    """A team corpus set up by its owner; then a store logged in as alice, an annotator."""
    members = {"alice": "annotator", "bob": "annotator"}
    owner, doc = open_team_corpus(pg_url, TEXT, "Jets strike al-Bab", members)
    owner.add_span(doc, "bob", Span(*where("Russian"), "Actor"))
    owner.assign([doc], ["alice"])
    owner.close()
    close_bound_database()
    url = pg_server.url_as("alice", pg_url.rsplit("/", 1)[1])
    store = Store.open(url)
    yield store, doc, url
    store.close()


@pytest.fixture
def window(qtbot, alice_store, tmp_path):
    store, doc, _ = alice_store
    name = team_login(store)
    assert name == "alice"
    w = MainWindow(
        store, QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), annotator=name
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    assert w.browser.select_document(doc)
    view_of(w).setFocus()
    return w


def test_an_annotator_labels_under_row_level_security_and_sees_only_her_work(
    qtbot, window, alice_store
):
    store, doc, _ = alice_store
    assert window.browser.queue_filter.isChecked()
    assert window.editor.span_count() == 0  # bob's span is not even read
    drag(qtbot, view_of(window), *where("al-Bab"))
    key(qtbot, view_of(window), "L")
    assert [(s.annotator, s.span.label) for s in store.spans(doc)] == [("alice", "Location")]


def test_curation_and_switching_annotator_are_refused_to_an_annotator(qtbot, window, monkeypatch):
    told: list[str] = []
    monkeypatch.setattr(
        window_session.QMessageBox, "information", lambda *args: told.append(args[2])
    )
    window.choose_annotator()
    assert told and "you annotate as alice" in told[0]
    window.curate()
    assert window.curation is None
    assert "annotators work blind" in window.statusBar().currentMessage()


def test_a_span_saved_in_her_other_window_appears_through_notify(qtbot, window, alice_store):
    _, doc, url = alice_store
    child = SPAWN.Process(target=_label_as, args=(url, doc, *where("Wednesday")))
    child.start()
    child.join(timeout=120)
    assert child.exitcode == 0
    qtbot.waitUntil(lambda: window.editor.span_count() == 1, timeout=5000)
    [(_, span)] = window.editor.spans_in_order()
    assert (span.start, span.end) == where("Wednesday")


def test_a_server_restart_refuses_the_edit_made_meanwhile_and_the_window_carries_on(
    qtbot, window, alice_store, pg_server
):
    store, doc, _ = alice_store
    drag(qtbot, view_of(window), *where("al-Bab"))
    key(qtbot, view_of(window), "L")  # saved before the restart
    pg_server.pause()
    try:
        drag(qtbot, view_of(window), *where("Russian"))
        key(qtbot, view_of(window), "A")
        message = window.statusBar().currentMessage()
        assert "connection to the database server was lost" in message
        assert window.editor.span_count() == 1  # the refused span is not shown as saved
    finally:
        pg_server.resume()
    drag(qtbot, view_of(window), *where("Russian"))
    key(qtbot, view_of(window), "A")
    assert sorted(s.span.label for s in store.spans(doc, "alice")) == ["Actor", "Location"]
    assert window.editor.span_count() == 2
