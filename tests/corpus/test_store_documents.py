"""The store's documents on both engines: exact and near duplicates, collections, metadata,
paging, and Unicode text and spans round-tripping exactly."""

from __future__ import annotations

import pytest

from annotator.document import Span
from annotator.errors import AnnotatorError
from corpus.filters import DocumentFilter
from corpus.store import Store
from tests.corpus.store_articles import ARTICLE, EDITED, OTHER, doc, span_at

# Astral characters (emoji with a skin tone, a ZWJ family, a flag, mathematical letters),
# Arabic with diacritics, decomposed accents and other combining marks.
UNICODE_TEXT = (
    "Drone 🛩️ footage 👍🏽 shows 👨‍👩‍👧‍👦 fleeing; 🇸🇾 flag.\n"
    "قصفت الطائرات المسيّرة مواقع في مدينة حَلَب\n"
    "Cafe\u0301 de\u0301ja\u0300 vu, Z\u0335a\u0336l\u0337g\u0338o; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 𐍈.\n"
)


# -- documents ---------------------------------------------------------------------------------


def test_exact_duplicate_returns_the_first_id(store: Store) -> None:
    first = store.add_document(doc(ARTICLE, title="Jets strike al-Bab"))
    again = store.add_document(doc(ARTICLE, title="Another title, same text"))
    assert not first.duplicate
    assert again.duplicate
    assert again.id == first.id
    assert store.count_documents() == 1
    assert store.document(first.id).title == "Jets strike al-Bab"


def test_near_duplicate_is_flagged_and_a_different_article_is_not(store: Store) -> None:
    original = store.add_document(doc(ARTICLE))
    edited = store.add_document(doc(EDITED))
    other = store.add_document(doc(OTHER))

    assert not edited.duplicate and edited.id != original.id
    assert edited.near_duplicate_of == original.id
    assert 0.7 <= edited.similarity < 1.0
    assert other.near_duplicate_of is None
    assert other.similarity == 0.0
    summaries = {s.id: s for s in store.documents()}
    assert summaries[edited.id].near_duplicate_of == original.id
    assert summaries[original.id].near_duplicate_of is None
    assert summaries[other.id].near_duplicate_of is None
    assert store.stats().near_duplicates == 1


def test_documents_in_several_collections(store: Store) -> None:
    first = store.add_document(doc(ARTICLE), collections=["wire", "syria"]).id
    second = store.add_document(doc(OTHER), collections=["wire"]).id
    assert store.collections_of(first) == ["syria", "wire"]
    assert store.collections_of(second) == ["wire"]

    # A duplicate added to a new collection is not stored again but joins that collection.
    again = store.add_document(doc(ARTICLE), collections=["review"])
    assert again.duplicate and again.id == first
    assert store.collections_of(first) == ["review", "syria", "wire"]

    store.add_to_collection([first, second], "wire")  # already there: no error, no copy
    store.add_to_collection([second], "weather")
    assert store.collections_of(second) == ["weather", "wire"]
    assert store.count_documents(DocumentFilter(collection="wire")) == 2
    assert store.count_documents(DocumentFilter(collection="review")) == 1
    assert store.count_documents(DocumentFilter(collection="nowhere")) == 0
    assert store.stats().collections == {"review": 1, "syria": 1, "weather": 1, "wire": 2}
    assert [s.collections for s in store.documents()] == [
        ("review", "syria", "wire"),
        ("weather", "wire"),
    ]


def test_document_metadata_round_trip(store: Store) -> None:
    meta = {"desk": "Middle East", "tags": ["air", "حلب"], "pages": 3, "wire": True}
    fields = {
        "title": "Jets strike al-Bab",
        "source": "https://example.org/a",
        "author": "Reuters",
        "published": "2017-01-18",
        "language": "en",
        "metadata": meta,
    }
    added = store.add_document(doc(ARTICLE, **fields))
    back = store.document(added.id)
    assert back == doc(ARTICLE, id=added.id, **fields)
    [summary] = store.documents()
    assert (summary.id, summary.title, summary.author, summary.length) == (
        added.id,
        "Jets strike al-Bab",
        "Reuters",
        len(ARTICLE),
    )


def test_documents_pages_in_id_order(store: Store) -> None:
    ids = [store.add_document(doc(f"Article number {i} about item {i * 7}.")).id for i in range(7)]
    assert [s.id for s in store.documents()] == ids
    assert [s.id for s in store.documents(limit=3, offset=2)] == ids[2:5]
    assert store.count_documents() == 7


def test_unknown_document_is_an_error(store: Store) -> None:
    with pytest.raises(AnnotatorError, match="no document with id 999"):
        store.document(999)
    with pytest.raises(AnnotatorError):
        store.add_span(999, "alice", Span(0, 1, "Actor"))


# -- text survives exactly ----------------------------------------------------------------------


def test_unicode_text_and_spans_round_trip_exactly(store: Store) -> None:
    title = "الطائرات 🛩️ e\u0301"
    doc_id = store.add_document(doc(UNICODE_TEXT, title=title, author="مراسل")).id
    back = store.document(doc_id)
    assert back.text.encode("utf-8") == UNICODE_TEXT.encode("utf-8")
    assert back.title.encode("utf-8") == title.encode("utf-8")
    assert back.author == "مراسل"
    # Lengths are counted in code points on both engines, as offsets are.
    [summary] = store.documents()
    assert summary.length == len(UNICODE_TEXT)

    needles = {
        "👨‍👩‍👧‍👦": "Actor",
        "🇸🇾": "Location",
        "🛩️": "WeaponSystem",
        "الطائرات المسيّرة": "WeaponSystem",
        "حَلَب": "Location",
        "de\u0301ja\u0300": "Actor",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 𐍈": "Actor",
        "Z\u0335a\u0336l\u0337g\u0338o": "Actor",
    }
    added = {
        store.add_span(doc_id, "alice", span_at(UNICODE_TEXT, n, lb)): n
        for n, lb in needles.items()
    }
    # The last character is an astral one, so the text's end is a valid span end.
    tail = Span(len(UNICODE_TEXT) - 3, len(UNICODE_TEXT), "Actor")
    added[store.add_span(doc_id, "alice", tail)] = UNICODE_TEXT[-3:]
    for stored in store.spans(doc_id):
        assert stored.span.covered_text(back.text) == added[stored.id]
    assert len(store.spans(doc_id)) == len(needles) + 1
