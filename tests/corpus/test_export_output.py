"""Where exports go: folder formats and splits are written aside and put in place only when
complete (a cancel or an error leaves the earlier export as it was, and no partial folder), an
existing folder keeps its other files, and a split reads each document once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import formats
from annotator.document import Document, Span
from annotator.errors import AnnotatorError
from annotator.formats.model import AnnotatedDocument, Report
from corpus.exchange import ExportRequest, export_corpus
from corpus.export_output import write_parts, written_aside
from corpus.store import Store
from tests.corpus import fake_format

TEXT = "Russian jets struck al-Bab 🇸🇾 on Wednesday, killing nine civilians."


@pytest.fixture(autouse=True)
def fake(monkeypatch) -> None:
    monkeypatch.setitem(formats.MODULES, "fake", "tests.corpus.fake_format")


@pytest.fixture
def documents(store: Store) -> Store:
    """Six documents, each with a span of alice's."""
    for n in range(6):
        doc_id = store.add_document(Document(text=f"{TEXT} Report {n}.")).id
        store.add_span(doc_id, "alice", Span(0, 7, "Actor"))
    return store


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by its relative path, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.startswith(".partial-")]


def after(n: int) -> tuple[list[int], Callable[[], bool]]:
    """A progress list and a cancel check that says yes once ``n`` documents are done."""
    done: list[int] = []
    return done, lambda: len(done) >= n


@pytest.mark.parametrize("name", ["brat", "webanno-tsv"])
def test_a_cancelled_folder_export_leaves_no_folder_and_no_partial(documents, tmp_path, name):
    out = tmp_path / "export"
    done, stop = after(3)
    report = export_corpus(documents, ExportRequest(name, out), done.append, stop)
    assert report.notes == ["cancelled after 3 document(s)"]
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_cancelled_folder_export_leaves_the_earlier_export_whole(documents, tmp_path):
    out = tmp_path / "brat"
    export_corpus(documents, ExportRequest("brat", out, annotator="alice"))
    before = tree(out)
    assert "1.ann" in before and "annotation.conf" in before
    documents.add_span(1, "alice", Span(8, 12, "WeaponSystem"))
    done, stop = after(4)
    export_corpus(documents, ExportRequest("brat", out, annotator="alice"), done.append, stop)
    assert tree(out) == before and leftovers(tmp_path) == []
    export_corpus(documents, ExportRequest("brat", out, annotator="alice"))
    assert tree(out)["1.ann"] != before["1.ann"]  # complete: now it takes the place
    assert leftovers(tmp_path) == []


def test_an_export_into_a_folder_holding_files_keeps_them_and_replaces_its_own(documents, tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    (out / "README.txt").write_text("mine", encoding="utf-8")
    (out / "1.ann").write_text("stale", encoding="utf-8")
    export_corpus(documents, ExportRequest("brat", out, annotator="alice"))
    files = tree(out)
    assert files["README.txt"] == b"mine"  # as the export did before: the folder is shared
    assert files["1.ann"].decode().startswith("T1\tActor 0 7\tRussian")
    assert len([f for f in files if f.endswith(".ann")]) == 6 and leftovers(tmp_path) == []
    empty = tmp_path / "empty"
    empty.mkdir()
    export_corpus(documents, ExportRequest("webanno-tsv", empty, annotator="alice"))
    assert len(tree(empty)) == 6


def test_an_error_while_writing_removes_what_was_written(documents, tmp_path, monkeypatch):
    def failing(docs, out, options, report):
        out.mkdir()
        for n, doc in enumerate(docs):
            (out / f"{n}.txt").write_text(doc.text, encoding="utf-8")
            if n == 2:
                raise OSError(28, "No space left on device")

    monkeypatch.setattr(fake_format, "FORMAT", replace(fake_format.FORMAT, write=failing))
    monkeypatch.setattr(fake_format, "FORMAT", replace(fake_format.FORMAT, directory=True))
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("kept", encoding="utf-8")
    with pytest.raises(AnnotatorError, match=r"cannot write .*out: No space left on device"):
        export_corpus(documents, ExportRequest("fake", out))
    assert tree(out) == {"earlier.txt": b"kept"} and leftovers(tmp_path) == []


def test_a_folder_where_the_export_puts_a_file_stops_it_before_anything_moves(documents, tmp_path):
    out = tmp_path / "brat"
    (out / "3.ann").mkdir(parents=True)
    with pytest.raises(AnnotatorError, match=r"3\.ann: there is a folder of that name"):
        export_corpus(documents, ExportRequest("brat", out, annotator="alice"))
    assert [p.name for p in out.iterdir()] == ["3.ann"] and leftovers(tmp_path) == []


def test_a_folder_format_refuses_a_file_in_its_place(documents, tmp_path):
    out = tmp_path / "taken"
    out.write_text("a file", encoding="utf-8")
    with pytest.raises(AnnotatorError, match="it is a file"):
        export_corpus(documents, ExportRequest("brat", out))
    with pytest.raises(AnnotatorError, match="it is a file"):
        export_corpus(documents, ExportRequest("fake", out, split=(50, 50)))
    assert out.read_text(encoding="utf-8") == "a file"


def test_a_split_reads_each_document_once(documents, tmp_path, monkeypatch):
    reads: list[int] = []
    original = Store.documents_with_sets

    def counted(self, *args, **kwargs):
        for doc, sets in original(self, *args, **kwargs):
            reads.append(doc.id)
            yield doc, sets

    monkeypatch.setattr(Store, "documents_with_sets", counted)
    out = tmp_path / "split"
    request = ExportRequest("fake", out, annotator="alice", split=(50, 30, 20), seed=2)
    report = export_corpus(documents, request)
    assert sorted(reads) == [1, 2, 3, 4, 5, 6]  # once each, not once a part
    names = {
        part: [json.loads(line)["name"] for line in tree(out)[part].decode().splitlines()]
        for part in ("train.jsonl", "dev.jsonl", "test.jsonl")
    }
    assert sorted(name for part in names.values() for name in part) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ]
    assert all(v == sorted(v, key=int) for v in names.values())  # each part in id order
    assert (report.documents, report.spans) == (6, 6)


