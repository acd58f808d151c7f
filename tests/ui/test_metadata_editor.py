"""The document metadata editor: fields filled from the store, saved at once on OK, a refused
value named in the dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from annotator.document import Document
from annotator.errors import AnnotatorError
from tests.ui.shown_window import add_wire_article, store  # noqa: F401  (fixture used by name)
from ui import metadata_editor
from ui.metadata_editor import INVALID_STYLE, MetadataEditor, edit_metadata


@pytest.fixture
def doc_id(store) -> int:
    """An article about a zeppelin, in two collections, with a third collection in the corpus."""
    store.add_document(Document(text="Another article.\n"), collections=["archive"])
    text = "Nothing of note happened in the town today.\n"
    return add_wire_article(store, text, "Zeppelin sighted", ["seed", "Syria"])


@pytest.fixture
def editor(qtbot, store, doc_id) -> MetadataEditor:
    dialog = MetadataEditor(store, doc_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def listed(editor: MetadataEditor) -> dict[str, bool]:
    """The collections offered, and whether each is ticked."""
    items = (editor.collections_list.item(i) for i in range(editor.collections_list.count()))
    return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}


def tick(editor: MetadataEditor, name: str, checked: bool) -> None:
    [item] = editor.collections_list.findItems(name, Qt.MatchFlag.MatchExactly)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


def retype(qtbot, edit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def press_ok(qtbot, editor: MetadataEditor) -> None:
    button = editor.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_fields_show_the_stored_metadata(editor):
    assert editor.windowTitle() == "Document Properties"
    assert editor.title_edit.text() == "Zeppelin sighted"
    assert editor.author_edit.text() == "Reuters"
    assert editor.published_edit.text() == "2017-01-18"
    assert editor.source_edit.text() == "Wire"
    assert listed(editor) == {"archive": False, "seed": True, "Syria": True}
    assert editor.error_label.isHidden()


def test_ok_saves_everything_and_search_finds_the_new_title(qtbot, editor, store, doc_id):
    retype(qtbot, editor.title_edit, "Hovercraft spotted")
    retype(qtbot, editor.author_edit, "")
    retype(qtbot, editor.published_edit, "5.3.2016")
    retype(qtbot, editor.source_edit, "AFP")
    tick(editor, "seed", False)
    tick(editor, "archive", True)
    qtbot.keyClicks(editor.new_collection_edit, "Hovercraft")
    qtbot.keyClick(editor.new_collection_edit, Qt.Key.Key_Return)  # adds; does not close
    assert editor.isVisible()
    assert listed(editor)["Hovercraft"] is True
    assert editor.new_collection_edit.text() == ""
    press_ok(qtbot, editor)
    assert editor.result() == QDialog.DialogCode.Accepted
    summary = store.summary(doc_id)
    assert (summary.title, summary.author, summary.published, summary.source) == (
        "Hovercraft spotted",
        None,
        "2016-03-05",
        "AFP",
    )
    assert summary.collections == ("archive", "Hovercraft", "Syria")
    assert [hit.id for hit in store.search("hovercraft")] == [doc_id]
    assert store.search("zeppelin") == []


def test_a_bad_date_is_shown_in_one_line_and_nothing_is_saved(qtbot, editor, store, doc_id):
    retype(qtbot, editor.title_edit, "Changed")
    retype(qtbot, editor.published_edit, "next tuesday")
    assert editor.published_edit.styleSheet() == INVALID_STYLE  # marked while typing
    press_ok(qtbot, editor)
    assert editor.isVisible()
    assert editor.result() != QDialog.DialogCode.Accepted
    assert editor.error_label.isVisible()
    assert editor.error_label.text() == "'next tuesday' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"
    assert editor.error_label.height() < 2 * editor.error_label.fontMetrics().lineSpacing()
    assert store.summary(doc_id).title == "Zeppelin sighted"
    retype(qtbot, editor.published_edit, "")  # no date is a date too
    assert editor.published_edit.styleSheet() == ""
    press_ok(qtbot, editor)
    assert editor.result() == QDialog.DialogCode.Accepted
    assert (store.summary(doc_id).title, store.summary(doc_id).published) == ("Changed", None)


def test_a_name_typed_but_not_added_is_added_on_ok(qtbot, editor, store, doc_id):
    qtbot.keyClicks(editor.new_collection_edit, "  seed ")
    editor.add_collection()  # an existing name ticks the existing item
    assert list(listed(editor)) == ["archive", "seed", "Syria"]
    qtbot.keyClicks(editor.new_collection_edit, "later")
    press_ok(qtbot, editor)
    assert store.collections_of(doc_id) == ["later", "seed", "Syria"]


def test_cancel_saves_nothing(qtbot, editor, store, doc_id):
    retype(qtbot, editor.title_edit, "Changed")
    qtbot.mouseClick(
        editor.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert editor.result() == QDialog.DialogCode.Rejected
    assert store.summary(doc_id).title == "Zeppelin sighted"


def test_edit_metadata_says_whether_the_user_saved(qtbot, store, doc_id, monkeypatch):
    def save(dialog: MetadataEditor) -> int:
        dialog.title_edit.setText("Saved title")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(MetadataEditor, "exec", save)
    assert edit_metadata(store, doc_id) is True
    assert store.summary(doc_id).title == "Saved title"
    monkeypatch.setattr(MetadataEditor, "exec", lambda _dialog: QDialog.DialogCode.Rejected)
    assert edit_metadata(store, doc_id) is False
    with pytest.raises(AnnotatorError, match="no document"):
        metadata_editor.edit_metadata(store, doc_id + 100)
