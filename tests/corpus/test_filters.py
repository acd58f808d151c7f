"""Document filters on both engines: statuses (one annotator's or anyone's, and "new" for what
nobody opened), published date ranges, author, language, metadata and collections."""

from __future__ import annotations

import pytest

from annotator.document import Document, Span, Status
from annotator.errors import AnnotatorError
from corpus.filters import DocumentFilter
from corpus.store import Store


def add(store: Store, text: str, **fields: object) -> int:
    collections = fields.pop("collections", ())
    document = Document(text=text, **fields)  # type: ignore[arg-type]
    return store.add_document(document, collections=collections).id  # type: ignore[arg-type]


def kept(store: Store, **filters: object) -> list[int]:
    """Ids of the documents the filter keeps, checked to agree with the count of them."""
    flt = DocumentFilter(**filters)  # type: ignore[arg-type]
    ids = [summary.id for summary in store.documents(flt)]
    assert store.count_documents(flt) == len(ids)
    return ids


def start_work(store: Store, doc_id: int, annotator: str) -> None:
    text = store.document(doc_id).text
    store.add_span(doc_id, annotator, Span(0, text.index(" "), "Actor"))


@pytest.fixture
def worked(store: Store) -> dict[str, int]:
    """Three documents: alice started ``a``, bob finished ``b``, nobody opened ``c``."""
    ids = {
        "a": add(store, "Rebels shelled the airport on Monday night."),
        "b": add(store, "Police dispersed the crowd with tear gas."),
        "c": add(store, "Talks resume in Geneva next week, officials said."),
    }
    start_work(store, ids["a"], "alice")
    store.set_status(ids["b"], "bob", Status.DONE)
    return ids


def test_new_includes_documents_nobody_opened(store: Store, worked: dict[str, int]) -> None:
    a, b, c = worked["a"], worked["b"], worked["c"]
    assert kept(store, status=Status.NEW) == [c]
    # For one annotator, what they have not opened is new to them.
    assert kept(store, status=Status.NEW, annotator="alice") == [b, c]
    assert kept(store, status=Status.NEW, annotator="bob") == [a, c]
    assert kept(store, status=Status.NEW, annotator="nobody-yet") == [a, b, c]
    # A set only opened (new and empty) starts nothing: b is done by bob and no one's new.
    store.set_status(b, "carol", Status.NEW)
    assert kept(store, status=Status.NEW) == [c]
    assert kept(store, status=Status.NEW, annotator="carol") == [a, b, c]
    assert kept(store, status=Status.DONE) == [b]
    # A set put back to "new" that holds work counts as new.
    start_work(store, b, "carol")
    store.set_status(b, "carol", Status.NEW)
    assert kept(store, status=Status.NEW) == [b, c]
    assert kept(store, status=Status.NEW, annotator="carol") == [a, b, c]
    assert kept(store, status=Status.NEW, annotator="alice") == [b, c]


def test_status_of_one_annotator_or_of_anyone(store: Store, worked: dict[str, int]) -> None:
    a, b = worked["a"], worked["b"]
    assert kept(store, status=Status.IN_PROGRESS) == [a]
    assert kept(store, status=Status.IN_PROGRESS, annotator="alice") == [a]
    assert kept(store, status=Status.IN_PROGRESS, annotator="bob") == []
    assert kept(store, status=Status.DONE) == [b]
    assert kept(store, status=Status.DONE, annotator="alice") == []
    assert kept(store, status=Status.REVIEWED) == []

    store.set_status(a, "bob", Status.DONE)
    assert kept(store, status=Status.DONE) == [a, b]
    assert kept(store, status=Status.DONE, annotator="bob") == [a, b]
    assert kept(store, status=Status.IN_PROGRESS) == [a]  # alice is still at it
    store.set_status(a, "alice", Status.LOCKED)
    assert kept(store, status=Status.IN_PROGRESS) == []
    assert kept(store, status=Status.LOCKED, annotator="alice") == [a]


def test_unknown_status_is_an_error(store: Store, worked: dict[str, int]) -> None:
    flt = DocumentFilter(status="finished")
    with pytest.raises(AnnotatorError, match="unknown status 'finished'"):
        store.count_documents(flt)
    with pytest.raises(AnnotatorError, match="unknown status"):
        list(store.documents(flt))
    with pytest.raises(AnnotatorError, match="unknown status"):
        store.search("talks", flt)
    with pytest.raises(AnnotatorError, match="unknown status"):
        store.count_documents(DocumentFilter(status="NEW", annotator="alice"))


