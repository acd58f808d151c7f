"""The schema editor: labels (name, colour, hotkey, order, attributes), relation and event types.

It edits a copy of the corpus's schema; OK saves it as a new version through
:meth:`corpus.store.Store.change_schema`, with the renames made here, so spans keep their labels
under the new names. Deletions the change would cause are counted and asked about first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from corpus.store import Store
from ui import schema_editor_columns as cols
from ui.dialog_layout import lay_out_editor_dialog
from ui.schema_editor_checks import schema_problems
from ui.schema_editor_draft import EventDraft, SchemaDraft
from ui.schema_editor_models import LabelChoiceModel, RowsModel
from ui.schema_editor_prompts import SchemaPrompts, impact_question
from ui.schema_editor_widgets import (
    append_and_edit,
    button,
    check_list,
    on_current_row,
    remove_current,
    select_row,
    split,
    stacked,
    table_view,
)

PROBLEM_COLORS = ("#c62828", "#ff8a80")  # on light, on dark backgrounds
HINT = "Double-click a name, key or value to change it."


def edit_schema(store: Store, parent: QWidget | None = None) -> bool:
    """Let the user edit the corpus's schema; whether a new version was saved."""
    try:
        dialog = SchemaEditor(store, parent)
    except AnnotatorError as exc:  # the stored schema cannot be read
        SchemaEditor.tell(parent, str(exc))
        return False
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.version is not None
    finally:
        dialog.deleteLater()


