"""Spans given by the words they cover, and a small annotated corpus, for tests that build one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.document import Document, Span

if TYPE_CHECKING:
    from corpus.store import Store


def at(text: str, needle: str, label: str, occurrence: int = 0, **attributes: Any) -> Span:
    """The span labelled ``label`` over the ``occurrence``-th ``needle`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle), label, attributes)


def two_annotated_documents(
    store: Store, one: str, two: str, alice: tuple[list[Span], list[Span]], bob: list[Span]
) -> dict[str, int]:
    """Documents "one" (titled "Jets strike al-Bab", in the collection syria) and "two" ("قصف
    على حلب") of texts ``one`` and ``two``: alice's spans on each, bob's on the first; their
    ids by name."""
    first = store.add_document(Document(text=one, title="Jets strike al-Bab"), ["syria"]).id
    second = store.add_document(Document(text=two, title="قصف على حلب")).id
    store.add_annotation_set(first, "alice", alice[0])
    store.add_annotation_set(second, "alice", alice[1])
    store.add_annotation_set(first, "bob", bob)
    return {"one": first, "two": second}
