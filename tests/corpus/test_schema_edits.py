"""Schema changes on both engines: usage counts, renames that carry annotations along, removals
that delete only what was approved, attribute values, and one transaction for all of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from annotator.document import Document, Event, Relation, Span
from annotator.errors import AnnotatorError
from annotator.schema import AttributeSpec, AttributeType, RelationSpec, RoleSpec, Schema
from corpus.resources import shipped_schema
from corpus.schema_edits import SchemaImpact, SchemaRenames
from corpus.store import Store

TEXT = (
    "Russia said its jets struck al-Bab on Wednesday; three civilians were killed and "
    "Turkish officials in Ankara condemned the strike."
)


def at(needle: str, label: str, **attributes: object) -> Span:
    """A ``label`` span over the first ``needle`` in TEXT."""
    start = TEXT.index(needle)
    return Span(start, start + len(needle), label, attributes)  # type: ignore[arg-type]


def uses_and_attack_changed(
    uses: Callable[[RelationSpec], RelationSpec],
    role: str,
    new_role: Callable[[RoleSpec], RoleSpec],
    **attack: object,
) -> Schema:
    """The shipped schema with its ``uses`` relation changed by ``uses``, the Attack event's
    ``role`` by ``new_role``, and the event's own fields by ``attack``."""
    base = shipped_schema()
    event = base.event("Attack")
    assert event is not None
    roles = tuple(new_role(r) if r.name == role else r for r in event.roles)
    return replace(
        base,
        relations=tuple(uses(r) if r.name == "uses" else r for r in base.relations),
        events=(replace(event, roles=roles, **attack),),  # type: ignore[arg-type]
    )


@dataclass
class Corpus:
    """The spans, relations and event stored by :func:`annotated`, by name."""

    doc: int
    spans: dict[str, int]
    relations: dict[str, int]
    event: int


@pytest.fixture
def corpus(store: Store) -> Corpus:
    """One article with spans of every label, a relation of each type and an Attack event."""
    doc = store.add_document(Document(text=TEXT)).id
    spans = {
        "Russia": store.add_span(doc, "alice", at("Russia", "Actor", category="state_force")),
        "Ankara": store.add_span(doc, "alice", at("Ankara", "Actor", category="political")),
        "jets": store.add_span(doc, "alice", at("jets", "WeaponSystem", category="aircraft")),
        "al-Bab": store.add_span(doc, "alice", at("al-Bab", "Location", type="city")),
        "struck": store.add_span(doc, "alice", at("struck", "Attack")),
        "civilians": store.add_span(
            doc,
            "alice",
            at("three civilians", "Casualty", count=3, kind="killed", group="civilian"),
        ),
    }
    relations = {
        "uses": store.add_relation(Relation("uses", spans["Russia"], spans["jets"])),
        "located_at": store.add_relation(Relation("located_at", spans["struck"], spans["al-Bab"])),
        "caused": store.add_relation(Relation("caused", spans["Russia"], spans["civilians"])),
    }
    event = store.add_event(
        Event(
            "Attack",
            spans["struck"],
            (
                ("attacker", spans["Russia"]),
                ("instrument", spans["jets"]),
                ("place", spans["al-Bab"]),
                ("casualty", spans["civilians"]),
            ),
        )
    )
    return Corpus(doc, spans, relations, event)