class SchemaEditor(QDialog, SchemaPrompts):
    """Edits a copy of the corpus's schema; OK applies it (see :func:`edit_schema`)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Schema")
        self.store = store
        self._based_on = store.schema_version()
        self.draft = SchemaDraft(store.schema() if store.has_schema() else None)
        self.usage = cols.Usage(
            store.label_usage(), store.relation_usage(), store.event_usage(), store.role_usage()
        )
        self.version: int | None = None  # the version saved, once OK succeeded
        d = self.draft

        self.labels = RowsModel(cols.label_columns(self.usage), d.labels)
        self.attributes = RowsModel(cols.attribute_columns())
        self.relations = RowsModel(cols.relation_columns(self.usage), d.relations)
        self.events = RowsModel(cols.event_columns(d, self.usage), d.events)
        self.roles = RowsModel(cols.role_columns(self._current_event, self.usage))
        self.heads, self.tails, self.role_labels = (LabelChoiceModel(d.labels) for _ in range(3))

        self.tabs = QTabWidget()
        self.tabs.addTab(self._labels_page(), "Labels")
        self.tabs.addTab(self._relations_page(), "Relations")
        self.tabs.addTab(self._events_page(), "Events")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.buttons = lay_out_editor_dialog(self, self.tabs, self.problem, self.accept)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        for model in (self.labels, self.attributes, self.relations, self.events, self.roles):
            model.sig_rows_edited.connect(self._edited)
            model.sig_edit_refused.connect(self._show_problem)
        for choice in (self.heads, self.tails, self.role_labels):
            choice.sig_choice_edited.connect(self._edited)
        self.labels.sig_rows_edited.connect(self._labels_edited)
        self.roles.sig_rows_edited.connect(self.events.refresh)
        self.role_labels.sig_choice_edited.connect(self.roles.refresh)
        for choice in (self.heads, self.tails):
            choice.sig_choice_edited.connect(self.relations.refresh)
        self.resize(920, 540)
        select_row(self.label_view, 0)
        select_row(self.relation_view, 0)
        select_row(self.event_view, 0)
        self._edited()

    # -- pages --------------------------------------------------------------------------------

    def _labels_page(self) -> QWidget:
        self.label_view = table_view(self.labels, stretch=0)
        self.add_label_button = button("Add", "Add a label", self.add_label)
        self.remove_label_button = button("Remove", "Remove the label", self.remove_label)
        self.color_button = button("Colour…", "Choose the label's colour", self.recolor_label)
        self.up_button = button("Up", "Move the label up", lambda: self.move_label(-1))
        self.down_button = button("Down", "Move the label down", lambda: self.move_label(1))
        self.attribute_view = table_view(self.attributes, stretch=2)
        self.attribute_box = QGroupBox("Attributes")
        self.add_attribute_button = button("Add", "Add an attribute", self.add_attribute)
        self.remove_attribute_button = button(
            "Remove", "Remove the attribute", lambda: remove_current(self.attribute_view)
        )
        stacked(
            self.attribute_box,
            self.attribute_view,
            [self.add_attribute_button, self.remove_attribute_button],
        )
        left = stacked(
            QWidget(),
            self.label_view,
            [
                self.add_label_button,
                self.remove_label_button,
                self.color_button,
                self.up_button,
                self.down_button,
            ],
        )
        on_current_row(self.label_view, self._label_selected)
        on_current_row(self.attribute_view, lambda _row: self._follow())
        return split(Qt.Orientation.Horizontal, left, self.attribute_box, (370, 530))

    def _relations_page(self) -> QWidget:
        self.relation_view = table_view(self.relations, stretch=0)
        self.add_relation_button = button("Add", "Add a relation type", self.add_relation)
        self.remove_relation_button = button(
            "Remove", "Remove the relation type", lambda: remove_current(self.relation_view)
        )
        left = stacked(
            QWidget(), self.relation_view, [self.add_relation_button, self.remove_relation_button]
        )
        ends = QWidget()
        ends_layout = QVBoxLayout(ends)
        ends_layout.setContentsMargins(0, 0, 0, 0)
        self.head_view, self.tail_view = check_list(self.heads), check_list(self.tails)
        for title, view in (("Head labels", self.head_view), ("Tail labels", self.tail_view)):
            ends_layout.addWidget(stacked(QGroupBox(title), view, []))

        def selected(row: int) -> None:
            relation = self.draft.relations[row] if row >= 0 else None
            self.heads.set_choice(relation.heads if relation else None)
            self.tails.set_choice(relation.tails if relation else None)
            self._follow()

        on_current_row(self.relation_view, selected)
        return split(Qt.Orientation.Horizontal, left, ends, (600, 300))

    def _events_page(self) -> QWidget:
        self.event_view = table_view(self.events, stretch=2)
        self.add_event_button = button("Add", "Add an event type", self.add_event)
        self.remove_event_button = button(
            "Remove", "Remove the event type", lambda: remove_current(self.event_view)
        )
        events = stacked(
            QWidget(), self.event_view, [self.add_event_button, self.remove_event_button]
        )
        self.role_view = table_view(self.roles, stretch=1)
        self.add_role_button = button("Add", "Add a role", self.add_role)
        self.remove_role_button = button(
            "Remove", "Remove the role", lambda: remove_current(self.role_view)
        )
        self.role_box = QGroupBox("Roles")
        stacked(self.role_box, self.role_view, [self.add_role_button, self.remove_role_button])
        self.role_label_view = check_list(self.role_labels)
        self.role_label_box = stacked(QGroupBox("Labels of the role"), self.role_label_view, [])
        roles = split(Qt.Orientation.Horizontal, self.role_box, self.role_label_box, (600, 300))

        def event_selected(row: int) -> None:
            event = self._current_event()
            self.roles.set_rows(event.roles if event else None)
            select_row(self.role_view, 0)
            self._follow()

        def role_selected(row: int) -> None:
            event = self._current_event()
            role = event.roles[row] if event and row >= 0 else None
            self.role_labels.set_choice(role.labels if role else None)
            self._follow()

        on_current_row(self.event_view, event_selected)
        on_current_row(self.role_view, role_selected)
        return split(Qt.Orientation.Vertical, events, roles, (170, 310))

    # -- actions ------------------------------------------------------------------------------

    def add_label(self) -> None:
        """Add a label with a fresh name and an unused colour, and start renaming it."""
        append_and_edit(self.label_view, self.draft.new_label())

    def remove_label(self) -> None:
        """Remove the selected label and what cannot be without it (annotations go only on OK,
        after asking)."""
        label = remove_current(self.label_view)
        if label is None:
            return
        gone = self.draft.forget_label(label)
        self.relations.set_rows(self.draft.relations)
        self.events.set_rows(self.draft.events)
        select_row(self.relation_view, 0)
        select_row(self.event_view, 0)
        self._labels_edited()
        self._edited()
        if gone and self.ok_button.isEnabled():
            self.problem.setText(f"Removed with {label.name}: {', '.join(gone)}.")

    def recolor_label(self) -> None:
        """Let the user pick another colour for the selected label."""
        row = self.label_view.currentIndex().row()
        if row < 0:
            return
        label = self.draft.labels[row]
        color = self.pick_color(self, label.color)
        if color is not None and color != label.color:
            label.color = color
            self.labels.refresh()
            self._labels_edited()
            self._edited()

    def move_label(self, delta: int) -> None:
        """Move the selected label up (-1) or down (1) in the palette."""
        row = self.label_view.currentIndex().row()
        if row >= 0 and self.labels.move(row, delta):
            select_row(self.label_view, row + delta)

    def add_attribute(self) -> None:
        """Add a text attribute to the selected label."""
        row = self.label_view.currentIndex().row()
        if row >= 0:
            append_and_edit(self.attribute_view, self.draft.labels[row].new_attribute())

    def add_relation(self) -> None:
        """Add a relation type between any labels."""
        append_and_edit(self.relation_view, self.draft.new_relation())

    def add_event(self) -> None:
        """Add an event type triggered by the first label."""
        append_and_edit(self.event_view, self.draft.new_event())

    def add_role(self) -> None:
        """Add a role to the selected event type."""
        event = self._current_event()
        if event is not None:
            append_and_edit(self.role_view, event.new_role())

    # -- state --------------------------------------------------------------------------------

    def _current_event(self) -> EventDraft | None:
        row = self.event_view.currentIndex().row()
        return self.draft.events[row] if 0 <= row < len(self.draft.events) else None

    def _label_selected(self, row: int) -> None:
        label = self.draft.labels[row] if row >= 0 else None
        self.attributes.set_rows(label.attributes if label else None)
        self._follow()

    def _labels_edited(self) -> None:
        """Labels changed: every list that shows them follows."""
        for model in (self.relations, self.events, self.roles):
            model.refresh()
        for choice in (self.heads, self.tails, self.role_labels):
            choice.refresh()

    def _edited(self) -> None:
        problems = schema_problems(self.draft)
        self.ok_button.setEnabled(not problems)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        self._show_problem(problems[0] + more if problems else "")
        self.problem.setToolTip("\n".join(problems))
        self._follow()

    def _show_problem(self, text: str) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        color = (
            QColor(PROBLEM_COLORS[dark])
            if text
            else self.palette().color(QPalette.ColorRole.PlaceholderText)
        )
        self.problem.setStyleSheet(f"color: {color.name()};")
        self.problem.setText(text[:1].upper() + text[1:] + "." if text else HINT)

    def _follow(self) -> None:
        """Buttons and titles follow the current rows."""
        label = self.label_view.currentIndex().row()
        event = self._current_event()
        role = self.role_view.currentIndex().row()
        name = self.draft.labels[label].name if label >= 0 else None
        self.attribute_box.setTitle(f"Attributes of {name}" if name else "Attributes")
        self.role_box.setTitle(f"Roles of {event.name}" if event else "Roles")
        role_name = event.roles[role].name if event and 0 <= role < len(event.roles) else None
        self.role_label_box.setTitle(f"Labels of {role_name}" if role_name else "Labels")
        self.remove_label_button.setEnabled(label >= 0)
        self.color_button.setEnabled(label >= 0)
        self.up_button.setEnabled(label > 0)
        self.down_button.setEnabled(0 <= label < len(self.draft.labels) - 1)
        self.add_attribute_button.setEnabled(label >= 0)
        self.remove_attribute_button.setEnabled(self.attribute_view.currentIndex().row() >= 0)
        self.remove_relation_button.setEnabled(self.relation_view.currentIndex().row() >= 0)
        self.remove_event_button.setEnabled(self.event_view.currentIndex().row() >= 0)
        self.add_role_button.setEnabled(event is not None)
        self.remove_role_button.setEnabled(self.role_view.currentIndex().row() >= 0)

    # -- applying -----------------------------------------------------------------------------

    def accept(self) -> None:
        """Save the edited schema with its renames, after asking about any deletions."""
        if schema_problems(self.draft):
            return
        if not self.draft.changed():
            super().accept()  # nothing to save: self.version stays None
            return
        schema, renames = self.draft.to_schema(), self.draft.renames()
        try:
            impact = self.store.schema_impact(schema, renames)
            if (impact.loses_anything() or impact.keeps_unfit()) and not self.ask(
                self, "Apply Schema Changes", *impact_question(impact)
            ):
                return
            self.version = self.store.change_schema(
                schema,
                renames,
                approved=impact if impact.loses_anything() else None,
                based_on=self._based_on,
            )
        except AnnotatorError as exc:
            self.tell(self, str(exc))
            return
        super().accept()
