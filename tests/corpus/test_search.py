"""Full-text search on both engines: ranking, marked snippets, phrases, exclusions, filters, and
hostile search text that must never raise and must find what its words find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.document import Document, Span, Status
from corpus.filters import DocumentFilter
from corpus.search_query import parse_query
from corpus.store import Store

ARTICLES: dict[str, dict[str, object]] = {
    "drones": {
        "title": "Drone strikes on the border",
        "text": "A drone struck a depot at dawn. Witnesses said a second drone circled overhead "
        "and a third drone hit a fuel truck. Officials said the drone strike would not be "
        "the last.",
        "author": "Reuters",
        "collections": ["wire"],
        "metadata": {"desk": "middle-east"},
    },
    "airforce": {
        "title": "Jets join the campaign",
        "text": "The air force said its jets struck targets near the town, and that one drone "
        "was shot down by its crews.",
        "author": "AFP",
        "collections": ["wire", "syria"],
        "metadata": {"desk": "europe"},
    },
    "ground": {
        "title": "Troops advance",
        "text": "Ground troops used force to enter the town while the air was thick with smoke "
        "from burning tyres.",
        "author": "Reuters",
        "metadata": {"desk": "middle-east"},
    },
    "arabic": {
        "title": "غارات جوية",
        "text": "قصفت الطائرات المسيرة مواقع في مدينة حلب صباح اليوم",
        "author": "مراسل",
    },
    "emoji": {
        "title": "Street protest",
        "text": "Protesters 🔥 burned tyres 🔥 and chanted; the drone's footage 📹 shows the crowd "
        "outside the ministry.",
        "metadata": {"desk": "europe"},
    },
    "weather": {
        "title": "Floods in the valley",
        "text": "Heavy rain flooded the lower valley overnight, and farmers said the harvest "
        "would be late this year.",
    },
}


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    """The search articles added to ``store``: their ids by name."""
    result = {}
    for name, fields in ARTICLES.items():
        fields = dict(fields)
        collections = fields.pop("collections", [])
        added = store.add_document(Document(**fields), collections=collections)  # type: ignore[arg-type]
        assert added.near_duplicate_of is None
        result[name] = added.id
    return result


def found(store: Store, ids: dict[str, int], text: str, **filters: object) -> set[str]:
    """Names of the articles a search for ``text`` finds."""
    names = {v: k for k, v in ids.items()}
    flt = DocumentFilter(**filters) if filters else None  # type: ignore[arg-type]
    return {names[hit.id] for hit in store.search(text, flt)}


# -- what search finds ---------------------------------------------------------------------------


def test_hits_are_ranked_with_marked_snippets(store: Store, ids: dict[str, int]) -> None:
    hits = store.search("drone")
    assert {h.id for h in hits} == {ids["drones"], ids["airforce"], ids["emoji"]}
    assert hits[0].id == ids["drones"]  # five mentions against one
    assert hits[0].title == "Drone strikes on the border"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].score > hits[-1].score
    for hit in hits:
        assert "[drone]" in hit.snippet.lower(), hit.snippet
        # Only hit words are marked.
        assert {m.lower() for m in re.findall(r"\[([^\]]*)\]", hit.snippet)} == {"drone"}


def test_several_words_are_all_required(store: Store, ids: dict[str, int]) -> None:
    assert found(store, ids, "air force") == {"airforce", "ground"}
    assert found(store, ids, "town drone") == {"airforce"}
    [hit] = store.search("jets town")
    assert "[jets]" in hit.snippet and "[town]" in hit.snippet


def test_phrases(store: Store, ids: dict[str, int]) -> None:
    assert found(store, ids, '"air force"') == {"airforce"}
    assert found(store, ids, '"force air"') == set()
    assert found(store, ids, '"drone strike"') == {"drones"}
    assert found(store, ids, '"Ground troops" "burning tyres"') == {"ground"}


def test_excluded_words(store: Store, ids: dict[str, int]) -> None:
    assert found(store, ids, "drone -jets") == {"drones", "emoji"}
    assert found(store, ids, 'drone -"air force"') == {"drones", "emoji"}
    assert found(store, ids, "town -force") == set()
    assert found(store, ids, "tyres -protesters") == {"ground"}
    assert found(store, ids, "-drone") == set()  # nothing required, nothing found


def test_titles_case_and_other_scripts(store: Store, ids: dict[str, int]) -> None:
    assert found(store, ids, "campaign") == {"airforce"}  # only in the title
    assert found(store, ids, "DRONE") == found(store, ids, "drone")
    assert found(store, ids, "Heavy RAIN") == {"weather"}
    assert found(store, ids, "حلب") == {"arabic"}
    assert found(store, ids, "الطائرات المسيرة") == {"arabic"}
    assert found(store, ids, "جوية") == {"arabic"}  # a title word
    [hit] = store.search("حلب")
    assert "[حلب]" in hit.snippet


def test_limit(store: Store, ids: dict[str, int]) -> None:
    [hit] = store.search("drone", limit=1)
    assert hit.id == ids["drones"]
    assert store.search("drone", limit=0) == []


def test_search_with_filters(store: Store, ids: dict[str, int]) -> None:
    assert found(store, ids, "drone", collection="wire") == {"drones", "airforce"}
    assert found(store, ids, "drone", collection="syria") == {"airforce"}
    assert found(store, ids, "drone", collection="nowhere") == set()
    assert found(store, ids, "town", author="Reuters") == {"ground"}
    assert found(store, ids, "town", metadata={"desk": "middle-east"}) == {"ground"}
    assert found(store, ids, "drone", metadata={"desk": "europe"}) == {"airforce", "emoji"}
    assert found(store, ids, "drone", metadata={"desk": "middle-east"}, collection="wire") == {
        "drones"
    }

    text = str(ARTICLES["airforce"]["text"])
    start = text.index("jets")
    store.add_span(ids["airforce"], "alice", Span(start, start + 4, "WeaponSystem"))
    store.set_status(ids["emoji"], "bob", Status.DONE)
    assert found(store, ids, "drone", status=Status.IN_PROGRESS) == {"airforce"}
    assert found(store, ids, "drone", status=Status.DONE) == {"emoji"}
    assert found(store, ids, "drone", status=Status.NEW) == {"drones"}
    assert found(store, ids, "drone", status=Status.NEW, annotator="alice") == {"drones", "emoji"}
    assert found(store, ids, "drone", status=Status.DONE, annotator="alice") == set()


# -- hostile search text -------------------------------------------------------------------------

HOSTILE = [
    '"air force',  # unbalanced quotes
    'air force"',
    '"',
    '""',
    "'",
    "'drone",
    "drone's",
    "air AND force",
    "drone OR NOT force",
    "NOT drone",
    "NEAR(air force)",
    "NEAR(drone, 5)",
    "NEAR",
    "*",
    "drone*",
    "^drone",
    "^",
    ":",
    "title:drone",
    "text:",
    "\\",
    "drone\\",
    ")(",
    "(drone)",
    "{drone} [air]",
    "-",
    "--",
    "- drone",
    "drone -",
    "drone --force",
    "'; DROP TABLE document; --",
    "drone'; DELETE FROM document WHERE '1'='1",
    "%",
    "drone%",
    "_",
    "dr_ne",
    "drone_",
    "%drone_",
    "\x00",
    "drone\x00strike",
    "🔥",
    "drone 🔥📹",
    "tyres🔥",
    "!!!?,,.;;--//@@##$$&&||",
    "حلب",
    '"مدينة حلب"',
    "e\u0301",
    "   ",
    "",
    "\t\n",
    "x" * 10_000,
    " ".join(f"w{i}" for i in range(2_000)),
    "air" + "\u200b" + "force",  # zero-width space inside a word
]

# Words as both engines' tokenizers see them: letters and digits; "_" separates.
_WORD = re.compile(r"[^\W_]+")


def expected(text: str) -> set[str]:
    """What a search for ``text`` must find: the articles holding every wanted phrase and no
    unwanted one, where a phrase is a run of words (as the search box's rules define them)."""
    wanted, unwanted = [], []
    for m in re.finditer(r'(-?)"([^"]*)"?|(-?)([^\s"]+)', text):
        chunk = m.group(2) if m.group(2) is not None else m.group(4)
        if m.group(4) in {"AND", "OR", "NOT", "NEAR"}:
            continue
        words = [w.lower() for w in _WORD.findall(chunk)]
        if words:
            (unwanted if m.group(1) or m.group(3) else wanted).append(words)

    def holds(article: dict[str, object], phrase: list[str]) -> bool:
        for field in ("title", "text"):
            have = [w.lower() for w in _WORD.findall(str(article[field]))]
            n = len(phrase)
            if any(have[i : i + n] == phrase for i in range(len(have) - n + 1)):
                return True
        return False

    if not wanted:
        return set()
    return {
        name
        for name, article in ARTICLES.items()
        if all(holds(article, p) for p in wanted) and not any(holds(article, p) for p in unwanted)
    }


def test_the_reference_answers_are_themselves_right() -> None:
    assert expected('"air force') == {"airforce"}
    assert expected("air AND force") == {"airforce", "ground"}
    assert expected("drone OR NOT force") == {"airforce"}
    assert expected("drone\x00strike") == {"drones"}
    assert expected("drone -") == {"drones", "airforce", "emoji"}
    assert expected("'; DROP TABLE document; --") == set()


def test_hostile_search_text_never_raises(store: Store, ids: dict[str, int]) -> None:
    wrong = {}
    for text in HOSTILE:
        got = found(store, ids, text)
        if got != expected(text):
            wrong[text[:60]] = (sorted(got), sorted(expected(text)))
        # Filters combine with hostile text just as safely.
        found(store, ids, text, collection="wire'--", metadata={"desk'": "x'"})
    assert wrong == {}
    assert store.count_documents() == len(ARTICLES)  # no input reached the SQL
    assert found(store, ids, "drone") == {"drones", "airforce", "emoji"}


def test_lone_surrogates_do_not_raise(store: Store, ids: dict[str, int]) -> None:
    # Text pasted from a broken UTF-16 source may carry unpaired surrogates.
    assert found(store, ids, "drone \ud83d") == {"drones", "airforce", "emoji"}
    assert found(store, ids, "\udc00") == set()


def test_an_underscore_is_not_a_word(store: Store, ids: dict[str, int]) -> None:
    # Both engines' tokenizers split words at "_", so it adds nothing to a search.
    assert found(store, ids, "drone _") == {"drones", "airforce", "emoji"}
    assert found(store, ids, "drone -_") == {"drones", "airforce", "emoji"}


def test_a_long_repetitive_query_is_reduced_to_its_distinct_phrases(
    store: Store, ids: dict[str, int]
) -> None:
    # A paste of 10,000 characters repeating one word; PostgreSQL's ts_headline takes time
    # quadratic in the query's terms, so repeats must not reach the engine.
    query = "drone " * 1_667 + '"air force" "air force" -x -x'
    parsed = parse_query(query)
    assert parsed.required == (("drone",), ("air", "force"))
    assert parsed.excluded == (("x",),)
    assert found(store, ids, "drone " * 1_667) == {"drones", "airforce", "emoji"}


def _sqlite_corpus(path: Path) -> Store:
    return Store.open(str(path))


def test_bulk_indexing_gathers_more_and_finds_what_row_by_row_indexing_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk addition has FTS5 gather up to FTS5_HASHSIZE of entries per segment (a setting
    the corpus keeps); the hits and snippets are those of a corpus indexed one row at a time.
    Should SQLite refuse the setting, indexing goes on without it."""
    from corpus import search

    texts = [
        f"Report {n}: shelling near the {place} market killed {n} people; drone footage "
        f"shows the {place} depot burning."
        for n, place in enumerate(["Aleppo", "Idlib", "Homs", "Hama", "Raqqa"] * 8)
    ]
    bulk, single, refused = (_sqlite_corpus(tmp_path / f"{n}.db") for n in ("b", "s", "r"))
    for store in (bulk, refused):
        if store is refused:
            monkeypatch.setattr(search, "FTS5_HASHSIZE", -1)  # FTS5 refuses a size below 1
        for start in range(0, len(texts), 10):
            with store.bulk():
                for text in texts[start : start + 10]:
                    store.add_document(Document(text=text, title=text[:9]))
    for text in texts:
        single.add_document(Document(text=text, title=text[:9]))
    setting = "SELECT v FROM document_fts_config WHERE k = 'hashsize'"
    assert bulk.db.execute_sql(setting).fetchall() == [(16 * 1024 * 1024,)]
    assert single.db.execute_sql(setting).fetchall() == []
    assert refused.db.execute_sql(setting).fetchall() == []
    for query in ("shelling", "Aleppo depot", '"drone footage"', "market -Homs", "Report 7"):
        expected = single.search(query, limit=50)
        assert expected
        assert bulk.search(query, limit=50) == expected
        assert refused.search(query, limit=50) == expected
    for store in (bulk, single, refused):
        store.close()
