"""File ▸ Export… and File ▸ Import Annotations… in the window: the dialogs build what the user
chose, the work runs in the background, the report is shown, and imported annotations appear
in the reader at once. Uses the lossless test format of tests/corpus/fake_format.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from annotator import formats
from annotator.document import Span
from annotator.formats.model import ImportOptions
from corpus.exchange import ExportRequest
from tests.ui.test_annotating import (  # noqa: F401  (fixtures used by name)
    TEXT,
    doc_id,
    store,
    view_of,
    where,
    window,
)
from ui.exchange_dialogs import ExportDialog, ImportAnnotationsDialog


@pytest.fixture(autouse=True)
def fake_format(monkeypatch) -> None:
    monkeypatch.setitem(formats.MODULES, "fake", "tests.corpus.fake_format")


def test_the_export_dialog_builds_the_request_the_user_chose(qtbot, store, doc_id, tmp_path):
    store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    dialog = ExportDialog(store, None)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    assert dialog.scheme.isEnabled() and not dialog.utf16.isEnabled()
    dialog.scheme.setCurrentIndex(dialog.scheme.findData("bilou"))
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("alice"))
    dialog.status.setCurrentIndex(dialog.status.findData("in_progress"))
    dialog.out.setText(str(tmp_path / "out.conll"))
    dialog.split.setChecked(True)
    dialog.ratios.setText("70,30")
    request = dialog.build()
    assert (request.format, request.annotator, request.split) == ("conll", "alice", (70, 30))
    assert request.options.scheme == "bilou"
    assert request.filter is not None and request.filter.status == "in_progress"
    dialog.annotator.setCurrentIndex(0)  # everyone: a status means nobody's
    dialog._accept()
    assert "a status filter needs one annotator" in dialog.problem.text()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_export_runs_in_the_background_and_reports(
    qtbot, window, store, doc_id, tmp_path, monkeypatch
):
    store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(
        ExportDialog,
        "ask",
        classmethod(lambda cls, s, p: ExportRequest("fake", out, annotator="alice")),
    )
    with qtbot.waitSignal(window.exchange.sig_finished, timeout=20_000) as finished:
        window.export_action.trigger()
    assert finished.args[0].report.documents == 1
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [s[2] for s in record["spans"]] == ["Actor"]
    dialog = window.exchange.report_dialog
    assert dialog is not None and dialog.isVisible()
    assert "1 document(s), 1 span(s)" in dialog.details.toPlainText()
    dialog.close()


def test_imported_annotations_show_in_the_reader_at_once(
    qtbot, window, store, doc_id, tmp_path, monkeypatch
):
    start, end = where("jets")
    record = {
        "name": "x",
        "text": TEXT,
        "spans": [[start, end, "WeaponSystem", {}, "", []]],
        "relations": [],
        "events": [],
    }
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    job = ("fake", [Path(path)], "alice", False, ImportOptions())
    monkeypatch.setattr(ImportAnnotationsDialog, "ask", classmethod(lambda cls, a, p: job))
    with qtbot.waitSignal(window.exchange.sig_finished, timeout=20_000):
        window.import_annotations_action.trigger()
    assert store.count_documents() == 1  # the same text: the same document
    [span] = store.spans(doc_id, "alice")
    assert view_of(window).span_ids() == [span.id]
    window.exchange.report_dialog.close()


def test_a_long_export_shows_its_progress_and_cancel_stops_it(qtbot, window, monkeypatch, tmp_path):
    import time

    from annotator.formats.model import Report

    def slow(store, request, progress, cancelled):
        report = Report()
        for done in range(1, 200):
            if cancelled():
                report.note(f"cancelled after {done - 1} document(s)")
                return report
            time.sleep(0.02)
            progress(done)
        return report

    monkeypatch.setattr("ui.exchange_dialogs.export_corpus", slow)
    window.exchange.export(ExportRequest("fake", tmp_path / "x.jsonl"))
    qtbot.waitUntil(
        lambda: window.exchange.progress is not None and window.exchange.progress.isVisible(),
        timeout=5000,
    )
    with qtbot.waitSignal(window.exchange.sig_finished, timeout=20_000) as finished:
        button = window.exchange.progress.findChild(QPushButton)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # the dialog's Cancel
    outcome = finished.args[0]
    assert outcome.cancelled and outcome.report.notes[0].startswith("cancelled after")
    window.exchange.report_dialog.close()


def test_the_tokenizer_choice_shows_for_token_formats_and_reaches_the_export(
    qtbot, window, store, doc_id, tmp_path
):
    pytest.importorskip("spacy", reason="spaCy (the optional 'spacy' extra) is not installed")
    store.add_span(doc_id, "alice", Span(*where("Russian"), "Actor"))
    dialog = ExportDialog(store, None)
    qtbot.addWidget(dialog)
    dialog.show()
    for name, shown in [("brat", False), ("jsonl", False), ("csv", False), ("conll", True)]:
        dialog.format.setCurrentIndex(dialog.format.findData(name))
        assert dialog.tokenizer.isVisible() is shown, name
    for name in ("hf", "spacy", "xmi", "webanno-tsv", "conll"):  # all write tokens
        dialog.format.setCurrentIndex(dialog.format.findData(name))
        assert dialog.tokenizer.isVisible(), name
    assert not dialog.language.isVisible()  # built-in: no language to choose
    dialog.tokenizer.setCurrentIndex(dialog.tokenizer.findData("spacy"))
    assert dialog.language.isVisible() and dialog.language.currentData() == "en"
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("alice"))
    out = tmp_path / "out.conll"
    dialog.out.setText(str(out))
    request = dialog.build()
    assert request.tokenizer == "spacy:en"
    with qtbot.waitSignal(window.exchange.sig_finished, timeout=30_000) as finished:
        window.exchange.export(request)
    assert finished.args[0].error is None
    tokens = [
        line.split()[0]
        for line in out.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("-DOCSTART-")
    ]
    assert "Bab" in tokens and "al-Bab" not in tokens  # spaCy's rules, not the built-in's
    window.exchange.report_dialog.close()
    dialog.language.setCurrentIndex(dialog.language.findData("ar"))
    assert dialog.build().tokenizer == "spacy:ar"
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))  # no tokens: no tokenizer
    assert dialog.build().tokenizer == "builtin"


def test_without_spacy_only_the_built_in_tokenizer_is_offered(qtbot, store, monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None)
    dialog = ExportDialog(store, None)
    qtbot.addWidget(dialog)
    assert [dialog.tokenizer.itemData(i) for i in range(dialog.tokenizer.count())] == ["builtin"]
    dialog.format.setCurrentIndex(dialog.format.findData("xmi"))
    dialog.out.setText("x.zip")
    assert dialog.build().tokenizer == "builtin"
