"""The store on both engines: documents and duplicates, collections, spans and their checks,
relations, events, statuses, exact Unicode round trips, schema versions, statistics, threads and
the corpus's own schema version."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from annotator.document import Document, Event, Relation, Span, Status
from annotator.errors import AnnotatorError
from annotator.schema_yaml import load_schema_text
from corpus import migrations
from corpus.db import database
from corpus.filters import DocumentFilter
from corpus.models import CorpusMeta, EventRole
from corpus.models import Span as SpanRow
from corpus.resources import shipped_schema
from corpus.store import Store

ARTICLE = (
    "Russia said its air force had joined Turkish jets for the first time on Wednesday to "
    "target militants holding the town of al-Bab in northern Syria, evidence of increasingly "
    "close co-operation between Moscow and Ankara. Russia and Turkey are the main organisers of "
    "a new round of peace talks due to take place in Kazakhstan later this month and have set "
    "aside their differences over the political fate of the president to try to forge a wider "
    "deal. A senior defence ministry official said nine Russian and eight Turkish jets had "
    "together struck targets in al-Bab, which is located about forty kilometres northeast of "
    "Aleppo. The official said the assessment of the initial results of the strikes showed the "
    "joint activity of the air groups was highly effective. Turkish officials said three "
    "civilians were killed and eleven were wounded when shells hit a market in the town on "
    "Tuesday, and that the army would press on until the town was taken."
)
# The same wire copy, lightly edited by another outlet.
EDITED = (
    ARTICLE.replace("Wednesday", "Thursday")
    .replace("highly effective", "very effective")
    .replace("eleven", "twelve")
)
OTHER = (
    "Heavy rain flooded the lower valley overnight, and farmers said the harvest of apples and "
    "pears would be late this year. The regional council opened two schools as shelters and "
    "asked residents to boil drinking water until the pumping station is repaired next week."
)
# Astral characters (emoji with a skin tone, a ZWJ family, a flag, mathematical letters),
# Arabic with diacritics, decomposed accents and other combining marks.
UNICODE_TEXT = (
    "Drone 🛩️ footage 👍🏽 shows 👨‍👩‍👧‍👦 fleeing; 🇸🇾 flag.\n"
    "قصفت الطائرات المسيّرة مواقع في مدينة حَلَب\n"
    "Cafe\u0301 de\u0301ja\u0300 vu, Z\u0335a\u0336l\u0337g\u0338o; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚 𐍈.\n"
)


def doc(text: str, **meta: object) -> Document:
    return Document(text=text, **meta)  # type: ignore[arg-type]


def span_at(text: str, needle: str, label: str, **attributes: object) -> Span:
    """A ``label`` span over the first ``needle`` in ``text``."""
    start = text.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


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
    added = store.add_document(
        doc(
            ARTICLE,
            title="Jets strike al-Bab",
            source="https://example.org/a",
            author="Reuters",
            published="2017-01-18",
            language="en",
            metadata=meta,
        )
    )
    back = store.document(added.id)
    assert back == doc(
        ARTICLE,
        id=added.id,
        title="Jets strike al-Bab",
        source="https://example.org/a",
        author="Reuters",
        published="2017-01-18",
        language="en",
        metadata=meta,
    )
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


# -- spans ---------------------------------------------------------------------------------------


def test_span_add_update_delete_keep_ids(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    russia = span_at(ARTICLE, "Russia", "Actor", category="state_force")
    jets = span_at(ARTICLE, "jets", "WeaponSystem", category="aircraft")
    russia_id = store.add_span(doc_id, "alice", russia)
    jets_id = store.add_span(doc_id, "alice", jets)
    assert russia_id != jets_id
    assert [(s.id, s.span) for s in store.spans(doc_id)] == [(russia_id, russia), (jets_id, jets)]

    moved = Span(jets.start, jets.end + 1, "WeaponSystem", {"category": "other"}, note="sic")
    store.update_span(jets_id, moved)
    [_, stored] = store.spans(doc_id)
    assert (stored.id, stored.span, stored.annotator) == (jets_id, moved, "alice")
    assert stored.updated_at >= stored.created_at

    store.delete_span(russia_id)
    assert [(s.id, s.span) for s in store.spans(doc_id)] == [(jets_id, moved)]
    with pytest.raises(AnnotatorError, match="no span"):
        store.update_span(russia_id, russia)


def test_spans_are_per_annotator_in_text_order(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    late = store.add_span(doc_id, "bob", span_at(ARTICLE, "Ankara", "Actor"))
    early = store.add_span(doc_id, "alice", span_at(ARTICLE, "Moscow", "Actor"))
    earliest = store.add_span(doc_id, "bob", span_at(ARTICLE, "Russia", "Actor"))
    assert [s.id for s in store.spans(doc_id)] == [earliest, early, late]
    assert [s.id for s in store.spans(doc_id, "bob")] == [earliest, late]
    assert [s.annotator for s in store.spans(doc_id)] == ["bob", "alice", "bob"]
    assert store.spans(doc_id, "carol") == []


BAD_SPANS = {
    "past the end": Span(len(ARTICLE) - 2, len(ARTICLE) + 1, "Actor"),
    "far past the end": Span(len(ARTICLE) + 10, len(ARTICLE) + 20, "Actor"),
    "unknown label": Span(0, 6, "Person"),
    "unknown attribute": Span(0, 6, "Actor", {"colour": "red"}),
    "enum value": Span(0, 6, "Actor", {"category": "army"}),
    "enum given a number": Span(0, 6, "Actor", {"category": 3}),
    "float given text": Span(0, 6, "Location", {"latitude": "north"}),
    "float out of range": Span(0, 6, "Location", {"latitude": 90.5}),
    "float below range": Span(0, 6, "Location", {"longitude": -180.01}),
    "integer given a float": Span(0, 6, "Casualty", {"count": 2.5}),
    "integer given a bool": Span(0, 6, "Casualty", {"count": True}),
    "integer below minimum": Span(0, 6, "Casualty", {"count": -1}),
    "integer id below minimum": Span(0, 6, "Location", {"geonames_id": 0}),
}


@pytest.mark.parametrize("bad", BAD_SPANS.values(), ids=BAD_SPANS.keys())
def test_invalid_spans_are_refused_and_nothing_is_stored(store: Store, bad: Span) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    with pytest.raises(AnnotatorError):
        store.add_span(doc_id, "alice", bad)
    assert store.spans(doc_id) == []
    assert store.status(doc_id, "alice") == Status.NEW
    assert store.stats().spans == 0

    # Nor can an existing span be changed into it.
    good = span_at(ARTICLE, "Russia", "Actor", category="state_force")
    span_id = store.add_span(doc_id, "alice", good)
    with pytest.raises(AnnotatorError):
        store.update_span(span_id, bad)
    assert [(s.id, s.span) for s in store.spans(doc_id)] == [(span_id, good)]
    assert SpanRow.get_by_id(span_id).version == 1


def test_valid_attributes_round_trip(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    where = span_at(
        ARTICLE, "al-Bab", "Location", type="city", latitude=36.37, longitude=37.52, geonames_id=1
    )
    dead = span_at(ARTICLE, "three", "Casualty", count=3, kind="killed", group="civilian")
    for span in (where, dead):
        store.add_span(doc_id, "alice", span)
    stored = {s.span.label: s.span for s in store.spans(doc_id)}
    assert stored == {"Location": where, "Casualty": dead}
    assert isinstance(stored["Casualty"].attributes["count"], int)
    assert isinstance(stored["Location"].attributes["latitude"], float)


def test_deleting_a_span_deletes_its_relations_and_event_roles(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    russia = store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    jets = store.add_span(doc_id, "alice", span_at(ARTICLE, "jets", "WeaponSystem"))
    town = store.add_span(doc_id, "alice", span_at(ARTICLE, "al-Bab", "Location"))
    struck = store.add_span(doc_id, "alice", span_at(ARTICLE, "struck", "Attack"))
    uses = store.add_relation(Relation("uses", russia, jets))
    at = store.add_relation(Relation("located_at", struck, town))
    attack = store.add_event(
        Event("Attack", struck, (("attacker", russia), ("instrument", jets), ("place", town)))
    )

    store.delete_span(jets)
    assert [r.id for r in store.relations(doc_id)] == [at]
    [event] = store.events(doc_id)
    assert event.id == attack
    assert event.event.roles == (("attacker", russia), ("place", town))
    assert EventRole.select().where(EventRole.span == jets).count() == 0

    # Deleting the trigger deletes the event with its roles, and its relations.
    store.delete_span(struck)
    assert store.events(doc_id) == []
    assert EventRole.select().count() == 0
    assert store.relations(doc_id) == []
    assert uses not in [r.id for r in store.relations(doc_id)]
    assert [s.id for s in store.spans(doc_id)] == [russia, town]


def test_status_goes_from_new_to_in_progress_on_the_first_span(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    assert store.status(doc_id, "alice") == Status.NEW
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    assert store.status(doc_id, "alice") == Status.IN_PROGRESS
    assert store.status(doc_id, "bob") == Status.NEW

    store.set_status(doc_id, "alice", Status.DONE)
    assert store.status(doc_id, "alice") == Status.DONE
    # Later spans do not reopen finished work.
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Ankara", "Actor"))
    assert store.status(doc_id, "alice") == Status.DONE

    store.set_status(doc_id, "bob", Status.REVIEWED)
    assert store.status(doc_id, "bob") == Status.REVIEWED
    assert store.spans(doc_id, "bob") == []


def test_unknown_status_is_refused(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    with pytest.raises(AnnotatorError, match="unknown status 'finished'"):
        store.set_status(doc_id, "alice", "finished")
    assert store.status(doc_id, "alice") == Status.NEW
    with pytest.raises(AnnotatorError, match="no document"):
        store.set_status(12345, "alice", Status.DONE)
    with pytest.raises(AnnotatorError, match="needs a name"):
        store.set_status(doc_id, "  ", Status.DONE)
    # A refused change leaves the connection usable (PostgreSQL aborts a failed transaction).
    store.set_status(doc_id, "alice", Status.DONE)
    assert store.status(doc_id, "alice") == Status.DONE


def test_relation_labels_are_enforced(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    russia = store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    jets = store.add_span(doc_id, "alice", span_at(ARTICLE, "jets", "WeaponSystem"))
    syria = store.add_span(doc_id, "alice", span_at(ARTICLE, "Syria", "Location"))
    bobs = store.add_span(doc_id, "bob", span_at(ARTICLE, "Moscow", "Actor"))

    uses = store.add_relation(Relation("uses", russia, jets))
    at = store.add_relation(Relation("located_at", jets, syria))  # head "*" takes any label
    with pytest.raises(AnnotatorError, match="cannot link Location to Actor"):
        store.add_relation(Relation("uses", syria, russia))
    with pytest.raises(AnnotatorError, match="cannot link WeaponSystem to Actor"):
        store.add_relation(Relation("uses", jets, russia))
    with pytest.raises(AnnotatorError, match="not in the schema"):
        store.add_relation(Relation("owns", russia, jets))
    with pytest.raises(AnnotatorError, match="one annotator"):
        store.add_relation(Relation("uses", bobs, jets))
    with pytest.raises(AnnotatorError, match="no span"):
        store.add_relation(Relation("uses", russia, 99999))

    assert store.relations(doc_id) == store.relations(doc_id, "alice")
    assert [(r.id, r.relation) for r in store.relations(doc_id)] == [
        (uses, Relation("uses", russia, jets)),
        (at, Relation("located_at", jets, syria)),
    ]
    assert store.relations(doc_id, "bob") == []


def test_event_trigger_and_role_labels_are_enforced(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    russia = store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    jets = store.add_span(doc_id, "alice", span_at(ARTICLE, "jets", "WeaponSystem"))
    town = store.add_span(doc_id, "alice", span_at(ARTICLE, "al-Bab", "Location"))
    struck = store.add_span(doc_id, "alice", span_at(ARTICLE, "struck", "Attack"))
    bobs = store.add_span(doc_id, "bob", span_at(ARTICLE, "Moscow", "Actor"))

    refused = {
        "must be a Attack span": Event("Attack", russia, (("attacker", russia),)),
        "takes WeaponSystem, not Location": Event("Attack", struck, (("instrument", town),)),
        "takes Location, not Actor": Event("Attack", struck, (("place", russia),)),
        "has no role 'weapon'": Event("Attack", struck, (("weapon", jets),)),
        "not in the schema": Event("Bombing", struck),
        "same annotator": Event("Attack", struck, (("attacker", bobs),)),
    }
    for message, event in refused.items():
        with pytest.raises(AnnotatorError, match=message):
            store.add_event(event)
    assert store.events(doc_id) == []

    roles = (("attacker", russia), ("target", town), ("instrument", jets), ("place", town))
    event_id = store.add_event(Event("Attack", struck, roles))
    [stored] = store.events(doc_id)
    assert (stored.id, stored.annotator, stored.event) == (
        event_id,
        "alice",
        Event("Attack", struck, roles),
    )
    assert store.events(doc_id, "bob") == []


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


# -- schema, statistics --------------------------------------------------------------------------


def test_schema_versions(store: Store) -> None:
    conflict = shipped_schema()
    assert store.has_schema()
    assert store.schema() == conflict
    first = store.stats().schema_version

    ner = shipped_schema("conll-ner")
    second = store.set_schema(ner)
    assert first is not None and second > first
    assert store.schema() == ner
    history = store.schema_history()
    assert [(h["version"], h["name"]) for h in history] == [
        (first, "conflict"),
        (second, "conll-ner"),
    ]
    assert history[0]["created_at"] <= history[1]["created_at"]

    # Spans are checked against the schema in force.
    doc_id = store.add_document(doc(ARTICLE)).id
    with pytest.raises(AnnotatorError, match="not in schema 'conll-ner'"):
        store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "LOC"))

    with pytest.raises(AnnotatorError, match="does not describe"):
        store.set_schema(conflict, "name: other\nlabels: [{name: X, color: '#000000'}]\n")
    assert len(store.schema_history()) == 2


def test_a_corpus_without_a_schema_says_so(tmp_path: Path) -> None:
    bare = Store.open(str(tmp_path / "bare.db"))
    try:
        assert bare.created
        assert not bare.has_schema()
        with pytest.raises(AnnotatorError, match="no schema yet"):
            bare.schema()
        assert bare.stats().schema is None
    finally:
        bare.close()


def test_stats_figures(store: Store) -> None:
    a = store.add_document(doc(ARTICLE), collections=["wire"]).id
    store.add_document(doc(EDITED), collections=["wire", "syria"])
    c = store.add_document(doc(OTHER)).id
    russia = store.add_span(a, "alice", span_at(ARTICLE, "Russia", "Actor"))
    jets = store.add_span(a, "alice", span_at(ARTICLE, "jets", "WeaponSystem"))
    struck = store.add_span(a, "alice", span_at(ARTICLE, "struck", "Attack"))
    store.add_span(a, "bob", span_at(ARTICLE, "Turkey", "Actor"))
    store.add_relation(Relation("uses", russia, jets))
    store.add_event(Event("Attack", struck, (("attacker", russia),)))
    store.set_status(c, "carol", Status.DONE)
    store.set_status(a, "bob", Status.REVIEWED)

    stats = store.stats()
    assert stats.documents == 3
    assert stats.near_duplicates == 1
    assert stats.collections == {"syria": 1, "wire": 2}
    # Sets: alice in progress on a, bob reviewed a, carol done c; b was never opened.
    assert stats.statuses == {
        Status.NEW: 1,
        Status.IN_PROGRESS: 1,
        Status.DONE: 1,
        Status.REVIEWED: 1,
        Status.LOCKED: 0,
    }
    assert stats.annotators == {"alice": 3, "bob": 1, "carol": 0}
    assert stats.labels == {"Actor": 2, "Attack": 1, "WeaponSystem": 1}
    assert (stats.spans, stats.relations, stats.events) == (4, 1, 1)
    assert stats.schema == "conflict"
    assert stats.schema_version == store.schema_history()[-1]["version"]


# -- threads, reopening, the corpus's schema version ---------------------------------------------


def test_a_worker_thread_writes_through_its_own_connection(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for needle in ("Russia", "Turkey", "Moscow"):
                store.add_span(doc_id, "worker", span_at(ARTICLE, needle, "Actor"))
            store.add_document(doc(OTHER), collections=["from-thread"])
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            store.close()  # this thread's connection only

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive() and errors == []
    assert len(store.spans(doc_id, "worker")) == 3
    assert store.count_documents(DocumentFilter(collection="from-thread")) == 1
    assert store.status(doc_id, "worker") == Status.IN_PROGRESS


def test_reopening_keeps_the_corpus(store: Store) -> None:
    doc_id = store.add_document(doc(ARTICLE)).id
    store.add_span(doc_id, "alice", span_at(ARTICLE, "Russia", "Actor"))
    store.close()
    again = Store.open(store.url)
    try:
        assert not again.created
        assert store.created
        assert again.document(doc_id).text == ARTICLE
        assert len(again.spans(doc_id)) == 1
        assert migrations.schema_version(again.db) == migrations.LATEST
    finally:
        again.close()


def test_a_corpus_newer_than_the_app_is_refused(store: Store) -> None:
    CorpusMeta.update(value=str(migrations.LATEST + 1)).where(
        CorpusMeta.key == migrations.VERSION_KEY
    ).execute()
    newer = f"schema version {migrations.LATEST + 1}, newer than this app knows"
    with pytest.raises(AnnotatorError, match=newer):
        migrations.ensure_schema(store.db)
    store.close()
    with pytest.raises(AnnotatorError, match="upgrade the app"):
        Store.open(store.url)
    database.obj.close()  # the refused corpus's connection stays bound


def test_span_ends_are_checked_in_code_points_after_astral_characters(store: Store) -> None:
    # Four astral characters: 4 code points, 8 UTF-16 units, 16 UTF-8 bytes.
    text = "𝐀👍🏽🇸"
    doc_id = store.add_document(Document(text=text, title="astral")).id
    assert store.document_length(doc_id) == len(text) == 4
    span_id = store.add_span(doc_id, "alice", Span(0, len(text), "Actor"))
    with pytest.raises(AnnotatorError, match="runs past the end"):
        store.add_span(doc_id, "alice", Span(0, len(text) + 1, "Actor"))
    with pytest.raises(AnnotatorError, match="runs past the end"):
        store.update_span(span_id, Span(1, len(text) + 1, "Actor"))
    with pytest.raises(AnnotatorError, match="no document with id"):
        store.add_span(doc_id + 99, "alice", Span(0, 1, "Actor"))


def test_a_newer_schema_version_replaces_the_parsed_one(store: Store) -> None:
    # schema() parses once per version; set_schema does not touch that cache, so the newer
    # version is found the way another process's would be.
    assert store.schema().name == "conflict"
    other = load_schema_text("name: other\nlabels:\n  - name: PER\n    color: '#123456'\n")
    store.set_schema(other)
    assert store.schema().name == "other"
