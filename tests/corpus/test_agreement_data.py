"""Reading what agreement needs from the store, on both engines: which documents count (two
annotators or more, a finished set without spans counts, an empty unfinished one does not), each
annotator's spans, the collection and annotator filters, chunks, and a few queries per chunk."""

from __future__ import annotations

import pytest

from annotator.agreement import AgreementDocument, compute_agreement, unit_labels
from annotator.document import Document, Span, Status
from annotator.errors import AnnotatorError
from corpus.agreement_data import agreement_document_ids, agreement_documents

TEXTS = [
    "Russian jets struck Islamic State targets in al-Bab on Tuesday.",
    "Artillery shelling killed five civilians in Donetsk.",
    "Houthi drones struck Marib, officials said.",
    "Nothing happened in the town today.",
    "Troops entered Idlib after a week of shelling.",
]


@pytest.fixture
def corpus(store):
    """Five documents (the first three in the collection 'wire') and three annotators:

    0: alice, bob and carol annotated it; 1: alice and bob; 2: alice only, bob's set is in
    progress but empty; 3: alice done without a span, bob with one; 4: carol only.
    """
    ids = [store.add_document(Document(text=t, title=f"doc {i}")).id for i, t in enumerate(TEXTS)]
    store.add_to_collection(ids[:3], "wire")
    store.add_spans(ids[0], "alice", [Span(0, 12, "Actor"), Span(45, 51, "Location")])
    store.add_spans(ids[0], "bob", [Span(0, 7, "Actor"), Span(45, 51, "Location")])
    store.add_spans(ids[0], "carol", [Span(45, 51, "Location")])
    store.add_spans(ids[1], "alice", [Span(44, 51, "Location")])
    store.add_spans(ids[1], "bob", [Span(0, 18, "Attack", fragments=((0, 9), (10, 18)))])
    store.add_spans(ids[2], "alice", [Span(0, 6, "Actor")])
    gone = store.add_span(ids[2], "bob", Span(0, 6, "Actor"))
    store.delete_span(gone)  # bob's set stays, in progress, empty
    assert store.status(ids[2], "bob") == Status.IN_PROGRESS
    store.set_status(ids[3], "alice", Status.DONE)
    store.add_spans(ids[3], "bob", [Span(24, 28, "Location")])
    store.add_spans(ids[4], "carol", [Span(0, 6, "Actor")])
    return store, ids


def spans_by_annotator(doc: AgreementDocument) -> dict[str, list[tuple[int, int, str]]]:
    return {
        name: [(s.start, s.end, s.label) for s in spans] for name, spans in doc.annotations.items()
    }


def test_documents_two_annotators_annotated_with_their_spans(corpus):
    store, ids = corpus
    assert agreement_document_ids(store) == [ids[0], ids[1], ids[3]]
    docs = list(agreement_documents(store))
    assert [d.id for d in docs] == [ids[0], ids[1], ids[3]]
    assert spans_by_annotator(docs[0]) == {
        "alice": [(0, 12, "Actor"), (45, 51, "Location")],
        "bob": [(0, 7, "Actor"), (45, 51, "Location")],
        "carol": [(45, 51, "Location")],
    }
    assert docs[1].annotations["bob"][0].fragments == ((0, 9), (10, 18))
    # alice is done with no span: she annotated it, every token "O"
    assert spans_by_annotator(docs[2]) == {"alice": [], "bob": [(24, 28, "Location")]}
    assert unit_labels(docs[2], "alice") == ["O"] * len(docs[2])
    assert len(docs[0]) == 11  # the tokens of the text


def test_collection_and_annotator_filters(corpus):
    store, ids = corpus
    assert agreement_document_ids(store, collection="wire") == [ids[0], ids[1]]
    docs = list(agreement_documents(store, annotators=["carol", "bob"]))
    assert [d.id for d in docs] == [ids[0]]
    assert set(docs[0].annotations) == {"bob", "carol"}
    assert agreement_document_ids(store, annotators=["alice"]) == []
    with pytest.raises(AnnotatorError, match="no collection named 'nope'"):
        agreement_document_ids(store, collection="nope")


def test_chunks_read_the_same_documents_in_a_few_queries(corpus, monkeypatch):
    store, _ = corpus
    whole = [(d.id, spans_by_annotator(d)) for d in agreement_documents(store)]
    selects: list[str] = []
    execute = store.db.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        if sql.lstrip().upper().startswith("SELECT"):
            selects.append(sql)
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(store.db, "execute_sql", counting)
    one_by_one = [(d.id, spans_by_annotator(d)) for d in agreement_documents(store, chunk=1)]
    assert one_by_one == whole
    assert len(selects) == 1 + 3 * 3  # the listing, then three queries per chunk
    selects.clear()
    list(agreement_documents(store))
    assert len(selects) == 1 + 3


def test_the_agreement_of_the_stored_annotations(corpus):
    store, _ = corpus
    report = compute_agreement(agreement_documents(store))
    assert report.annotators == ("alice", "bob", "carol")
    assert report.documents == 3
    assert report.labels == ("O", "Actor", "Attack", "Location")
    location = report.pair("alice", "bob").label_spans["Location"]
    assert (location.reference, location.other, location.exact, location.overlap) == (2, 2, 1, 1)
    actor = report.pair("alice", "bob").label_spans["Actor"]
    assert (actor.reference, actor.other, actor.exact, actor.overlap) == (1, 1, 0, 1)
    assert report.pair("alice", "carol").documents == 1


def test_an_empty_corpus_has_no_documents(store):
    assert list(agreement_documents(store)) == []
    assert compute_agreement(agreement_documents(store)).documents == 0
