"""The layouts the asking and editing dialogs share: their content, a line of text under it,
then OK and Cancel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QVBoxLayout,
    QWidget,
)


def lay_out_form_dialog(
    dialog: QDialog, form: QFormLayout, note: QWidget, ok_text: str, on_ok: Callable[[], None]
) -> QDialogButtonBox:
    """Lay ``dialog`` out as ``form``, ``note`` under it (a hint or a problem), then OK, named
    ``ok_text``, which calls ``on_ok``, and Cancel, which rejects; the buttons, for later use."""
    buttons = _ok_cancel(dialog, on_ok)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    _stack(dialog, form, 0, note, buttons)
    return buttons


def lay_out_editor_dialog(
    dialog: QDialog, content: QWidget | QLayout, note: QWidget, on_ok: Callable[[], None]
) -> QDialogButtonBox:
    """Lay ``dialog`` out as ``content``, which takes the room the dialog grows by, ``note``
    under it (a problem), then OK, which calls ``on_ok``, and Cancel, which rejects; the
    buttons, for later use."""
    buttons = _ok_cancel(dialog, on_ok)
    _stack(dialog, content, 1, note, buttons)
    return buttons


def _ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _stack(
    dialog: QDialog,
    content: QWidget | QLayout,
    stretch: int,
    note: QWidget,
    buttons: QDialogButtonBox,
) -> None:
    layout = QVBoxLayout(dialog)
    if isinstance(content, QLayout):
        layout.addLayout(content, stretch)
    else:
        layout.addWidget(content, stretch)
    layout.addWidget(note)
    layout.addWidget(buttons)
