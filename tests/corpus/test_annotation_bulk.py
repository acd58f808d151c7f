"""A whole annotation set at once (corpus/annotation_bulk.py), on both engines: what it stores
reads back as if added one by one, identical annotations are not added twice, it refuses what
add_span, add_relation and add_event refuse with their messages (all or none, or item by item),
and many documents' sets read at once equal each document's read alone. Then the import that
uses it: fingerprints from a second process, batches, a cancel and a failing reader, and the
new documents it writes many at a time (corpus/import_batch.py): texts seen before merged in,
near copies flagged, a refused document or span leaving nothing more, a database error
keeping the documents before whole, ids that go on as the database gives them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import formats
from annotator.document import Document, Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from annotator.formats.model import AnnotatedDocument
from annotator.suggest.model import Suggestion
from corpus import annotation_importer, dedup, exchange, import_batch
from corpus.filters import DocumentFilter
from corpus.fingerprint_worker import FingerprintJob
from corpus.span_plan import Refusal
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


def test_a_set_still_new_and_empty_is_read_as_no_set(store: Store) -> None:
    """Opening a document stores suggestions on the viewer's set: that set is no annotation.
    An empty set someone gave another status is kept, and so is a new one holding spans."""
    opened, finished, reopened = (
        store.add_document(Document(text=f"{TEXT} Report {n}.")).id for n in range(3)
    )
    store.save_suggestions(opened, "alice", [Suggestion(0, 7, "Actor", {}, "gazetteer")])
    store.save_suggestions(opened, "bob", [Suggestion(8, 12, "WeaponSystem", {}, "gazetteer")])
    store.reject_suggestions([store.suggestions(opened, "bob")[0].id])
    store.set_status(finished, "alice", Status.DONE)
    store.add_annotation_set(reopened, "alice", [RUSSIAN])
    store.set_status(reopened, "alice", Status.NEW)
    assert store.statuses(opened) == {"alice": Status.NEW, "bob": Status.NEW}

    sets = store.stored_sets([opened, finished, reopened])
    assert opened not in sets
    assert [(s.annotator, s.status, s.spans) for s in sets[finished]] == [
        ("alice", Status.DONE, [])
    ]
    assert [(s.status, [span for _, span in s.spans]) for s in sets[reopened]] == [
        (Status.NEW, [RUSSIAN])
    ]
    alices = list(store.documents_with_sets(annotator="alice"))
    assert [(doc.id, [s.status for s in found]) for doc, found in alices] == [
        (opened, []),
        (finished, [Status.DONE]),
        (reopened, [Status.NEW]),
    ]


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
    monkeypatch.setattr(annotation_importer, "BATCH_DOCUMENTS", 5)
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
    pairs = list(given)
    assert [doc for doc, _ in pairs] == docs
    assert [fp for _, fp in pairs] == [
        dedup.fingerprint(doc.text.replace("\r\n", "\n")) if doc.text else None for doc in docs
    ]


@pytest.mark.parametrize("ready, read_first", [(True, 6), (False, 9)])
def test_while_the_process_is_busy_the_import_reads_a_bounded_number_of_batches_ahead(
    monkeypatch: pytest.MonkeyPatch, ready: bool, read_first: int
) -> None:
    monkeypatch.setattr(exchange, "FINGERPRINT_BATCH", 3)
    monkeypatch.setattr(exchange, "READ_AHEAD", 2)
    monkeypatch.setattr(FingerprintJob, "ready", lambda self: ready)
    texts = reports(20)
    read: list[int] = []

    def docs() -> Iterator[AnnotatedDocument]:
        for k, text in enumerate(texts):
            read.append(k)
            yield AnnotatedDocument(Document(text=text), str(k))

    given = exchange._with_fingerprints(docs())
    first = next(given)
    assert len(read) == read_first  # the batch before, or as many as allowed while busy
    pairs = [first, *given]
    assert [doc.name for doc, _ in pairs] == [str(k) for k in range(20)]
    assert [fp for _, fp in pairs] == [dedup.fingerprint(text) for text in texts]


def import_docs(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    docs: list[AnnotatedDocument],
    who: str,
    extend_schema: bool = False,
) -> exchange.Report:
    """Import ``docs`` as a reader would give them, as ``who``."""

    def read(paths: object, options: object, report: object) -> Iterator[AnnotatedDocument]:
        yield from docs

    fmt = formats.get("jsonl")
    monkeypatch.setattr(exchange, "_format", lambda name, needs: replace(fmt, read=read))
    return exchange.import_annotations(
        store, "jsonl", [Path("given")], annotator=who, extend_schema=extend_schema
    )


def doc(text: str, *spans: Span, name: str = "d") -> AnnotatedDocument:
    return AnnotatedDocument(Document(text=text), name, spans)


@pytest.mark.parametrize("each_alone", [False, True])
def test_texts_the_corpus_or_the_batch_has_get_their_spans_merged_in_reading_order(
    store: Store, doc_id: int, monkeypatch: pytest.MonkeyPatch, each_alone: bool
) -> None:
    if each_alone:  # the documents taken are written one by one, not together
        monkeypatch.setattr(import_batch, "WRITE_CHARS", 1)
    store.add_annotation_set(doc_id, "alice", [RUSSIAN])
    other = "Shelling resumed near Idlib overnight."
    report = import_docs(
        store,
        monkeypatch,
        [
            doc(TEXT, RUSSIAN, JETS, JETS),  # the corpus has it: JETS is new, once
            doc(other, Span(0, 8, "Attack")),
            doc(other, Span(0, 8, "Attack"), Span(22, 27, "Location")),  # taken just before
            doc("A third text, new.", Span(2, 7, "Actor")),
        ],
        "alice",
    )
    assert (report.documents, report.spans, report.errors) == (4, 4, [])
    ids = [s.id for s in store.documents()]
    assert len(ids) == 3 and ids[0] == doc_id
    assert [store.document(i).text for i in ids[1:]] == [other, "A third text, new."]
    assert [s.span for s in store.spans(doc_id, "alice")] == [RUSSIAN, JETS]
    assert [s.span for s in store.spans(ids[1], "alice")] == [
        Span(0, 8, "Attack"),
        Span(22, 27, "Location"),
    ]


@pytest.mark.parametrize("each_alone", [False, True])
def test_near_copies_are_flagged_against_the_corpus_and_earlier_documents_of_the_batch(
    store: Store, monkeypatch: pytest.MonkeyPatch, each_alone: bool
) -> None:
    if each_alone:  # the documents taken are written one by one, not together
        monkeypatch.setattr(import_batch, "WRITE_CHARS", 1)
    first, second, *_ = reports(3)
    corpus_id = store.add_document(Document(text=first)).id
    report = import_docs(
        store,
        monkeypatch,
        [
            doc(second),
            doc(second.replace("night", "evening")),  # a near copy of the one just before
            doc(first.replace("night", "day")),  # a near copy of one the corpus had
        ],
        "alice",
    )
    assert report.documents == 3
    corpus, new, copy_of_new, copy_of_corpus = list(store.documents())
    assert corpus.id == corpus_id and new.near_duplicate_of is None
    assert copy_of_new.near_duplicate_of == new.id
    assert copy_of_corpus.near_duplicate_of == corpus_id
    assert [h.id for h in store.search("evening")] == [copy_of_new.id]  # indexed


def test_a_refused_document_leaves_nothing_and_a_refused_span_only_itself(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = import_docs(
        store,
        monkeypatch,
        [
            doc("First report, kept.", Span(0, 5, "Actor")),
            doc("A NUL\x00 in the text.", Span(0, 1, "Actor"), name="nul"),
            doc(TEXT, JETS, Span(0, 99, "Actor"), name="partly"),
        ],
        "bob",
    )
    assert [str(e) for e in report.errors] == [
        "nul: the article holds a NUL character (U+0000), which a corpus cannot store",
        f"partly: span 0..99: span 0..99 runs past the end of the text ({len(TEXT)})",
    ]
    assert (report.documents, report.spans) == (2, 2)
    first, second = list(store.documents())
    assert [store.document(s.id).text for s in (first, second)] == ["First report, kept.", TEXT]
    assert [s.span for s in store.spans(second.id, "bob")] == [JETS]


def test_a_database_error_keeps_the_documents_before_whole_and_nothing_of_the_failing_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A span the database refuses (a trigger stands for a failure no check could foresee).
    if store.db.param == "?":
        store.db.execute_sql(
            "CREATE TRIGGER refuse_span BEFORE INSERT ON span WHEN NEW.start = 3 "
            "BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"
        )
    else:
        store.db.execute_sql(
            "CREATE FUNCTION refuse_span() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.start = 3 THEN RAISE EXCEPTION 'refused by the database'; END IF; "
            "RETURN NEW; END $$"
        )
        store.db.execute_sql(
            "CREATE TRIGGER refuse_span BEFORE INSERT ON span FOR EACH ROW "
            "EXECUTE FUNCTION refuse_span()"
        )
    texts = [f"Report {k}: shelling near the checkpoint." for k in range(4)]
    docs = [
        doc(text, Span(0, 6, "Actor"), Span(k + 1, 9, "Location")) for k, text in enumerate(texts)
    ]
    with pytest.raises(Exception, match="refused by the database"):
        import_docs(store, monkeypatch, docs, "carol")
    stored = list(store.documents())
    assert [store.document(s.id).text for s in stored] == texts[:2]
    assert [len(store.spans(s.id, "carol")) for s in stored] == [2, 2]
    assert store.stats().spans == 4 and store.stats().statuses["in_progress"] == 2


def test_ids_given_by_an_import_go_on_as_the_database_gives_them(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = import_docs(
        store, monkeypatch, [doc(TEXT, RUSSIAN, JETS), doc("Another text here.")], "dana"
    )
    assert report.documents == 2
    first, second = (s.id for s in store.documents())
    russian, jets = (s.id for s in store.spans(first, "dana"))
    relation = store.add_relation(Relation("uses", russian, jets))  # the ids are the rows'
    third = store.add_document(Document(text="Added afterwards.")).id
    span = store.add_span(third, "dana", Span(0, 5, "Actor"))
    assert first < second < third and span > jets and relation > 0
    assert store.statuses(first) == {"dana": Status.IN_PROGRESS}


def test_labels_added_to_the_schema_by_one_document_serve_the_next_of_the_same_batch(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = store.schema().version
    texts = [f"Convoy {k} of trucks and drones moved north." for k in range(3)]
    report = import_docs(
        store,
        monkeypatch,
        [
            doc(texts[0], Span(10, 16, "Vehicle")),
            doc(texts[1], Span(10, 16, "Vehicle"), Span(21, 27, "Drone")),
            doc(texts[2], Span(0, 6, "Actor"), Span(21, 27, "Drone")),
        ],
        "erin",
        extend_schema=True,
    )
    assert (report.documents, report.spans, report.errors) == (3, 5, [])
    assert store.schema().version == version + 2  # Vehicle, then Drone
    labels = [[s.span.label for s in store.spans(d.id, "erin")] for d in store.documents()]
    assert labels == [["Vehicle"], ["Vehicle", "Drone"], ["Actor", "Drone"]]
