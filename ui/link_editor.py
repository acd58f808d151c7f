"""Linking spans in the reader: relations, events and event roles, every step undoable.

Select a span, choose Link To… (Ctrl+L), click the other span: the links the schema allows
between their labels are offered as sentences ("'Russian' uses 'Su-34'", "'struck' Attack:
attacker 'Russian'"), and the one picked is stored; when only one is allowed it is stored at
once. A role of an event that the trigger does not have yet creates the event in the same step.
Add Event (Ctrl+E) makes the selected span the trigger of an event of its label.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QMenu

from annotator.document import Event, Relation
from annotator.schema import Schema
from corpus.links import Links
from corpus.store import Store
from ui.commands import quote
from ui.link_commands import (
    AddEventCommand,
    AddRelationCommand,
    AddRoleCommand,
    DeleteEventCommand,
    DeleteRelationCommand,
    DeleteRoleCommand,
)
from ui.link_painter import DrawnLink
from ui.span_editor import SpanEditor


def isolated(text: str) -> str:
    """``text`` between Unicode's first-strong isolate marks when it holds right-to-left
    letters, so that in a left-to-right row the quotes around it stay around it."""
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"
    return text


class LinkOption(NamedTuple):
    """A link that may join two spans: a relation, or a span filling an event's role."""

    text: str
    relation: Relation | None = None
    event_type: str = ""
    event_id: int | None = None  # None: the trigger has no such event yet; it is created
    trigger: int = 0
    role: str = ""
    filler: int = 0


class LinkItem(NamedTuple):
    """One link of a span, as the details panel lists it."""

    key: str
    text: str
    other: int | None  # the span at the link's other end, if any


