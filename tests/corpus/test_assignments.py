"""Roles and queues on both engines: managers assign documents by hand, round-robin or N to a
document, each annotator's queue lists exactly theirs, and the team list counts their work."""

from __future__ import annotations

import pytest

from annotator.document import Document
from annotator.errors import AnnotatorError
from corpus.filters import DocumentFilter


@pytest.fixture
def six(store):
    return [
        store.add_document(Document(text=f"Report number {i}.", title=f"r{i}")).id for i in range(6)
    ]


def test_round_robin_shares_documents_out_in_turn(store, six):
    assert store.assign(six, ["alice", "bob", "carol"], per_document=1) == 6
    assert store.queue("alice") == [six[0], six[3]]
    assert store.queue("bob") == [six[1], six[4]]
    assert store.queue("carol") == [six[2], six[5]]


def test_two_annotators_per_document_overlap_evenly(store, six):
    assert store.assign(six, ["alice", "bob", "carol"], per_document=2) == 12
    queues = {name: store.queue(name) for name in ("alice", "bob", "carol")}
    assert sorted(len(q) for q in queues.values()) == [4, 4, 4]
    for doc_id in six:
        assert len(store.assignees(doc_id)) == 2


def test_assignment_by_hand_and_again_adds_nothing(store, six):
    assert store.assign(six[:2], ["alice"]) == 2
    assert store.assign(six[:3], ["alice"]) == 1  # the first two are hers already
    assert store.queue("alice") == six[:3]
    assert store.queue("bob") == []


def test_unassigning_empties_a_queue_but_keeps_the_annotations(store, six):
    from annotator.document import Span

    store.assign(six, ["alice", "bob"])
    store.add_span(six[0], "alice", Span(0, 6, "Actor"))
    assert store.unassign(six[:1], ["alice"]) == 1
    assert six[0] not in store.queue("alice")
    assert six[0] in store.queue("bob")
    assert len(store.spans(six[0], "alice")) == 1
    assert store.unassign(six) == 11


def test_the_browser_filter_keeps_a_queue(store, six):
    store.assign(six[2:4], ["alice"])
    kept = [s.id for s in store.documents(DocumentFilter(assigned_to="alice"))]
    assert kept == six[2:4]


def test_members_count_assigned_and_finished_work(store, six):
    store.set_role("carol", "curator")
    store.assign(six[:3], ["alice"])
    store.set_status(six[0], "alice", "done")
    store.set_status(six[1], "alice", "in_progress")
    store.set_status(six[5], "alice", "done")  # done, but not in her queue
    members = {m.name: m for m in store.members()}
    assert (members["alice"].role, members["alice"].assigned, members["alice"].done) == (
        "annotator",
        3,
        1,
    )
    assert members["carol"].role == "curator"
    assert store.role("carol") == "curator"
    assert store.role("nobody") == "annotator"


def test_bad_requests_are_refused_with_the_reason(store, six):
    with pytest.raises(AnnotatorError, match="unknown role 'boss'"):
        store.set_role("alice", "boss")
    with pytest.raises(AnnotatorError, match="1 to 2 of the annotators"):
        store.assign(six, ["alice", "bob"], per_document=3)
    with pytest.raises(AnnotatorError, match="no document with id 999"):
        store.assign([999], ["alice"])
    with pytest.raises(AnnotatorError, match="at least one annotator"):
        store.assign(six, [" "])
    assert store.queue("alice") == []


def test_blindness_is_a_corpus_setting(store):
    assert store.blind()
    store.set_blind(False)
    assert not store.blind()
