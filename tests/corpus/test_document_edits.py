"""Document metadata and collection edits, statuses for many documents at once, and listings
sorted and paged by the database, on both engines."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from annotator.document import Document, Span, Status
from annotator.errors import AnnotatorError
from corpus.document_listing import DocumentSummary
from corpus.filters import ORDER_KEYS, DocumentFilter, DocumentOrder
from corpus.store import Store
from tests.corpus.ordered_articles import add_articles, expected_order

TEXT = "Nothing of note happened in the town today, officials said.\n"


def add(
    store: Store,
    title: str,
    *,
    text: str | None = None,
    published: str | None = None,
    source: str | None = None,
    author: str | None = None,
    collections: Sequence[str] = (),
) -> int:
    document = Document(
        text=text or f"{title}: {TEXT}",
        title=title,
        published=published,
        source=source,
        author=author,
    )
    return store.add_document(document, collections=collections).id


def metadata(summary: DocumentSummary) -> tuple[str, str | None, str | None, str | None]:
    return summary.title, summary.author, summary.published, summary.source


# -- metadata -----------------------------------------------------------------------------------


def test_update_document_replaces_the_metadata(store: Store) -> None:
    doc_id = add(store, "Old title", published="2017-01-18", source="Wire", author="Reuters")
    text = store.document(doc_id).text
    store.update_document(
        doc_id, title="  New title ", author="", published="18.01.2016", source=" AFP "
    )
    # Trimmed, blanks stored as none, the date as ISO 8601; the text untouched.
    assert metadata(store.summary(doc_id)) == ("New title", None, "2016-01-18", "AFP")
    assert store.document(doc_id).text == text
    store.update_document(doc_id, title=" ", author="Jane Roe", published=" ", source=None)
    assert metadata(store.summary(doc_id)) == ("", "Jane Roe", None, None)
    store.update_document(doc_id, title="Dated", author=None, published="2017-03", source=None)
    assert store.summary(doc_id).published == "2017-03"


def test_search_finds_the_new_title_and_not_the_old(store: Store) -> None:
    doc_id = add(store, "Zeppelin sighted", text=TEXT)  # the title's words only in the title
    add(store, "Market report", text="Prices rose in the market on Tuesday.\n")
    assert [hit.id for hit in store.search("zeppelin")] == [doc_id]
    store.update_document(
        doc_id, title="Hovercraft spotted", author=None, published=None, source=None
    )
    assert store.search("zeppelin") == []
    hits = store.search("hovercraft")
    assert [(hit.id, hit.title) for hit in hits] == [(doc_id, "Hovercraft spotted")]
    # An edit that leaves the title alone leaves the index right too.
    store.update_document(
        doc_id, title="Hovercraft spotted", author="X", published=None, source=None
    )
    assert [hit.id for hit in store.search("hovercraft")] == [doc_id]
    assert [hit.id for hit in store.search("officials")] == [doc_id]  # the text still indexed


@pytest.mark.parametrize("bad", ["yesterday", "2017-13", "2017-02-30", "12345"])
def test_a_bad_date_is_refused_in_one_line(store: Store, bad: str) -> None:
    doc_id = add(store, "Title", published="2017-01-18", collections=["a"])
    with pytest.raises(AnnotatorError, match="is not a date") as caught:
        store.update_document(
            doc_id, title="Changed", author=None, published=bad, source=None, collections=["b"]
        )
    assert "\n" not in str(caught.value) and bad in str(caught.value)
    summary = store.summary(doc_id)
    assert (summary.title, summary.published, summary.collections) == (
        "Title",
        "2017-01-18",
        ("a",),
    )


def test_metadata_and_collections_are_saved_together_or_not_at_all(store: Store) -> None:
    doc_id = add(store, "Title", collections=["a"])
    with pytest.raises(AnnotatorError, match="at most 200 characters"):
        store.update_document(
            doc_id,
            title="Changed",
            author=None,
            published=None,
            source=None,
            collections=["b", "x" * 201],
        )
    summary = store.summary(doc_id)
    assert (summary.title, summary.collections) == ("Title", ("a",))
    assert store.collection_names() == ["a"]
    store.update_document(
        doc_id, title="Changed", author=None, published=None, source=None, collections=["b"]
    )
    summary = store.summary(doc_id)
    assert (summary.title, summary.collections) == ("Changed", ("b",))


def test_what_a_corpus_cannot_hold_is_refused(store: Store) -> None:
    doc_id = add(store, "Title")
    with pytest.raises(AnnotatorError, match="NUL"):
        store.update_document(doc_id, title="a\x00b", author=None, published=None, source=None)
    with pytest.raises(AnnotatorError, match="NUL"):
        store.set_collections(doc_id, ["a\x00b"])
    with pytest.raises(AnnotatorError, match=f"no document with id {doc_id + 1}"):
        store.update_document(doc_id + 1, title="T", author=None, published=None, source=None)
    with pytest.raises(AnnotatorError, match=f"no document with id {doc_id + 1}"):
        store.set_collections(doc_id + 1, ["a"])
    with pytest.raises(AnnotatorError, match=f"no document with id {doc_id + 1}"):
        store.summary(doc_id + 1)
    assert metadata(store.summary(doc_id)) == ("Title", None, None, None)


# -- collections --------------------------------------------------------------------------------


def test_set_collections_replaces_the_documents_collections(store: Store) -> None:
    doc_id = add(store, "One", collections=["keep", "drop"])
    other = add(store, "Two", collections=["drop"])
    store.set_collections(doc_id, [" keep ", "new", "", "new"])
    assert store.collections_of(doc_id) == ["keep", "new"]
    assert store.collections_of(other) == ["drop"]  # other documents keep theirs
    store.set_collections(doc_id, [])
    assert store.collections_of(doc_id) == []
    assert store.collection_names() == ["drop", "keep", "new"]  # emptied ones are kept
    assert store.count_documents(DocumentFilter(collection="new")) == 0


def test_collection_names_in_case_insensitive_order(store: Store) -> None:
    assert store.collection_names() == []
    add(store, "One", collections=["beta", "Alpha"])
    add(store, "Two", collections=["gamma", "beta"])
    assert store.collection_names() == ["Alpha", "beta", "gamma"]


# -- statuses -----------------------------------------------------------------------------------


def test_statuses_for_many_documents(store: Store) -> None:
    ids = [add(store, f"Doc {i}") for i in range(3)]
    store.set_status(ids[0], "ann", Status.DONE)
    store.set_status(ids[1], "bob", Status.DONE)
    store.add_span(ids[2], "ann", Span(0, 3, "Actor"))
    assert store.statuses_for(ids, "ann") == {
        ids[0]: Status.DONE,
        ids[1]: Status.NEW,
        ids[2]: Status.IN_PROGRESS,
    }
    assert store.statuses_for(ids, "nobody") == dict.fromkeys(ids, Status.NEW)
    assert store.statuses_for([], "ann") == {}
    # More ids than one query takes: read in several.
    many = [ids[-1] + 1000 + i for i in range(1100)] + ids
    found = store.statuses_for(many, "ann")
    assert len(found) == len(many)
    assert (found[ids[0]], found[ids[2]], found[many[0]]) == ("done", "in_progress", "new")


def test_listings_carry_the_annotators_status_when_asked(store: Store) -> None:
    ids = [add(store, f"Doc {i}") for i in range(3)]
    store.set_status(ids[0], "ann", Status.REVIEWED)
    store.set_status(ids[1], "bob", Status.DONE)
    assert [s.status for s in store.documents(annotator="ann")] == ["reviewed", "new", "new"]
    assert [s.status for s in store.documents()] == [None, None, None]
    assert store.summary(ids[0], "ann").status == "reviewed"
    assert store.summary(ids[0]).status is None


# -- order and paging ---------------------------------------------------------------------------


def pages(store: Store, size: int, **options: object) -> list[int]:
    """The ids of a listing read ``size`` at a time, each page resuming after the last."""
    seen: list[int] = []
    after = None
    while True:
        page = list(store.documents(limit=size, after=after, **options))  # type: ignore[arg-type]
        if not page:
            return seen
        seen += [summary.id for summary in page]
        after = page[-1]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", ORDER_KEYS)
def test_listings_sort_and_page_without_gaps_or_repeats(
    store: Store, key: str, descending: bool
) -> None:
    ids = add_articles(store, collection="odd")
    values = {s.id: getattr(s, key) for s in store.documents()}
    want = expected_order(values, descending)
    order = DocumentOrder(key, descending)
    assert [s.id for s in store.documents(order=order)] == want
    for size in (1, 2, 3):
        assert pages(store, size, order=order) == want
        by_offset = [
            s.id
            for start in range(0, len(ids), size)
            for s in store.documents(limit=size, offset=start, order=order)
        ]
        assert by_offset == want
    odd = DocumentFilter(collection="odd")
    kept = set(ids[1::2])
    assert pages(store, 2, order=order, flt=odd) == [i for i in want if i in kept]


def test_orders_that_cannot_be(store: Store) -> None:
    with pytest.raises(AnnotatorError, match="cannot order documents by 'length'"):
        DocumentOrder("length")
    add(store, "One")
    [first] = store.documents()
    with pytest.raises(ValueError, match="either after or offset"):
        store.documents(after=first, offset=1)