class LinkEditor(QObject):
    """Creates, lists and removes the links of the annotator's spans on the document on show."""

    sig_links_changed = Signal()
    """No arguments: the links of the document on show changed (or another one is on show)."""

    def __init__(self, store: Store, editor: SpanEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.editor = editor
        self.view = editor.view
        self.links = Links()
        self._doc_id: int | None = None
        self._schema: Schema | None = None
        self._pending: int | None = None  # the span a link starts from, while picking its end

        self.link_action = self._view_action("&Link To…", "Ctrl+L")
        self.link_action.setToolTip("Link the selected span to the span clicked next")
        self.link_action.triggered.connect(self.start_linking)
        self.event_action = self._view_action("Add &Event", "Ctrl+E")
        self.event_action.setToolTip("Make the selected span the trigger of an event")
        self.event_action.triggered.connect(self.add_event)
        self.all_links_action = QAction("Show All &Links", self, checkable=True, checked=True)
        self.all_links_action.setToolTip("Draw every link, or only the selected span's")
        self.all_links_action.toggled.connect(self.view.set_all_links_shown)

        editor.sig_spans_changed.connect(self._spans_changed)
        editor.sig_links_changed.connect(self.reload)
        editor.clear_action.triggered.connect(self.cancel_linking)
        self.view.sig_span_clicked.connect(self._span_clicked)

    def _view_action(self, text: str, key: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(action)
        return action

    def set_schema(self, schema: Schema | None) -> None:
        """Offer the relations and events of ``schema``."""
        self._schema = schema

    # -- what is on show ----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the links of the document on show again and draw them."""
        if self.editor.doc_id != self._doc_id:
            self.cancel_linking()
        self._doc_id = self.editor.doc_id
        if self._doc_id is None:
            self.links = Links()
        else:
            self.links = self.store.links(self._doc_id, self.editor.annotator)
        self._show()

    def _spans_changed(self) -> None:
        if self.editor.doc_id != self._doc_id:
            return  # another document: reload() follows
        if self._pending is not None and self.editor.span(self._pending) is None:
            self.cancel_linking()  # the span the link started from has gone
        # A deleted span takes its links with it (the store cascades): forget them too.
        alive = self.editor.span
        relations = tuple(r for r in self.links.relations if alive(r.head) and alive(r.tail))
        events = tuple(e for e in self.links.events if alive(e.trigger))
        event_ids = {e.id for e in events}
        roles = tuple(r for r in self.links.roles if r.event in event_ids and alive(r.span))
        if (relations, events, roles) != (
            self.links.relations,
            self.links.events,
            self.links.roles,
        ):
            self.links = Links(relations, events, roles)
            self._show()

    def _show(self) -> None:
        self.view.set_links(self.drawn())
        self.sig_links_changed.emit()

    def drawn(self) -> list[DrawnLink]:
        """The links as the view draws them: relations head to tail, roles trigger to filler."""
        triggers = {e.id: e.trigger for e in self.links.events}
        return [DrawnLink(f"r{r.id}", r.head, r.tail, r.type) for r in self.links.relations] + [
            DrawnLink(f"o{r.id}", triggers[r.event], r.span, r.role)
            for r in self.links.roles
            if r.event in triggers
        ]

    def links_of(self, span_id: int) -> list[LinkItem]:
        """The links of the span ``span_id``, described from its side."""
        items = []
        for r in self.links.relations:
            if r.head == span_id:
                items.append(LinkItem(f"r{r.id}", f"{r.type} → {self._quote(r.tail)}", r.tail))
            elif r.tail == span_id:
                items.append(LinkItem(f"r{r.id}", f"{self._quote(r.head)} {r.type} →", r.head))
        events = {e.id: e for e in self.links.events}
        for e in events.values():
            if e.trigger == span_id:
                count = sum(1 for r in self.links.roles if r.event == e.id)
                text = f"{e.type} event, {count} role{'s' * (count != 1)}"
                items.append(LinkItem(f"e{e.id}", text, None))
        for r in self.links.roles:
            event = events.get(r.event)
            if event is None:
                continue
            if event.trigger == span_id:
                items.append(LinkItem(f"o{r.id}", f"{r.role}: {self._quote(r.span)}", r.span))
            elif r.span == span_id:
                text = f"{r.role} of {event.type} {self._quote(event.trigger)}"
                items.append(LinkItem(f"o{r.id}", text, event.trigger))
        return items

    def _covered(self, span_id: int) -> str:
        shown = self.editor.span(span_id)
        return shown[1] if shown is not None else f"span {span_id}"

    def _quote(self, span_id: int) -> str:
        return f"'{isolated(self._covered(span_id))}'"

    # -- linking ------------------------------------------------------------------------------

    def start_linking(self) -> None:
        """Start a link from the selected span; the next span clicked is its other end."""
        head = self.view.selected_span()
        if head is None or self.editor.span(head) is None:
            self.editor.sig_message.emit("Select the span to link from, then Link To… (Ctrl+L)")
            return
        self._pending = head
        self.view.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.editor.sig_message.emit(
            f"Link {self._quote(head)} to… click the other span (Esc cancels)"
        )

    def cancel_linking(self) -> None:
        """Stop picking a link's other end."""
        if self._pending is not None:
            self._pending = None
            self.view.viewport().unsetCursor()
            self.editor.sig_message.emit("")

    def is_linking(self) -> bool:
        """Whether the next span clicked ends a link."""
        return self._pending is not None

    def _span_clicked(self, span_id: int) -> None:
        head = self._pending
        if head is None or span_id == head:
            return
        self.cancel_linking()
        self.link(head, span_id)

    def link(self, first: int, second: int) -> None:
        """Offer the links the schema allows between two spans and store the one picked."""
        options = self.link_options(first, second)
        if not options:
            labels = [shown[0].label for s in (first, second) if (shown := self.editor.span(s))]
            self.editor.sig_message.emit(
                f"The schema has no relation or event role joining {' and '.join(labels)}"
            )
            return
        option = options[0] if len(options) == 1 else self.choose(options)
        if option is not None:
            self.apply(option)
            self.view.select_span(first)
            self.editor.report_selection()

    def choose(self, options: Sequence[LinkOption]) -> LinkOption | None:
        """Ask which of ``options`` to store (a menu at the mouse pointer); None: none."""
        menu = QMenu(self.view)
        for option in options:
            menu.addAction(option.text)
        picked = menu.exec(QCursor.pos())
        actions = menu.actions()
        menu.deleteLater()
        return options[actions.index(picked)] if picked in actions else None

    def link_options(self, first: int, second: int) -> list[LinkOption]:
        """The relations and roles the schema allows between the spans, either way round."""
        a, b = self.editor.span(first), self.editor.span(second)
        if self._schema is None or a is None or b is None:
            return []
        spans = {first: a, second: b}
        options = []
        linked = {(r.type, r.head, r.tail) for r in self.links.relations}
        filled = {(r.event, r.role, r.span) for r in self.links.roles}
        counts: dict[tuple[int, str], int] = {}
        for r in self.links.roles:
            counts[r.event, r.role] = counts.get((r.event, r.role), 0) + 1
        for spec in self._schema.relations:
            for head, tail in ((first, second), (second, first)):
                if (spec.name, head, tail) in linked:
                    continue  # there already
                if spec.allows(spans[head][0].label, spans[tail][0].label):
                    text = f"'{spans[head][1]}' {spec.name} '{spans[tail][1]}'"
                    options.append(LinkOption(text, relation=Relation(spec.name, head, tail)))
        for trigger, filler in ((first, second), (second, first)):
            for spec in self._schema.events:
                if spec.trigger != spans[trigger][0].label:
                    continue
                events = [
                    e.id for e in self.links.events if e.trigger == trigger and e.type == spec.name
                ]
                for role in spec.roles:
                    if not role.allows(spans[filler][0].label):
                        continue
                    for event_id in events or [None]:
                        if event_id is not None and (
                            (event_id, role.name, filler) in filled
                            or (
                                role.maximum is not None
                                and counts.get((event_id, role.name), 0) >= role.maximum
                            )
                        ):
                            continue  # filled already, or full
                        text = (
                            f"'{spans[trigger][1]}' {spec.name}: {role.name} '{spans[filler][1]}'"
                        )
                        if len(events) > 1:
                            text += f" (event {event_id})"
                        options.append(
                            LinkOption(text, None, spec.name, event_id, trigger, role.name, filler)
                        )
        return options

    def apply(self, option: LinkOption) -> None:
        """Store ``option`` as one undoable step."""
        stack = self.editor.undo_stack
        if option.relation is not None:
            head, tail = (self.editor.span(s) for s in (option.relation.head, option.relation.tail))
            stack.push(
                AddRelationCommand(
                    self.store,
                    self.editor,
                    option.relation,
                    head[1] if head else "",
                    tail[1] if tail else "",
                )
            )
            return
        trigger = self.editor.span(option.trigger)
        filler = self.editor.span(option.filler)
        trigger_text, filler_text = trigger[1] if trigger else "", filler[1] if filler else ""
        if option.event_id is None:  # the event and its first role, in one transaction
            event = Event(option.event_type, option.trigger, ((option.role, option.filler),))
            text = f"Set '{quote(filler_text)}' as {option.role} of '{quote(trigger_text)}'"
            stack.push(AddEventCommand(self.store, self.editor, event, trigger_text, text))
            return
        stack.push(
            AddRoleCommand(
                self.store,
                self.editor,
                option.event_id,
                option.role,
                option.filler,
                filler_text,
                trigger_text,
            )
        )

    def add_event(self) -> None:
        """Make the selected span the trigger of an event of a type its label triggers."""
        span_id = self.view.selected_span()
        shown = self.editor.span(span_id) if span_id is not None else None
        if span_id is None or shown is None or self._schema is None:
            self.editor.sig_message.emit("Select the span that reports the event (its trigger)")
            return
        span, covered = shown
        types = [e.name for e in self._schema.events if e.trigger == span.label]
        if not types:
            self.editor.sig_message.emit(f"No event of the schema is triggered by {span.label}")
            return
        options = [LinkOption(f"{t} event '{covered}'", event_type=t) for t in types]
        option = options[0] if len(options) == 1 else self.choose(options)
        if option is not None:
            event = Event(option.event_type, span_id)
            self.editor.undo_stack.push(AddEventCommand(self.store, self.editor, event, covered))

    def remove(self, key: str) -> None:
        """Remove the link ``key`` (as :meth:`links_of` names it), as an undoable step."""
        kind, number = key[0], int(key[1:])
        stack = self.editor.undo_stack
        quote = self._covered
        if kind == "r":
            r = next((r for r in self.links.relations if r.id == number), None)
            if r is not None:
                relation = Relation(r.type, r.head, r.tail)
                stack.push(
                    DeleteRelationCommand(
                        self.store, self.editor, r.id, relation, quote(r.head), quote(r.tail)
                    )
                )
        elif kind == "e":
            e = next((e for e in self.links.events if e.id == number), None)
            if e is not None:
                event = Event(e.type, e.trigger)
                stack.push(
                    DeleteEventCommand(self.store, self.editor, e.id, event, quote(e.trigger))
                )
        elif kind == "o":
            role = next((r for r in self.links.roles if r.id == number), None)
            event = next((e for e in self.links.events if role and e.id == role.event), None)
            if role is not None and event is not None:
                stack.push(
                    DeleteRoleCommand(
                        self.store,
                        self.editor,
                        role.id,
                        role.event,
                        role.role,
                        role.span,
                        quote(role.span),
                        quote(event.trigger),
                    )
                )
