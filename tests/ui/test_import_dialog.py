"""Importing from the GUI: the background worker, its progress dialog and Cancel, the summary,
the file dialog helper and dropping files on a window."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path

import peewee as pw
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QVBoxLayout, QWidget

from corpus.ingest import SUPPORTED, ImportEvent, importer
from corpus.store import Store
from ui import import_dialog, import_worker
from ui.import_dialog import FileDropFilter, ImportController, choose_import_paths
from ui.import_worker import ImportWorker

STORY = "Shelling near the checkpoint continued through the night, residents said."


@pytest.fixture
def window(qtbot) -> QWidget:
    """A shown top-level widget standing in for the main window."""
    widget = QWidget()
    widget.resize(800, 600)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def write_folder(folder: Path) -> None:
    """Three articles, a copy of the first, an empty file and a file of an ignored type."""
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(f"Headline {name}\n\n{STORY} ({name})", "utf-8")
    (folder / "d-copy.txt").write_text(f"Headline a\n\n{STORY} (a)", "utf-8")
    (folder / "e-empty.txt").write_bytes(b"")
    (folder / "notes.xyz").write_text("not an article type: skipped in folders", "utf-8")


def test_import_of_a_folder_runs_off_the_gui_thread_and_lists_failures(
    qtbot, store, tmp_path, window, monkeypatch
):
    threads: list[int] = []
    real_import = import_worker.import_paths

    def recording_import(*args, **kwargs):
        threads.append(threading.get_ident())
        return real_import(*args, **kwargs)

    closed: list[int] = []
    real_close = Store.close

    def recording_close(self):
        closed.append(threading.get_ident())
        real_close(self)

    monkeypatch.setattr(import_worker, "import_paths", recording_import)
    monkeypatch.setattr(Store, "close", recording_close)
    folder = tmp_path / "wire"
    write_folder(folder)
    odd = tmp_path / "photo.png"
    odd.write_bytes(b"\x89PNG")
    controller = ImportController(store, window)
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as finished:
        assert controller.start([str(folder), str(odd)])
        assert controller.is_running()
        assert not controller.start([str(folder)])  # one import at a time
    assert threads and threads[0] != threading.get_ident()
    assert closed == threads[:1]  # the worker's thread closed its own connection
    outcome = finished.args[0]
    assert (outcome.cancelled, outcome.error) == (False, None)
    report = outcome.report
    assert (report.imported, report.duplicates, report.failed) == (3, 1, 2)
    assert [d.title for d in store.documents()] == ["Headline a", "Headline b", "Headline c"]
    assert not controller.is_running() and controller.progress_dialog is None

    summary = controller.summary_dialog
    assert summary is not None and summary.isVisible()
    assert summary.windowTitle() == "Import Finished"
    assert {k: label.text() for k, label in summary.count_labels.items()} == {
        "imported": "3",
        "near_duplicates": "0",
        "duplicates": "1",
        "failed": "2",
    }
    lines = summary.details_text().splitlines()
    first_id = next(iter(store.documents())).id
    assert lines == [
        f"failed: {folder / 'e-empty.txt'}: empty file",
        f"failed: {odd}: unsupported file type .png (supported: {', '.join(SUPPORTED)})",
        f"duplicate: {folder / 'd-copy.txt'}: same text as document {first_id}",
    ]
    qtbot.mouseClick(summary.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == summary.details_text()


def test_a_clean_import_says_there_is_nothing_to_list(qtbot, store, tmp_path, window):
    path = tmp_path / "one.txt"
    path.write_text(f"Only headline\n\n{STORY}", "utf-8")
    controller = ImportController(store, window)
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000):
        controller.start([path])
    summary = controller.summary_dialog
    assert summary.details_label.text() == "No failures or duplicates."
    assert not summary.details.isVisible() and not summary.copy_button.isEnabled()
    assert store.count_documents() == 1


class GatedWorker(ImportWorker):
    """A worker that, at its first progress signal, waits (in its own thread) until the test
    opens the gate: the test can then act mid-import, whatever the machine's speed."""

    reached = threading.Event()
    gate = threading.Event()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.signals.sig_progress.connect(self._hold, Qt.ConnectionType.DirectConnection)

    def _hold(self, _progress) -> None:
        if not self.reached.is_set():
            self.reached.set()
            self.gate.wait(30)


