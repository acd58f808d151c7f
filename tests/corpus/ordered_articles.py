"""Articles for tests of the order of listings: titles, dates, sources and authors that tie or
are missing; added to a corpus, and the order a listing sorted by one of them must have."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.document import Document
from corpus.store import Store

# title, published, source, author: ties, and documents without a value. Capitalised words
# only, which every collation orders alike.
ARTICLES = [
    ("Cherry", "2017-01-02", "Wire", "Smith"),
    ("Apple", None, "Agency", None),
    ("Banana", "2017-01-01", None, "Jones"),
    ("Apple", "2017-01-02", "Wire", None),
    ("Damson", None, None, "Smith"),
    ("Elder", "2016-12-31", "Agency", "Adams"),
    ("Banana", "2017-01-03", "Wire", None),
]


def add_articles(
    store: Store,
    articles: Sequence[tuple[str, str | None, str | None, str | None]] = ARTICLES,
    collection: str | None = None,
) -> list[int]:
    """Add ``articles`` (the text of each "TITLE: article N."), every second one in
    ``collection`` when given; their ids."""
    return [
        store.add_document(
            Document(
                text=f"{title}: article {i}.",
                title=title,
                published=day,
                source=source,
                author=author,
            ),
            collections=[collection] if collection is not None and i % 2 else [],
        ).id
        for i, (title, day, source, author) in enumerate(articles)
    ]


def expected_order(values: dict[int, str | None], descending: bool) -> list[int]:
    """Ids by value (code point order, as SQLite compares), ties by id, documents without a
    value last either way."""
    valued = sorted(((v, i) for i, v in values.items() if v is not None), reverse=descending)
    blank = sorted((i for i, v in values.items() if v is None), reverse=descending)
    return [i for _, i in valued] + blank
