"""Discontinuous spans (brat's "5 7;9 10"): the domain checks their fragments, and the store
keeps them through adding, reading, editing, deleting and restoring, on both engines."""

from __future__ import annotations

import pytest

from annotator.document import Document, Span
from corpus.store import Store

TEXT = "Turkish and Russian jets struck al-Bab."


def test_fragments_must_be_in_order_apart_and_match_the_ends() -> None:
    span = Span(0, 19, "Actor", fragments=((0, 7), (12, 19)))
    assert span.pieces() == ((0, 7), (12, 19))
    assert Span(0, 7, "Actor").pieces() == ((0, 7),)
    assert span != Span(0, 19, "Actor")
    for bad in (
        ((0, 7),),
        ((0, 7), (5, 19)),
        ((0, 7), (7, 19)),
        ((1, 7), (12, 19)),
        ((0, 7), (12, 18)),
    ):
        with pytest.raises(ValueError):
            Span(0, 19, "Actor", fragments=bad)


def test_the_store_keeps_fragments_through_every_step(store: Store) -> None:
    doc_id = store.add_document(Document(text=TEXT)).id
    span = Span(0, 24, "WeaponSystem", fragments=((0, 7), (20, 24)))  # "Turkish … jets"
    span_id = store.add_span(doc_id, "alice", span)
    [stored] = store.spans(doc_id)
    assert stored.span == span
    assert [TEXT[a:b] for a, b in stored.span.pieces()] == ["Turkish", "jets"]
    moved = Span(0, 24, "WeaponSystem", fragments=((0, 7), (12, 24)))
    store.update_span(span_id, moved)
    assert store.spans(doc_id)[0].span == moved
    state = store.span_state(span_id)
    store.delete_span(span_id)
    store.restore_span(state)
    assert store.spans(doc_id)[0].span == moved
    [again] = store.add_spans(doc_id, "alice", [Span(12, 24, "WeaponSystem")])
    assert store.spans(doc_id)[1].span.fragments == ()
    assert again