def test_cancel_mid_way_keeps_whole_articles_and_says_so(
    qtbot, store, tmp_path, window, monkeypatch
):
    # Distinct texts (near-duplicates are slow for another reason), in full batches of 250: the
    # large-import path, with a second process fingerprinting, in less time than batches of 2,000.
    monkeypatch.setattr(importer, "BATCH_ARTICLES", 250)
    words = [f"w{k}" for k in range(5000)]
    records = [
        {"title": f"Report {i}", "text": " ".join(random.Random(i).choices(words, k=60))}
        for i in range(1500)
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n", "utf-8")
    GatedWorker.reached.clear()
    GatedWorker.gate.clear()
    monkeypatch.setattr(import_dialog, "ImportWorker", GatedWorker)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    controller = ImportController(store, window)
    try:
        with qtbot.waitSignal(controller.sig_finished, timeout=120_000) as finished:
            assert controller.start([feed])
            qtbot.waitUntil(GatedWorker.reached.is_set, timeout=60_000)
            dialog = controller.progress_dialog
            # The worker is held mid-import, yet the event loop runs: the dialog appears.
            qtbot.waitUntil(dialog.isVisible, timeout=5_000)
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
            assert dialog.cancel_button.text() == "Cancelling…"
            assert not dialog.cancel_button.isEnabled()
            GatedWorker.gate.set()
    finally:
        GatedWorker.gate.set()
        timer.stop()
    assert len(ticks) > 10
    outcome = finished.args[0]
    report = outcome.report
    assert outcome.cancelled and outcome.error is None
    assert 0 < report.imported < len(records)
    assert store.count_documents() == report.imported
    by_title = {r["title"]: r["text"] for r in records}
    for summary in store.documents():
        assert store.document(summary.id).text == by_title[summary.title]
    assert controller.summary_dialog.windowTitle() == "Import Cancelled"
    assert controller.summary_dialog.count_labels["imported"].text() == f"{report.imported:,}"
    assert controller.summary_dialog.headline.text() == "Import cancelled."
    assert controller.progress_dialog is None and not controller.is_running()


def test_an_error_that_stops_the_import_is_one_line_and_keeps_the_counts(
    qtbot, store, tmp_path, window, monkeypatch
):
    def failing_import(store, paths, collection, options, progress, cancelled):
        progress(ImportEvent("imported", "a.txt", "", 1))
        raise pw.OperationalError("database is locked\nsecond line")

    monkeypatch.setattr(import_worker, "import_paths", failing_import)
    controller = ImportController(store, window)
    with qtbot.waitSignal(controller.sig_finished, timeout=30_000) as finished:
        controller.start([tmp_path])
    outcome = finished.args[0]
    assert outcome.error == "cannot write to the corpus: database is locked"
    assert outcome.report.imported == 1 and not outcome.cancelled
    summary = controller.summary_dialog
    assert summary.windowTitle() == "Import Stopped"
    assert summary.explanation.text().splitlines()[0] == (
        "cannot write to the corpus: database is locked"
    )


def drag_data(*urls: QUrl) -> QMimeData:
    """What a file manager drags: the URLs, and the same as text."""
    mime = QMimeData()
    mime.setUrls(list(urls))
    mime.setText("\n".join(url.toString() for url in urls))
    return mime


def send_drop(widget: QWidget, mime: QMimeData) -> tuple[bool, bool]:
    """Drag ``mime`` onto ``widget`` and drop it; whether the enter and the drop were accepted."""
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(
        QPoint(5, 5), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    enter.ignore()
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(
        QPointF(5, 5), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    drop.ignore()
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted() and drop.dropAction() == Qt.DropAction.CopyAction


def test_dropping_files_and_folders_emits_their_local_paths(qtbot, tmp_path, window):
    search = QLineEdit()
    QVBoxLayout(window).addWidget(search)
    (tmp_path / "a.txt").write_text("x", "utf-8")
    (tmp_path / "folder").mkdir()
    drops = FileDropFilter(window)
    assert window.acceptDrops()
    mime = drag_data(
        QUrl.fromLocalFile(str(tmp_path / "a.txt")),
        QUrl("https://example.com/article.html"),
        QUrl.fromLocalFile(str(tmp_path / "folder")),
    )
    expected = [str(tmp_path / "a.txt"), str(tmp_path / "folder")]
    with qtbot.waitSignal(drops.sig_paths_dropped, timeout=1000) as dropped:
        assert send_drop(window, mime) == (True, True)
    assert dropped.args == [expected]
    # A child that takes drops itself (the search box) gives files to the window too.
    with qtbot.waitSignal(drops.sig_paths_dropped, timeout=1000) as dropped:
        assert send_drop(search, mime) == (True, True)
    assert dropped.args == [expected] and search.text() == ""


def test_drags_without_local_files_are_left_alone(qtbot, window):
    drops = FileDropFilter(window)
    text = QMimeData()
    text.setText("some words")
    with qtbot.assertNotEmitted(drops.sig_paths_dropped):
        assert send_drop(window, text) == (False, False)
        assert send_drop(window, drag_data(QUrl("https://example.com/a.txt"))) == (False, False)


def test_the_file_dialog_offers_the_supported_types_and_a_folder(monkeypatch, tmp_path, window):
    asked: dict[str, str] = {}

    def files(parent, caption, directory, filter):
        asked["filter"] = filter
        return [str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")], filter

    def folder(parent, caption, directory):
        asked["directory"] = directory
        return str(tmp_path)

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(files))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder))
    assert choose_import_paths(window) == [str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")]
    first = asked["filter"].split(";;")[0]
    assert all(f"*{suffix}" in first.split("(")[1] for suffix in SUPPORTED)
    assert choose_import_paths(window, folder=True) == [str(tmp_path)]
    assert asked["directory"] == str(tmp_path)  # the dialog opens where the last one was left
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a: ([], "")))
    assert choose_import_paths(window) == []
