"""Every format through the corpus: export a corpus's annotations, import them into a fresh
corpus, export again: the two exports are identical (what a format cannot carry is lost the
first time and reported, so the second export has nothing more to lose)."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from annotator import formats
from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from corpus import resources
from corpus.exchange import ExportRequest, export_corpus, import_annotations
from corpus.store import Store
from tests.conftest import close_bound_database

TEXT = (
    "Russian jets struck al-Bab 🇸🇾 on Wednesday, killing nine civilians.\n"
    "قال مصدر طبي إن الغارة قتلت ثمانية مدنيين في إدلب.\n"
    "Cafe\u0301 owners in Zürich\tsaid 𝐀 drone hit the depot.\n"
)


def at(needle: str, label: str, **attributes: object) -> Span:
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


def corpus(path: Path) -> Store:
    close_bound_database()
    store = Store.open(str(path))
    store.set_schema(resources.shipped_schema())
    return store


def fill(store: Store) -> None:
    doc_id = store.add_document(Document(text=TEXT, title="Strikes")).id
    russian = store.add_span(doc_id, "alice", at("Russian", "Actor", category="state_force"))
    jets = store.add_span(doc_id, "alice", at("Russian jets", "WeaponSystem", category="aircraft"))
    struck = store.add_span(doc_id, "alice", at("struck", "Attack"))
    store.add_span(doc_id, "alice", at("al-Bab", "Location", type="city"))
    store.add_span(doc_id, "alice", at("ثمانية مدنيين", "Casualty", count=8, kind="killed"))
    store.add_span(doc_id, "alice", at("Zürich", "Location"))
    store.add_span(doc_id, "alice", at("𝐀 drone", "WeaponSystem"))
    store.add_relation(Relation("uses", russian, jets))
    store.add_event(Event("Attack", struck, (("attacker", russian),)))


def same_tree(a: Path, b: Path) -> bool:
    if a.is_file():
        return a.read_bytes() == b.read_bytes()
    compared = filecmp.dircmp(a, b)
    return (
        not compared.left_only
        and not compared.right_only
        and all(
            (a / name).read_bytes() == (b / name).read_bytes() for name in compared.common_files
        )
    )


@pytest.mark.parametrize("name", formats.names())
def test_export_import_export_is_identical(name: str, tmp_path: Path) -> None:
    try:
        fmt = formats.get(name)
    except AnnotatorError as exc:
        pytest.skip(str(exc))
    if fmt.read is None or fmt.write is None:
        pytest.skip(f"{name} goes one way only")
    first_store = corpus(tmp_path / "first.db")
    fill(first_store)
    first = tmp_path / f"first{fmt.suffix}"
    report = export_corpus(first_store, ExportRequest(name, first, annotator="alice"))
    assert report.errors == []
    first_store.close()

    second_store = corpus(tmp_path / "second.db")
    try:
        if name == "csv":  # CSV carries no text: its rows go back onto the same documents
            second_store.add_document(Document(text=TEXT, title="Strikes"))
        imported = import_annotations(second_store, name, [first], annotator="alice")
        assert imported.errors == [], imported.lines()
        second = tmp_path / f"second{fmt.suffix}"
        export_corpus(second_store, ExportRequest(name, second, annotator="alice"))
        assert same_tree(first, second)
    finally:
        second_store.close()


@pytest.mark.parametrize("name", ["brat", "xmi", "webanno-tsv"])
def test_everyones_sets_come_back_to_their_annotators(name: str, tmp_path: Path) -> None:
    """An export of every annotator's sets names each file ``<id>.<annotator>``; imported
    without --annotator, each set goes back to its annotator, and the export is the same."""
    fmt = formats.get(name)
    store = corpus(tmp_path / "first.db")
    fill(store)  # alice's rich set on document 1
    store.add_span(1, "Bob Lee", at("al-Bab", "Location"))  # a name with a space
    second = store.add_document(Document(text="Jets struck Idlib again.", title="Again")).id
    store.add_span(second, "Bob Lee", Span(12, 17, "Location"))  # only Bob on this one
    store.add_document(Document(text="Nobody annotated this one.", title="Bare"))
    first = tmp_path / f"first{fmt.suffix}"
    assert export_corpus(store, ExportRequest(name, first)).errors == []
    split = tmp_path / "split"  # its parts' folders or files hold the same names
    assert export_corpus(store, ExportRequest(name, split, split=(50, 50), seed=4)).errors == []
    store.close()

    store = corpus(tmp_path / "second.db")
    try:
        imported = import_annotations(store, name, [first])
        assert imported.errors == [], imported.lines()
        assert store.annotators() == ["alice", "Bob Lee"]
        assert [s.span.label for s in store.spans(2, "Bob Lee")] == ["Location"]
        again = tmp_path / f"second{fmt.suffix}"
        export_corpus(store, ExportRequest(name, again))
        assert same_tree(first, again)
        import_annotations(store, name, [first], annotator="carol")  # all carol's
        assert store.annotators() == ["alice", "Bob Lee", "carol"]
        assert [s.span.label for s in store.spans(2, "carol")] == ["Location"]
    finally:
        store.close()
    store = corpus(tmp_path / "third.db")
    try:
        import_annotations(store, name, [split])
        assert store.annotators() == ["alice", "Bob Lee"]
    finally:
        store.close()
