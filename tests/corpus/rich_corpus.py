"""A small corpus holding every kind of data a corpus can hold, and a snapshot of everything the
store can tell about a corpus, to compare a corpus with its copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.document import Document, Event, Relation, Span, Status
from annotator.suggest.model import Suggestion
from corpus.models import Annotator as AnnotatorRow
from corpus.models import Document as DocumentRow
from corpus.models import DocumentBand, EventRole
from corpus.models import Event as EventRow
from corpus.models import Relation as RelationRow
from corpus.models import Suggestion as SuggestionRow
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import close_bound_database

ARTICLE = (
    "Russia said its air force had joined Turkish jets for the first time on Wednesday to "
    "target militants holding the town of al-Bab in northern Syria, evidence of increasingly "
    "close co-operation between Moscow and Ankara. A senior defence ministry official said nine "
    "Russian and eight Turkish jets had together struck targets in al-Bab, which is located "
    "about forty kilometres northeast of Aleppo. Turkish officials said three civilians were "
    "killed and eleven were wounded when shells hit a market in the town on Tuesday."
)
EDITED = ARTICLE.replace("Wednesday", "Thursday").replace("eleven", "twelve")
UNICODE_TEXT = (
    "Drone 🛩️ footage 👍🏽 shows 👨‍👩‍👧‍👦 fleeing; 🇸🇾 flag.\n"
    "قصفت الطائرات المسيّرة مواقع في مدينة حَلَب\n"
    "Cafe\u0301 de\u0301ja\u0300 vu; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈.\n"
)
# What COPY's text format must escape, and what SQL quoting must survive.
AWKWARD_TEXT = (
    "Tabs\there, a back\\slash, \\N and \\x00 as text,\nquotes ' \" and a ; DROP TABLE x;"
)
ARABIC_TEXT = "أعلنت وزارة الدفاع أن الطائرات قصفت مواقع قرب حلب يوم الأربعاء 🚀"


def build(store: Store) -> dict[str, int]:
    """Fill ``store`` (a new corpus) with every kind of data; returns some ids by name."""
    store.set_schema(shipped_schema("conll-ner"))
    store.set_schema(shipped_schema())  # two schema versions, the conflict one in force
    ids: dict[str, int] = {}
    ids["article"] = store.add_document(
        Document(
            ARTICLE,
            title="Jets strike al-Bab",
            source="Reuters",
            author="Jane Doe",
            published="2017-01-18",
            language="en",
            metadata={"feed": "wire", "score": 1.0, "tags": ["syria", "air"], "nested": {"é": 2}},
        ),
        collections=["syria", "wire"],
    ).id
    ids["unicode"] = store.add_document(
        Document(UNICODE_TEXT, title="Émoji 🛩️ title", metadata={"ключ": "значение"}),
        collections=["syria"],
    ).id
    ids["awkward"] = store.add_document(
        Document(AWKWARD_TEXT, title="Tab\ttitle", source="x\\y"), collections=["misc"]
    ).id
    gone = store.add_document(Document("A document deleted again, leaving a gap in the ids.")).id
    ids["arabic"] = store.add_document(
        Document(ARABIC_TEXT, title="حلب", language="ar"), collections=["syria"]
    ).id
    near = store.add_document(Document(EDITED, title="Jets strike al-Bab (update)"))
    assert near.near_duplicate_of == ids["article"]
    ids["near"] = near.id
    DocumentRow.delete().where(DocumentRow.id == gone).execute()
    # A near-duplicate link to a later document: a copy must not depend on id order.
    DocumentRow.update(near_duplicate_of=ids["near"]).where(
        DocumentRow.id == ids["awkward"]
    ).execute()

    text = ARTICLE
    for name in ("alice", "bob", "carol"):
        store.annotator_id(name)
    store.set_role("bob", "curator")
    store.set_role("carol", "manager")
    store.assign([ids["article"], ids["near"]], ["alice", "bob"], per_document=1)

    def at(needle: str, label: str, occurrence: int = 0, **attributes: Any) -> Span:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(needle, start + 1)
        return Span(start, start + len(needle), label, attributes)

    doc = ids["article"]
    russia = store.add_span(doc, "alice", at("Russia", "Actor", category="state_force"))
    jets = store.add_span(doc, "alice", at("Turkish jets", "WeaponSystem", category="aircraft"))
    # Overlapping the previous one.
    turkish = store.add_span(doc, "alice", at("Turkish", "Actor", category="state_force"))
    bab = store.add_span(doc, "alice", at("al-Bab", "Location", type="city", latitude=36.37))
    struck = store.add_span(doc, "alice", at("struck", "Attack"))
    start = text.index("three civilians")
    end = text.index("killed") + len("killed")
    discontinuous = Span(
        start,
        end,
        "Casualty",
        {"count": 3, "kind": "killed"},
        "three killed; 'were' left out",
        ((start, start + len("three civilians")), (end - len("killed"), end)),
    )
    casualty = store.add_span(doc, "alice", discontinuous)
    deleted = store.add_span(doc, "alice", at("Aleppo", "Location"))
    store.delete_span(deleted)  # a gap in the span ids
    store.update_span(bab, at("al-Bab", "Location", type="village"))  # version 2
    twice = at("al-Bab", "Location", type="city")
    store.update_span(bab, Span(twice.start, twice.end, twice.label, twice.attributes, "twice"))
    store.add_relation(Relation("uses", turkish, jets))
    located = store.add_relation(Relation("located_at", struck, bab))
    RelationRow.update(attributes={"confidence": 0.5, "source": "model"}).where(
        RelationRow.id == located
    ).execute()
    event = store.add_event(
        Event("Attack", struck, (("attacker", russia), ("attacker", turkish), ("place", bab)))
    )
    store.add_event_role(event, "casualty", casualty)
    EventRow.update(attributes={"certain": True}).where(EventRow.id == event).execute()
    store.set_status(doc, "alice", Status.REVIEWED)

    # Bob annotates the same text differently, and the Arabic one; Carol only sets statuses.
    store.add_span(doc, "bob", at("Russia", "Actor", category="political"))
    store.add_span(doc, "bob", at("al-Bab", "Location", 1))
    store.set_status(doc, "bob", Status.DONE)
    arabic = ids["arabic"]
    store.add_span(
        arabic, "bob", Span(ARABIC_TEXT.index("حلب"), ARABIC_TEXT.index("حلب") + 3, "Location")
    )
    rocket = ARABIC_TEXT.index("🚀")
    store.add_span(arabic, "bob", Span(rocket, rocket + 1, "WeaponSystem", {}, "an emoji 🚀"))
    store.set_status(arabic, "bob", Status.LOCKED)
    store.set_status(ids["unicode"], "carol", Status.IN_PROGRESS)
    # Carol has suggestions on the article: one pending, one rejected.
    store.save_suggestions(
        doc,
        "carol",
        [
            Suggestion(
                *at("Turkish jets", "WeaponSystem").pieces()[0],
                "WeaponSystem",
                {"category": "aircraft"},
                "gazetteer:weapon_systems",
            ),
            Suggestion(*at("Russia", "Actor").pieces()[0], "Actor", {}, "corpus"),
        ],
    )
    store.reject_suggestions([s.id for s in store.suggestions(doc, "carol") if s.label == "Actor"])
    return ids


def build_file(path: Path) -> str:
    """A SQLite corpus at ``path`` filled by :func:`build`, closed again; its url."""
    url = str(path)
    close_bound_database()
    store = Store.open(url)
    try:
        build(store)
    finally:
        store.close()
    return url


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the store tells about the corpus (ids included), plus the few columns it has
    no method for (annotators' roles, MinHash signatures, bands, span versions)."""
    summaries = list(store.documents())
    documents = {}
    for summary in summaries:
        doc_id = summary.id
        annotators = sorted(store.statuses(doc_id))
        spans = store.spans(doc_id)
        documents[doc_id] = {
            "summary": summary,
            "document": store.document(doc_id),
            "collections": store.collections_of(doc_id),
            "statuses": store.statuses(doc_id),
            "spans": spans,
            "versions": [store.span_state(s.id).version for s in spans],
            "relations": store.relations(doc_id),
            "events": store.events(doc_id),
            "links": {name: store.links(doc_id, name) for name in annotators},
        }
    return {
        "documents": documents,
        "stats": store.stats(),
        "schema": store.schema(),
        "schema_history": store.schema_history(),
        "annotators": store.annotators(),
        "roles": sorted(AnnotatorRow.select(AnnotatorRow.name, AnnotatorRow.role).tuples()),
        "minhash": sorted(
            (i, bytes(m) if m is not None else None)
            for i, m in DocumentRow.select(DocumentRow.id, DocumentRow.minhash).tuples()
        ),
        "bands": sorted(DocumentBand.select(DocumentBand.band, DocumentBand.document).tuples()),
        "queues": {name: store.queue(name) for name in store.annotators()},
        "suggestions": sorted(SuggestionRow.select().tuples()),
        "event_roles": sorted(
            EventRole.select(EventRole.id, EventRole.event, EventRole.role, EventRole.span).tuples()
        ),
    }
