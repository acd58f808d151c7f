"""A whole annotation set at once (corpus/annotation_bulk.py), on both engines: what it stores
reads back as if added one by one, identical annotations are not added twice, it refuses what
add_span, add_relation and add_event refuse with their messages (all or none, or item by item),
and many documents' sets read at once equal each document's read alone. Then the import that
uses it: fingerprints from a second process, batches, a cancel and a failing reader."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import formats
from annotator.document import Document, Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from annotator.formats.model import AnnotatedDocument
from corpus import dedup, exchange
from corpus.annotation_bulk import Refusal
from corpus.filters import DocumentFilter
from corpus.store import Store

TEXT = "Russian jets struck al-Bab on Wednesday, killing nine civilians."


def at(needle: str, label: str, **attributes: object) -> Span:
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


RUSSIAN = at("Russian", "Actor", category="state_force")
JETS = at("jets", "WeaponSystem")
STRUCK = at("struck", "Attack")
TOWN = at("al-Bab", "Location", type="city", latitude=36.37)
DEAD = at("nine civilians", "Casualty", count=9, kind="killed")


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(Document(text=TEXT)).id


def refusal_of(call: object) -> str:
    """The message of the AnnotatorError that ``call()`` raises."""
    assert callable(call)
    with pytest.raises(AnnotatorError) as raised:
        call()
    return str(raised.value)


def test_a_set_reads_back_as_if_added_one_by_one(store: Store, doc_id: int) -> None:
    spans = [RUSSIAN, JETS, STRUCK, TOWN, DEAD]
    ids = store.add_annotation_set(
        doc_id,
        "alice",
        spans,
        [Relation("uses", 0, 1), Relation("located_at", 2, 3)],
        [Event("Attack", 2, (("attacker", 0), ("instrument", 1), ("casualty", 4)))],
    )
    assert len(set(ids)) == 5
    stored = store.spans(doc_id, "alice")
    assert [s.span for s in stored] == sorted(spans, key=lambda s: (s.start, s.end))
    assert {s.id: s.span for s in stored} == dict(zip(ids, spans, strict=True))
    assert store.status(doc_id, "alice") == Status.IN_PROGRESS
    assert [r.relation for r in store.relations(doc_id, "alice")] == [
        Relation("uses", ids[0], ids[1]),
        Relation("located_at", ids[2], ids[3]),
    ]
    [event] = store.events(doc_id, "alice")
    assert event.event == Event(
        "Attack", ids[2], (("attacker", ids[0]), ("instrument", ids[1]), ("casualty", ids[4]))
    )
    # the rows hold what the models write: a span edited one by one afterwards behaves
    store.update_span(ids[3], at("al-Bab", "Location", type="village"))
    town = next(s for s in store.spans(doc_id, "alice") if s.id == ids[3])
    assert town.span.attributes == {"type": "village"}


def test_identical_annotations_are_not_added_twice(store: Store, doc_id: int) -> None:
    first = store.add_annotation_set(doc_id, "alice", [RUSSIAN, JETS], [Relation("uses", 0, 1)])
    again = store.add_annotation_set(
        doc_id, "alice", [JETS, RUSSIAN, JETS, STRUCK], [Relation("uses", 1, 0)]
    )
    assert again[:3] == [first[1], first[0], first[1]]
    assert len(store.spans(doc_id, "alice")) == 3
    assert len(store.relations(doc_id, "alice")) == 1
    merged = store.merge_spans(doc_id, "alice", [RUSSIAN, STRUCK])
    assert merged.added == 0 and merged.ids == [first[0], again[3]]


def test_an_invalid_span_refuses_the_whole_set_with_add_spans_message(
    store: Store, doc_id: int
) -> None:
    cases = [
        Span(0, len(TEXT) + 5, "Actor"),  # past the end
        Span(0, 7, "Vehicle"),  # not in the schema
        at("Russian", "Actor", category="martian"),  # a value the schema refuses
        at("Russian", "Actor", rank="general"),  # an attribute the schema lacks
    ]
    for bad in cases:
        expected = refusal_of(lambda bad=bad: store.add_span(doc_id, "bob", bad))
        assert refusal_of(
            lambda bad=bad: store.add_annotation_set(doc_id, "alice", [JETS, bad])
        ) == (expected)
    assert store.spans(doc_id, "alice") == []
    assert "alice" not in store.statuses(doc_id)  # no set was left behind


def test_a_link_the_schema_refuses_refuses_the_set(store: Store, doc_id: int) -> None:
    with pytest.raises(AnnotatorError, match="cannot link WeaponSystem to Actor"):
        store.add_annotation_set(doc_id, "alice", [RUSSIAN, JETS], [Relation("uses", 1, 0)])
    with pytest.raises(AnnotatorError, match="must be a Attack span, not Actor"):
        store.add_annotation_set(doc_id, "alice", [RUSSIAN], events=[Event("Attack", 0)])
    with pytest.raises(AnnotatorError, match="no span at index 2"):
        store.add_annotation_set(doc_id, "alice", [RUSSIAN, JETS], [Relation("uses", 0, 2)])
    assert store.spans(doc_id, "alice") == []


def test_item_by_item_the_rest_is_stored_and_each_refusal_says_why(
    store: Store, doc_id: int
) -> None:
    store.add_span(doc_id, "alice", RUSSIAN)
    other_attributes = at("Russian", "Actor", category="political")
    expected = refusal_of(lambda: store.add_span(doc_id, "alice", other_attributes))
    refused: list[Refusal] = []
    merged = store.merge_spans(
        doc_id, "alice", [JETS, other_attributes, Span(0, 99, "Actor"), STRUCK], refused.append
    )
    assert merged.added == 2 and merged.ids[1] is None and merged.ids[2] is None
    assert [(r.kind, r.position) for r in refused] == [("span", 1), ("span", 2)]
    assert refused[0].reason == expected
    assert "runs past the end of the text" in refused[1].reason

    jets, struck = merged.ids[0], merged.ids[3]
    assert jets is not None and struck is not None
    russian = store.spans(doc_id, "alice")[0].id
    wrong_way = Relation("uses", jets, russian)
    expected_relation = refusal_of(lambda: store.add_relation(wrong_way))
    wrong_trigger = Event("Attack", russian)
    expected_event = refusal_of(lambda: store.add_event(wrong_trigger, partial=True))
    links: list[Refusal] = []
    store.merge_links(
        doc_id,
        "alice",
        [wrong_way, Relation("uses", russian, jets)],
        [wrong_trigger, Event("Attack", struck, (("attacker", russian),))],
        links.append,
        partial=True,
    )
    assert links == [
        Refusal("relation", 0, expected_relation),
        Refusal("event", 0, expected_event),
    ]
    assert len(store.relations(doc_id, "alice")) == 1 and len(store.events(doc_id, "alice")) == 1


def test_a_reviewed_set_keeps_what_it_has_and_takes_nothing_new(store: Store, doc_id: int) -> None:
    [russian] = store.add_annotation_set(doc_id, "alice", [RUSSIAN])
    store.set_status(doc_id, "alice", Status.REVIEWED)
    expected = refusal_of(lambda: store.add_span(doc_id, "alice", JETS))
    assert store.add_annotation_set(doc_id, "alice", [RUSSIAN]) == [russian]
    assert refusal_of(lambda: store.add_annotation_set(doc_id, "alice", [JETS])) == expected
    assert store.status(doc_id, "alice") == Status.REVIEWED


def test_a_new_set_of_an_existing_new_status_starts_in_progress(store: Store, doc_id: int) -> None:
    store.set_status(doc_id, "alice", Status.NEW)
    store.add_annotation_set(doc_id, "alice", [RUSSIAN])
    assert store.status(doc_id, "alice") == Status.IN_PROGRESS
    store.set_status(doc_id, "alice", Status.DONE)
    store.add_annotation_set(doc_id, "alice", [JETS])
    assert store.status(doc_id, "alice") == Status.DONE  # as add_span leaves it


def test_a_missing_document_or_annotator_name_is_refused(store: Store, doc_id: int) -> None:
    with pytest.raises(AnnotatorError, match="no document with id 999"):
        store.add_annotation_set(999, "alice", [RUSSIAN])
    expected = refusal_of(lambda: store.add_span(doc_id, "  ", RUSSIAN))
    assert refusal_of(lambda: store.add_annotation_set(doc_id, "  ", [RUSSIAN])) == expected


def test_many_documents_sets_read_at_once_equal_each_read_alone(store: Store) -> None:
    ids = [
        store.add_document(Document(text=f"{TEXT} Report {n}.", title=f"t{n}")).id for n in range(5)
    ]
    store.add_annotation_set(ids[0], "bob", [RUSSIAN, JETS, DEAD], [Relation("uses", 0, 1)])
    store.add_annotation_set(
        ids[0], "alice", [STRUCK, RUSSIAN], events=[Event("Attack", 0, (("attacker", 1),))]
    )
    store.add_annotation_set(ids[2], "alice", [TOWN])
    store.set_status(ids[3], "carol", Status.DONE)  # a set without spans

    read = list(store.documents_with_sets(chunk=2))
    assert [doc.id for doc, _ in read] == ids
    for doc, sets in read:
        assert doc == store.document(doc.id)
        assert [s.annotator for s in sets] == sorted(store.statuses(doc.id))
        for stored in sets:
            assert stored.status == store.status(doc.id, stored.annotator)
            assert [(i, s) for i, s in stored.spans] == [
                (s.id, s.span) for s in store.spans(doc.id, stored.annotator)
            ]
            assert stored.links == store.links(doc.id, stored.annotator)
    alices = list(store.documents_with_sets(annotator="alice"))
    assert [[s.annotator for s in sets] for _, sets in alices] == [
        ["alice"],
        [],
        ["alice"],
        [],
        [],
    ]
    kept = list(store.documents_with_sets(DocumentFilter(status=Status.DONE)))
    assert [doc.id for doc, _ in kept] == [ids[3]]


# -- the import that stores each document's set this way ----------------------------------------


def write_doccano(path: Path, texts: list[str]) -> Path:
    """One doccano record per text, each with its first word labelled Actor."""
    lines = [json.dumps({"text": text, "label": [[0, text.index(" "), "Actor"]]}) for text in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def reports(n: int) -> list[str]:
    """``n`` distinct texts long enough to fingerprint; the last a near copy of the first."""
    texts = [
        f"Report {k} from the front: shelling near checkpoint {k * 7} of sector {k % 5} "
        f"went on through the night, officials in district {k * 13} said on day {k}."
        for k in range(n - 1)
    ]
    return [*texts, texts[0].replace("night", "evening")]


def test_a_large_import_fingerprints_in_a_second_process_and_commits_in_batches(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exchange, "FINGERPRINT_BATCH", 4)  # a second process from 8 on
    monkeypatch.setattr(exchange, "BATCH_DOCUMENTS", 5)
    texts = reports(23)
    path = write_doccano(tmp_path / "many.jsonl", texts)
    report = exchange.import_annotations(store, "jsonl", [path], annotator="alice")
    assert (report.documents, report.spans, report.errors) == (23, 23, [])
    summaries = list(store.documents())
    assert [store.document(s.id).text for s in summaries] == texts
    assert summaries[-1].near_duplicate_of == summaries[0].id  # the fingerprints are right
    assert [hit.id for hit in store.search("checkpoint 77")] == [summaries[11].id]
    again = exchange.import_annotations(store, "jsonl", [path], annotator="alice")
    assert (again.documents, again.spans) == (23, 0)
    assert store.count_documents() == 23


def test_a_cancelled_import_keeps_exactly_what_it_reported(store: Store, tmp_path: Path) -> None:
    path = write_doccano(tmp_path / "some.jsonl", reports(12))
    done: list[int] = []
    report = exchange.import_annotations(
        store, "jsonl", [path], "alice", progress=done.append, cancelled=lambda: len(done) >= 3
    )
    assert report.notes == ["cancelled after 3 document(s)"]
    assert report.documents == 3 and store.count_documents() == 3
    assert sum(s.span_count for s in store.documents()) == 3


def test_documents_read_before_a_failing_reader_stay(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read(paths: object, options: object, report: object) -> Iterator[AnnotatedDocument]:
        for k, text in enumerate(reports(3)):
            yield AnnotatedDocument(Document(text=text), f"d{k}", (Span(0, 6, "Actor"),))
        raise OSError("the disk went away")

    fmt = formats.get("jsonl")
    monkeypatch.setattr(exchange, "_format", lambda name, needs: replace(fmt, read=read))
    with pytest.raises(OSError, match="went away"):
        exchange.import_annotations(store, "jsonl", [tmp_path], annotator="alice")
    assert store.count_documents() == 3


def test_the_second_process_gives_the_fingerprints_of_the_stored_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exchange, "FINGERPRINT_BATCH", 3)
    texts = [text.replace(": ", ":\r\n") for text in reports(10)]  # stored with LF
    docs = [AnnotatedDocument(Document(text=text), str(k)) for k, text in enumerate(texts)]
    docs.insert(4, AnnotatedDocument(Document(text="", id=1), "attached"))
    given = exchange._with_fingerprints(iter(docs))
    first = next(given)
    time.sleep(3)  # time enough for the process to start and fingerprint the next batches
    pairs = [first, *given]
    assert [doc for doc, _ in pairs] == docs
    assert [fp for _, fp in pairs] == [
        dedup.fingerprint(doc.text.replace("\r\n", "\n")) if doc.text else None for doc in docs
    ]