def without_label(schema: Schema, name: str) -> Schema:
    """``schema`` without the label ``name`` and without every mention of it."""

    def keep(labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(n for n in labels if n != name)

    return replace(
        schema,
        labels=tuple(lb for lb in schema.labels if lb.name != name),
        relations=tuple(
            replace(r, heads=keep(r.heads), tails=keep(r.tails))
            for r in schema.relations
            if keep(r.heads) and keep(r.tails)
        ),
        events=tuple(
            replace(
                e, roles=tuple(replace(r, labels=keep(r.labels)) for r in e.roles if keep(r.labels))
            )
            for e in schema.events
            if e.trigger != name
        ),
    )


def renamed_label(schema: Schema, old: str, new: str) -> Schema:
    """``schema`` with the label ``old`` called ``new``, mentions included."""

    def ren(labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if n == old else n for n in labels)

    return replace(
        schema,
        labels=tuple(replace(lb, name=new) if lb.name == old else lb for lb in schema.labels),
        relations=tuple(
            replace(r, heads=ren(r.heads), tails=ren(r.tails)) for r in schema.relations
        ),
        events=tuple(
            replace(
                e,
                trigger=new if e.trigger == old else e.trigger,
                roles=tuple(replace(r, labels=ren(r.labels)) for r in e.roles),
            )
            for e in schema.events
        ),
    )


def with_attributes(schema: Schema, label: str, *attributes: AttributeSpec) -> Schema:
    """``schema`` with the attributes of ``label`` replaced."""
    return replace(
        schema,
        labels=tuple(
            replace(lb, attributes=attributes) if lb.name == label else lb for lb in schema.labels
        ),
    )


def casualty_attributes() -> tuple[Schema, tuple[AttributeSpec, ...]]:
    """The shipped schema, and the attributes of its Casualty label (count, kind, group)."""
    base = shipped_schema()
    casualty = base.label("Casualty")
    assert casualty is not None
    return base, casualty.attributes


def stored(store: Store, doc: int) -> dict[int, Span]:
    """Every span of the document, by id."""
    return {s.id: s.span for s in store.spans(doc)}


def snapshot(store: Store, doc: int) -> tuple[object, ...]:
    """Everything a schema change may touch, to compare before and after."""
    return (
        stored(store, doc),
        store.relations(doc),
        store.events(doc),
        store.schema(),
        store.schema_version(),
    )


# -- usage --------------------------------------------------------------------------------------


def test_usage_counts_spans_relations_events_and_roles(store: Store, corpus: Corpus) -> None:
    assert store.label_usage() == {
        "Actor": 2,
        "WeaponSystem": 1,
        "Location": 1,
        "Attack": 1,
        "Casualty": 1,
    }
    assert store.relation_usage() == {"uses": 1, "located_at": 1, "caused": 1}
    assert store.event_usage() == {"Attack": 1}
    assert store.role_usage() == {
        ("Attack", "attacker"): 1,
        ("Attack", "instrument"): 1,
        ("Attack", "place"): 1,
        ("Attack", "casualty"): 1,
    }


def test_an_empty_corpus_has_no_usage(store: Store) -> None:
    assert store.label_usage() == {}
    assert store.relation_usage() == {}
    assert store.event_usage() == {}
    assert store.role_usage() == {}


# -- renames -----------------------------------------------------------------------------------


def test_renaming_a_label_keeps_its_spans_and_what_links_them(store: Store, corpus: Corpus) -> None:
    before = stored(store, corpus.doc)
    version = store.schema_version()
    schema = renamed_label(shipped_schema(), "Actor", "Party")
    renames = SchemaRenames(labels={"Actor": "Party"})
    assert not store.schema_impact(schema, renames).loses_anything()

    new_version = store.change_schema(schema, renames)

    assert version is not None and new_version > version
    assert store.schema_version() == new_version
    assert store.schema() == schema
    after = stored(store, corpus.doc)
    assert after.keys() == before.keys()
    for span_id, span in before.items():
        expected = replace(span, label="Party") if span.label == "Actor" else span
        assert after[span_id] == expected
    assert store.label_usage()["Party"] == 2 and "Actor" not in store.label_usage()
    assert len(store.relations(corpus.doc)) == 3
    assert store.events(corpus.doc)[0].event.roles[0] == ("attacker", corpus.spans["Russia"])
    # The renamed label is the one the schema checks new spans against.
    store.add_span(corpus.doc, "bob", at("Ankara", "Party", category="political"))
    with pytest.raises(AnnotatorError, match="not in schema"):
        store.add_span(corpus.doc, "bob", at("Russia", "Actor"))


def test_two_labels_can_swap_names(store: Store, corpus: Corpus) -> None:
    schema = renamed_label(shipped_schema(), "Actor", "Tmp")
    schema = renamed_label(schema, "Location", "Actor")
    schema = renamed_label(schema, "Tmp", "Location")
    store.change_schema(schema, SchemaRenames(labels={"Actor": "Location", "Location": "Actor"}))
    spans = stored(store, corpus.doc)
    assert spans[corpus.spans["Russia"]].label == "Location"
    assert spans[corpus.spans["al-Bab"]].label == "Actor"


def test_a_swap_keeps_a_stretch_tagged_with_both_labels(store: Store, corpus: Corpus) -> None:
    both = store.add_span(corpus.doc, "alice", at("Ankara", "Location", type="city"))
    schema = renamed_label(shipped_schema(), "Actor", "Tmp")
    schema = renamed_label(schema, "Location", "Actor")
    schema = renamed_label(schema, "Tmp", "Location")
    store.change_schema(schema, SchemaRenames(labels={"Actor": "Location", "Location": "Actor"}))
    spans = stored(store, corpus.doc)
    assert (spans[corpus.spans["Ankara"]].label, spans[both].label) == ("Location", "Actor")
    versions = {s.id: s.version for s in store.spans(corpus.doc)}
    assert versions[both] == versions[corpus.spans["Ankara"]] == 2


def test_merging_two_labels_that_tag_one_stretch_is_refused(store: Store, corpus: Corpus) -> None:
    store.add_span(corpus.doc, "alice", at("Ankara", "Location", type="city"))
    before = stored(store, corpus.doc)
    schema = without_label(shipped_schema(), "Location")
    renames = SchemaRenames(labels={"Location": "Actor"})
    impact = store.schema_impact(schema, renames)
    start = TEXT.index("Ankara")
    with pytest.raises(AnnotatorError) as refused:
        store.change_schema(schema, renames, approved=impact)
    assert str(refused.value) == (
        f"the renames would give alice two Actor spans at {start}..{start + 6} in document "
        f"{corpus.doc} (tagged Actor and Location): delete one of them first"
    )
    assert stored(store, corpus.doc) == before
    assert store.schema() == shipped_schema()


def with_relation(schema: Schema, name: str, like: str) -> Schema:
    """``schema`` with a relation type ``name`` that links what the type ``like`` links."""
    model = schema.relation(like)
    assert model is not None
    return replace(schema, relations=(*schema.relations, replace(model, name=name)))


def test_two_relation_types_linking_one_pair_can_swap_names(store: Store, corpus: Corpus) -> None:
    schema = with_relation(shipped_schema(), "near", "located_at")
    store.change_schema(schema)
    near = store.add_relation(Relation("near", corpus.spans["struck"], corpus.spans["al-Bab"]))
    store.change_schema(
        schema, SchemaRenames(relations={"located_at": "near", "near": "located_at"})
    )
    types = {r.id: r.relation.type for r in store.relations(corpus.doc)}
    assert (types[corpus.relations["located_at"]], types[near]) == ("near", "located_at")


def test_merging_two_relation_types_that_link_one_pair_is_refused(
    store: Store, corpus: Corpus
) -> None:
    store.change_schema(with_relation(shipped_schema(), "near", "located_at"))
    store.add_relation(Relation("near", corpus.spans["struck"], corpus.spans["al-Bab"]))
    before = snapshot(store, corpus.doc)
    renames = SchemaRenames(relations={"near": "located_at"})
    with pytest.raises(AnnotatorError) as refused:
        store.change_schema(shipped_schema(), renames)
    assert str(refused.value) == (
        f"the renames would link alice's spans {corpus.spans['struck']} and "
        f"{corpus.spans['al-Bab']} in document {corpus.doc} twice by 'located_at' (linked by "
        "located_at and near): delete one of the links first"
    )
    assert snapshot(store, corpus.doc) == before


def test_relation_event_and_role_renames_carry_the_annotations(
    store: Store, corpus: Corpus
) -> None:
    schema = uses_and_attack_changed(
        lambda r: replace(r, name="employs"),
        "instrument",
        lambda r: replace(r, name="weapon"),
        name="Strike",
    )
    renames = SchemaRenames(
        relations={"uses": "employs"},
        events={"Attack": "Strike"},
        roles={("Attack", "instrument"): "weapon"},
    )
    assert not store.schema_impact(schema, renames).loses_anything()
    store.change_schema(schema, renames)
    types = {r.id: r.relation.type for r in store.relations(corpus.doc)}
    assert types[corpus.relations["uses"]] == "employs"
    (event,) = store.events(corpus.doc)
    assert event.id == corpus.event and event.event.type == "Strike"
    assert ("weapon", corpus.spans["jets"]) in event.event.roles
    assert store.role_usage()[("Strike", "weapon")] == 1


def test_renames_to_names_the_schema_lacks_are_refused(store: Store, corpus: Corpus) -> None:
    before = snapshot(store, corpus.doc)
    schema = shipped_schema()
    for renames, message in [
        (SchemaRenames(labels={"Actor": "Nobody"}), "cannot rename label 'Actor' to 'Nobody'"),
        (SchemaRenames(relations={"uses": "wields"}), "relation type 'uses' to 'wields'"),
        (SchemaRenames(events={"Attack": "Raid"}), "event type 'Attack' to 'Raid'"),
        (SchemaRenames(roles={("Attack", "place"): "where"}), "role 'place' of 'Attack'"),
        (SchemaRenames(attributes={("Actor", "category"): "kind"}), "attribute 'category'"),
    ]:
        with pytest.raises(AnnotatorError, match=message):
            store.change_schema(schema, renames)
    assert snapshot(store, corpus.doc) == before


# -- removals ----------------------------------------------------------------------------------


def test_removing_a_used_label_is_refused_without_approval(store: Store, corpus: Corpus) -> None:
    before = snapshot(store, corpus.doc)
    schema = without_label(shipped_schema(), "Casualty")
    with pytest.raises(AnnotatorError) as caught:
        store.change_schema(schema)
    message = str(caught.value)
    assert "\n" not in message
    assert "1 span (Casualty)" in message and "1 relation (caused)" in message
    assert "1 event role (Attack.casualty)" in message
    assert snapshot(store, corpus.doc) == before


def test_an_approved_removal_deletes_the_spans_and_what_hangs_on_them(
    store: Store, corpus: Corpus
) -> None:
    schema = without_label(shipped_schema(), "Actor")
    impact = store.schema_impact(schema)
    assert impact.spans == {"Actor": 2}
    assert impact.relations == {"uses": 1, "caused": 1}
    assert impact.events == {}
    assert impact.roles == {("Attack", "attacker"): 1}
    assert impact.describe_losses() == (
        "2 spans (Actor), 2 relations (caused 1, uses 1) and 1 event role (Attack.attacker)"
    )
    store.change_schema(schema, approved=impact)
    labels = {s.label for s in stored(store, corpus.doc).values()}
    assert labels == {"WeaponSystem", "Location", "Attack", "Casualty"}
    assert [r.id for r in store.relations(corpus.doc)] == [corpus.relations["located_at"]]
    (event,) = store.events(corpus.doc)
    assert [role for role, _ in event.event.roles] == ["instrument", "place", "casualty"]
    assert store.schema() == schema


def test_removing_the_trigger_label_deletes_its_events(store: Store, corpus: Corpus) -> None:
    schema = without_label(shipped_schema(), "Attack")
    impact = store.schema_impact(schema)
    assert (impact.spans, impact.events, impact.relations) == (
        {"Attack": 1},
        {"Attack": 1},
        {"located_at": 1},
    )
    assert impact.roles == {}  # they go with their event
    store.change_schema(schema, approved=impact)
    assert store.events(corpus.doc) == []
    assert store.role_usage() == {}
    assert len(stored(store, corpus.doc)) == 5


def test_removing_relation_and_role_types(store: Store, corpus: Corpus) -> None:
    base = shipped_schema()
    attack = base.event("Attack")
    assert attack is not None
    schema = replace(
        base,
        relations=tuple(r for r in base.relations if r.name != "caused"),
        events=(replace(attack, roles=tuple(r for r in attack.roles if r.name != "place")),),
    )
    impact = store.schema_impact(schema)
    assert impact.relations == {"caused": 1} and impact.roles == {("Attack", "place"): 1}
    assert impact.spans == {}
    with pytest.raises(AnnotatorError, match="approve the deletions first"):
        store.change_schema(schema)
    store.change_schema(schema, approved=impact)
    assert {r.relation.type for r in store.relations(corpus.doc)} == {"uses", "located_at"}
    assert store.role_usage() == {
        ("Attack", "attacker"): 1,
        ("Attack", "instrument"): 1,
        ("Attack", "casualty"): 1,
    }
    assert len(stored(store, corpus.doc)) == 6


def test_an_approval_covers_only_what_was_counted(store: Store, corpus: Corpus) -> None:
    schema = without_label(shipped_schema(), "Casualty")
    impact = store.schema_impact(schema)
    # Someone annotates another casualty after the user looked at the figures.
    store.add_span(corpus.doc, "bob", at("three civilians", "Casualty"))
    before = snapshot(store, corpus.doc)
    with pytest.raises(AnnotatorError, match="changed since the deletions were approved"):
        store.change_schema(schema, approved=impact)
    assert snapshot(store, corpus.doc) == before
    store.change_schema(schema, approved=store.schema_impact(schema))
    assert "Casualty" not in store.label_usage()


def test_a_removal_without_annotations_needs_no_approval(store: Store, corpus: Corpus) -> None:
    schema = without_label(shipped_schema(), "Location")
    # Location is in use: once its span is deleted, the label goes freely.
    store.delete_span(corpus.spans["al-Bab"])
    impact = store.schema_impact(schema)
    assert not impact.loses_anything() and impact == SchemaImpact()
    store.change_schema(schema)
    assert store.schema() == schema


# -- attributes --------------------------------------------------------------------------------


def test_renaming_an_attribute_carries_its_values(store: Store, corpus: Corpus) -> None:
    base = shipped_schema()
    actor = base.label("Actor")
    assert actor is not None
    schema = with_attributes(base, "Actor", replace(actor.attributes[0], name="side"))
    renames = SchemaRenames(attributes={("Actor", "category"): "side"})
    assert not store.schema_impact(schema, renames).loses_anything()
    store.change_schema(schema, renames)
    spans = stored(store, corpus.doc)
    assert dict(spans[corpus.spans["Russia"]].attributes) == {"side": "state_force"}
    assert dict(spans[corpus.spans["jets"]].attributes) == {"category": "aircraft"}


def test_values_the_new_schema_rejects_are_removed_only_when_approved(
    store: Store, corpus: Corpus
) -> None:
    base, (count, kind, _group) = casualty_attributes()
    schema = with_attributes(
        base,
        "Casualty",
        replace(count, type=AttributeType.FLOAT, maximum=2.0),  # 3 is now out of range
        replace(kind, values=("dead", "injured")),  # "killed" is no longer allowed
        # "group" is gone
    )
    impact = store.schema_impact(schema)
    assert impact.values == {
        ("Casualty", "count"): 1,
        ("Casualty", "kind"): 1,
        ("Casualty", "group"): 1,
    }
    assert impact.spans == {}
    before = snapshot(store, corpus.doc)
    with pytest.raises(AnnotatorError, match=r"3 attribute values \(Casualty.count 1,"):
        store.change_schema(schema)
    assert snapshot(store, corpus.doc) == before
    store.change_schema(schema, approved=impact)
    assert dict(stored(store, corpus.doc)[corpus.spans["civilians"]].attributes) == {}
    # The span can be edited again under the new schema.
    civilians = stored(store, corpus.doc)[corpus.spans["civilians"]]
    store.update_span(corpus.spans["civilians"], replace(civilians, attributes={"kind": "dead"}))


def test_values_that_still_fit_are_kept_and_a_new_required_value_is_reported(
    store: Store, corpus: Corpus
) -> None:
    base, (count, kind, group) = casualty_attributes()
    source = AttributeSpec("source", AttributeType.TEXT, required=True)
    schema = with_attributes(
        base, "Casualty", replace(count, type=AttributeType.FLOAT), kind, group, source
    )
    impact = store.schema_impact(schema)
    assert not impact.loses_anything()
    assert impact.missing == {("Casualty", "source"): 1}
    assert "1 span without a value for required (Casualty.source)" in impact.describe_unfit()
    store.change_schema(schema)
    assert dict(stored(store, corpus.doc)[corpus.spans["civilians"]].attributes) == {
        "count": 3,
        "kind": "killed",
        "group": "civilian",
    }


def test_relations_and_roles_that_no_longer_fit_are_kept_and_reported(
    store: Store, corpus: Corpus
) -> None:
    schema = uses_and_attack_changed(
        lambda r: replace(r, heads=("Location",)),
        "attacker",
        lambda r: RoleSpec(r.name, ("Location",)),
    )
    impact = store.schema_impact(schema)
    assert not impact.loses_anything()
    assert (impact.unfit_relations, impact.unfit_roles, impact.unfit_events) == (1, 1, 0)
    store.change_schema(schema)
    assert len(store.relations(corpus.doc)) == 3
    assert store.role_usage()[("Attack", "attacker")] == 1


# -- one transaction ---------------------------------------------------------------------------


def test_a_failure_while_saving_undoes_the_renames_and_deletions(
    store: Store, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(store, corpus.doc)
    schema = without_label(renamed_label(shipped_schema(), "Actor", "Party"), "Casualty")
    renames = SchemaRenames(labels={"Actor": "Party"})
    impact = store.schema_impact(schema, renames)

    def refuse(_schema: Schema) -> int:
        raise AnnotatorError("disk full")

    monkeypatch.setattr(store, "set_schema", refuse)
    with pytest.raises(AnnotatorError, match="disk full"):
        store.change_schema(schema, renames, approved=impact)
    monkeypatch.undo()
    assert snapshot(store, corpus.doc) == before


def test_an_edit_of_an_older_version_is_refused(store: Store, corpus: Corpus) -> None:
    started_from = store.schema_version()
    assert started_from is not None
    other = renamed_label(shipped_schema(), "Actor", "Party")
    store.change_schema(other, SchemaRenames(labels={"Actor": "Party"}))
    before = snapshot(store, corpus.doc)
    mine = renamed_label(shipped_schema(), "Location", "Place")
    with pytest.raises(AnnotatorError, match="changed elsewhere"):
        store.change_schema(
            mine, SchemaRenames(labels={"Location": "Place"}), based_on=started_from
        )
    assert snapshot(store, corpus.doc) == before