def test_a_cancelled_split_leaves_the_earlier_split_whole(documents, tmp_path):
    out = tmp_path / "split"
    request = ExportRequest("brat", out, annotator="alice", split=(50, 50), seed=1)
    export_corpus(documents, request)
    before = tree(out)
    assert {name.split("/")[0] for name in before} == {"train", "dev"}
    documents.add_span(1, "alice", Span(8, 12, "WeaponSystem"))
    done, stop = after(3)
    report = export_corpus(documents, request, done.append, stop)
    assert report.notes == ["cancelled after 3 document(s)"]
    assert tree(out) == before and leftovers(tmp_path) == []


def doc(n: int) -> AnnotatedDocument:
    return AnnotatedDocument(Document(text=f"text {n}", id=n), str(n))


def test_a_failing_part_stops_the_reading_and_the_other_parts(tmp_path):
    read: list[int] = []
    seen: dict[str, list[str]] = {"a": [], "b": []}

    def docs():
        for n in range(10_000):
            read.append(n)
            yield doc(n)

    def write(part_docs, out, report):
        for d in part_docs:
            seen[out.name].append(d.name)
            if out.name == "b" and len(seen["b"]) == 5:
                raise ValueError("the b writer broke")
            report.documents += 1

    with pytest.raises(ValueError, match="the b writer broke"):
        write_parts(
            write,
            docs(),
            {"a": tmp_path / "a", "b": tmp_path / "b"},
            lambda d: "ab"[int(d.name) % 2],
            Report(),
        )
    assert len(read) < 200  # stopped soon after, not at the end of the corpus


def test_the_parts_write_side_by_side_and_their_reports_add_up(tmp_path):
    def write(part_docs, out, report):
        names = [d.name for d in part_docs]
        out.write_text(" ".join(names), encoding="utf-8")
        report.documents += len(names)
        report.lose(f"things of {out.name}", len(names))

    report = Report()
    outs = {p: tmp_path / p for p in ("train", "dev", "test")}
    write_parts(
        write,
        (doc(n) for n in range(100)),
        outs,
        lambda d: ("train", "dev", "test")[int(d.name) % 3],
        report,
    )
    assert (tmp_path / "dev").read_text(encoding="utf-8").split() == [
        str(n) for n in range(1, 100, 3)
    ]
    assert report.documents == 100 and report.lost["things of test"] == 33


def test_a_file_written_aside_replaces_the_old_one_only_when_complete(tmp_path):
    out = tmp_path / "tasks.json"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), written_aside(out, False, "json") as partial:
        partial.write_text("half", encoding="utf-8")
        partial.with_name(".partial-tasks.config.xml").write_text("x", encoding="utf-8")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.json"]
    assert out.read_text(encoding="utf-8") == "old"
    (tmp_path / ".partial-tasks.config.xml").write_text("killed", encoding="utf-8")
    (tmp_path / ".partial-tasks-other.json").write_text("another's", encoding="utf-8")
    with written_aside(out, False, "json") as partial:
        partial.write_text("new", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".partial-tasks-other.json",  # another export's, left alone
        "tasks.json",
    ]
    assert out.read_text(encoding="utf-8") == "new"  # and no config of a killed run