@pytest.fixture
def dated(store: Store) -> dict[str, int]:
    """Documents published at various times, written as ISO text of various precision."""
    stamps = {
        "mar4-late": "2024-03-04T23:59:59+02:00",
        "mar5": "2024-03-05",
        "mar5-morning": "2024-03-05T10:00:00",
        "mar5-evening": "2024-03-05T22:15:00Z",
        "mar6": "2024-03-06",
        "mar31": "2024-03-31",
        "apr1": "2024-04-01T00:00:00",
        "2023": "2023-12-31",
        "undated": None,
    }
    return {
        name: add(store, f"Report {name} about the front line.", published=stamp)
        for name, stamp in stamps.items()
    }


def names(ids: dict[str, int], kept_ids: list[int]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[i] for i in kept_ids}


def test_published_date_range(store: Store, dated: dict[str, int]) -> None:
    def between(start: str | None, end: str | None) -> set[str]:
        return names(dated, kept(store, published_from=start, published_to=end))

    # A range takes whole days: everything published on its last day, whatever the time.
    assert between("2024-03-05", "2024-03-05") == {"mar5", "mar5-morning", "mar5-evening"}
    assert between("2024-03-04", "2024-03-04") == {"mar4-late"}
    assert between("2024-03-05", "2024-03-06") == {"mar5", "mar5-morning", "mar5-evening", "mar6"}
    assert between("2024-03-06", None) == {"mar6", "mar31", "apr1"}
    assert between(None, "2024-03-04") == {"2023", "mar4-late"}
    # A month or a year as the end takes the whole of it.
    assert between("2024-03-05", "2024-03") == {
        "mar5",
        "mar5-morning",
        "mar5-evening",
        "mar6",
        "mar31",
    }
    assert between("2024", "2024") == set(dated) - {"2023", "undated"}
    assert between("2024-03-07", "2024-03-30") == set()
    assert between("2024-03-06", "2024-03-05") == set()
    # Documents without a date are kept only when no range is asked for.
    assert between(None, None) == set(dated)
    assert len(store.search("report", DocumentFilter(published_to="2024-03-05"))) == 5


def test_author_language_and_collection(store: Store) -> None:
    a = add(store, "Shelling hit the port city.", author="Reuters", language="en")
    b = add(store, "Le port a été bombardé.", author="AFP", language="fr", collections=["fr"])
    c = add(store, "Der Hafen wurde beschossen.", author="AFP", language="de", collections=["fr"])
    assert kept(store, author="AFP") == [b, c]
    assert kept(store, author="afp") == []  # exact, on both engines
    assert kept(store, language="fr") == [b]
    assert kept(store, author="AFP", language="de") == [c]
    assert kept(store, collection="fr", language="fr") == [b]
    assert kept(store, author="Reuters", collection="fr") == []
    assert kept(store) == [a, b, c]


def test_metadata_values_by_key(store: Store) -> None:
    a = add(
        store,
        "The first report from the north.",
        metadata={"desk": "world", "pages": 3, "wire": True, "a.b": "dotted", "o'key": "quoted"},
    )
    b = add(store, "The second report from the south.", metadata={"desk": "local", "pages": "3"})
    c = add(store, "The third report, undated and bare.")
    assert kept(store, metadata={"desk": "world"}) == [a]
    assert kept(store, metadata={"desk": "World"}) == []
    # A number and the same digits as text are different values.
    assert kept(store, metadata={"pages": 3}) == [a]
    assert kept(store, metadata={"pages": "3"}) == [b]
    assert kept(store, metadata={"wire": True}) == [a]
    assert kept(store, metadata={"wire": False}) == []
    # Keys are keys, not paths, whatever they hold.
    assert kept(store, metadata={"a.b": "dotted"}) == [a]
    assert kept(store, metadata={"o'key": "quoted"}) == [a]
    assert kept(store, metadata={"missing": "x"}) == []
    assert kept(store, metadata={"desk": "world", "pages": 3}) == [a]
    assert kept(store, metadata={"desk": "world", "pages": "3"}) == []
    assert c not in kept(store, metadata={"desk": "local"})


def test_filters_combine(store: Store, worked: dict[str, int]) -> None:
    d = add(
        store,
        "Rebels shelled the airport again on Tuesday.",
        author="Reuters",
        published="2024-05-02",
        collections=["airport"],
        metadata={"desk": "world"},
    )
    store.add_to_collection([worked["a"]], "airport")
    assert kept(store, collection="airport") == [worked["a"], d]
    assert kept(store, collection="airport", status=Status.NEW) == [d]
    assert kept(store, collection="airport", status=Status.NEW, annotator="bob") == [
        worked["a"],
        d,
    ]
    assert kept(
        store,
        collection="airport",
        status=Status.NEW,
        author="Reuters",
        published_from="2024-05-01",
        published_to="2024-05-02",
        metadata={"desk": "world"},
    ) == [d]
