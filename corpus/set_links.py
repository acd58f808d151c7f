"""One annotation set's relations and events while links are merged into it (the checks of
``add_relation`` and ``add_event``, made against the set as read once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator import document as dom
from annotator.errors import AnnotatorError
from annotator.schema import EventSpec
from corpus.models import utcnow
from corpus.span_plan import OnRefusal, Refusal, refuse

if TYPE_CHECKING:
    from corpus.annotation_bulk import AnnotationBulkMixin, SetState


class SetLinks:
    """One set's relations and events while links are merged into it: its spans' labels, the
    links it holds (to skip identical ones), and the schema."""

    def __init__(self, store: AnnotationBulkMixin, state: SetState) -> None:
        self.store = store
        self.state = state
        self.db = store.db
        self.schema = store._checks().schema
        self.labels: dict[int, str] = {}
        self.relations: set[tuple[str, int, int]] = set()
        self.events: set[tuple[str, int, tuple[tuple[str, int], ...]]] = set()
        if state.id is None:
            return
        p = self.db.param
        self.labels = {
            int(i): str(label)
            for i, label in self.db.execute_sql(
                f'SELECT "id", "label" FROM "span" WHERE "annotation_set_id" = {p}', (state.id,)
            ).fetchall()
        }
        self.relations = {
            (str(t), int(h), int(tl))
            for t, h, tl in self.db.execute_sql(
                f'SELECT "type", "head_id", "tail_id" FROM "relation" WHERE "annotation_set_id" = {p}',
                (state.id,),
            ).fetchall()
        }
        roles: dict[int, list[tuple[str, int]]] = {}
        for event_id, role, span_id in self.db.execute_sql(
            'SELECT r."event_id", r."role", r."span_id" FROM "event_role" r '
            f'JOIN "event" e ON e."id" = r."event_id" WHERE e."annotation_set_id" = {p}',
            (state.id,),
        ).fetchall():
            roles.setdefault(int(event_id), []).append((str(role), int(span_id)))
        self.events = {
            (str(t), int(trigger), tuple(sorted(roles.get(int(i), ()))))
            for i, t, trigger in self.db.execute_sql(
                f'SELECT "id", "type", "trigger_id" FROM "event" WHERE "annotation_set_id" = {p}',
                (state.id,),
            ).fetchall()
        }

    def _home(self, span_id: int) -> tuple[int | None, str]:
        """The set and label of a span: this set's, or another's (read)."""
        label = self.labels.get(span_id)
        if label is not None:
            return self.state.id, label
        return self.store._span_home(span_id)

    def relation(self, index: int, relation: dom.Relation, refused: OnRefusal | None) -> None:
        key = (relation.type, relation.head, relation.tail)
        if key in self.relations:
            return
        try:
            reason = self._relation_problem(relation)
        except AnnotatorError as exc:
            reason = str(exc)
        if reason is not None:
            refuse(Refusal("relation", index, reason), refused)
            return
        p = self.db.param
        self.db.execute_sql(
            'INSERT INTO "relation" ("annotation_set_id", "type", "head_id", "tail_id", '
            f'"attributes", "created_at") VALUES ({p}, {p}, {p}, {p}, {self._json_param}, {p})',
            (self.state.id, *key, self.store._json({}), self._stamp()),
        )
        self.relations.add(key)

    def _relation_problem(self, relation: dom.Relation) -> str | None:
        head_set, head_label = self._home(relation.head)
        tail_set, tail_label = self._home(relation.tail)
        if head_set != tail_set or head_set != self.state.id:
            return "a relation links spans of one annotator on one document"
        if relation.head == relation.tail:
            return "a relation links two different spans"
        spec = self.schema.relation(relation.type)
        if spec is None:
            return f"relation type '{relation.type}' is not in the schema"
        if not spec.allows(head_label, tail_label):
            return f"relation '{relation.type}' cannot link {head_label} to {tail_label}"
        return self.state.frozen()

    def event(self, index: int, event: dom.Event, refused: OnRefusal | None, partial: bool) -> None:
        signature = (event.type, event.trigger, tuple(sorted(event.roles)))
        if signature in self.events:
            return
        try:
            reason = self._event_problem(event, partial)
        except AnnotatorError as exc:
            reason = str(exc)
        if reason is not None:
            refuse(Refusal("event", index, reason), refused)
            return
        p = self.db.param
        event_id = self.store._insert_returning_id(
            'INSERT INTO "event" ("annotation_set_id", "type", "trigger_id", "attributes", '
            f'"created_at") VALUES ({p}, {p}, {p}, {self._json_param}, {p})',
            (self.state.id, event.type, event.trigger, self.store._json({}), self._stamp()),
        )
        if event.roles:
            self.db.cursor().executemany(
                f'INSERT INTO "event_role" ("event_id", "role", "span_id") VALUES ({p}, {p}, {p})',
                [(event_id, role, span_id) for role, span_id in event.roles],
            )
        self.events.add(signature)

    def _event_problem(self, event: dom.Event, partial: bool) -> str | None:
        trigger_set, trigger_label = self._home(event.trigger)
        if trigger_set != self.state.id:
            return "an event's trigger is a span of the same annotator and document"
        spec = self.schema.event(event.type)
        if spec is None:
            return f"event type '{event.type}' is not in the schema"
        if trigger_label != spec.trigger:
            return (
                f"the trigger of a '{event.type}' event must be a {spec.trigger} span, "
                f"not {trigger_label}"
            )
        for role, span_id in event.roles:
            problem = self._role_problem(spec, trigger_set, role, span_id)
            if problem is not None:
                return problem
        for role_spec in spec.roles:
            n = sum(1 for role, _ in event.roles if role == role_spec.name)
            too_few = n < role_spec.minimum and not partial
            if too_few or (role_spec.maximum is not None and n > role_spec.maximum):
                return (
                    f"event '{event.type}' has {n} '{role_spec.name}' roles, outside its "
                    "cardinality"
                )
        return self.state.frozen()

    def _role_problem(
        self, spec: EventSpec, set_id: int | None, role: str, span_id: int
    ) -> str | None:
        role_spec = next((r for r in spec.roles if r.name == role), None)
        if role_spec is None:
            return f"event '{spec.name}' has no role '{role}'"
        filler_set, label = self._home(span_id)
        if filler_set != set_id:
            return "an event's roles are filled by spans of the same annotator and document"
        if not role_spec.allows(label):
            return (
                f"role '{role}' of '{spec.name}' takes {', '.join(role_spec.labels)}, not {label}"
            )
        return None

    @property
    def _json_param(self) -> str:
        return self.db.param if self.store._postgres else "json(?)"

    def _stamp(self) -> Any:
        now = utcnow()
        return now if self.store._postgres else now.isoformat(" ")
