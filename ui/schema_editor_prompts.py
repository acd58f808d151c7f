"""The schema editor's questions to the user, as small class methods that tests stand in for."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QMessageBox, QWidget

from corpus.schema_edits import SchemaImpact


class SchemaPrompts:
    """Asking, telling and picking a colour, each one modal dialog."""

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, detail: str, action: str) -> bool:
        """Ask the user to confirm ``action``; whether they did."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
        box.setInformativeText(detail)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        yes = box.button(QMessageBox.StandardButton.Yes)
        yes.setText(action)
        box.button(QMessageBox.StandardButton.No).setText("Keep Editing")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    @classmethod
    def tell(cls, parent: QWidget | None, message: str) -> None:
        """Tell the user why the schema could not be saved (or opened)."""
        QMessageBox.warning(parent, "Edit Schema", message)

    @classmethod
    def pick_color(cls, parent: QWidget | None, current: str) -> str | None:
        """A colour the user picked (#rrggbb), or None when they cancelled."""
        color = QColorDialog.getColor(QColor(current), parent, "Label Colour")
        return color.name() if color.isValid() else None


def impact_question(impact: SchemaImpact) -> tuple[str, str, str]:
    """The text, detail and action of the confirmation ``impact`` calls for."""
    kept = impact.describe_unfit()
    kept_line = f"Kept as they are, but no longer fitting the schema: {kept}." if kept else ""
    if impact.loses_anything():
        text = f"Applying the edited schema deletes {impact.describe_losses()} from the corpus."
        detail = "This cannot be undone." + (f"\n\n{kept_line}" if kept_line else "")
        return text, detail, "Delete and Apply"
    return "The edited schema no longer fits some annotations.", kept_line, "Apply"
