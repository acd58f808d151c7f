"""The curator's steps in the curation window: accept the selected candidates, one annotator's
version or every agreed one, reject gold spans, set the gold set's status. Each step is one
command on the gold editor's undo stack (:mod:`ui.curation_commands`), in the database at once.

Mixed into :class:`ui.curation_view.CurationWindow`, whose widgets and store it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.errors import AnnotatorError
from corpus.curation import GOLD, Acceptance, Candidate, Version, agreed_candidates
from ui.commands import DeleteSpanCommand, quote
from ui.curation_commands import AcceptCommand


class CurationSteps:
    """Accepting and rejecting in a curation window."""

    # Provided by the window.
    store: Any
    doc_id: int | None
    editor: Any
    model: Any
    reader: Any
    version_menu: Any
    min_annotators: Any
    # and statusBar(), selected_candidates(), reload(), sig_gold_changed

    def _push(self, text: str, span_ids: Sequence[int], replacing: Sequence[int] = ()) -> None:
        doc_id = self.doc_id
        assert doc_id is not None
        ids, gone = list(span_ids), list(replacing)
        done: list[Acceptance] = []

        def accept() -> Acceptance:
            done.append(self.store.accept_spans(doc_id, ids, replacing=gone))
            return done[0]

        # The stack deletes a command that changed nothing: ask ``done``, not the command.
        self.editor.undo_stack.push(AcceptCommand(self.store, self.editor, text, accept))
        if done and len(done[0].ids) == 1:
            self.editor.select_span(done[0].ids[0])  # the row stays selected: its gold span too
        left_out = done[0].left_out if done else ()
        if left_out:
            self.statusBar().showMessage(f"Links left out: {'; '.join(left_out)}", 8000)

    def accept_selected(self) -> None:
        """Accept the selected candidates the gold set lacks, each in the version most of its
        annotators gave, replacing what the gold set holds at the same offsets: one step."""
        chosen = [c for c in self.selected_candidates() if c.versions and c.gold_id is None]
        if not chosen:
            self.statusBar().showMessage("Select a candidate the gold set lacks", 4000)
            return
        ids = [c.versions_by_count()[0].span_id for c in chosen]
        replacing = [v.span_id for c in chosen for v in c.gold]
        if len(chosen) == 1:
            text = f"Accept {self._quoted(chosen[0].start, chosen[0].end)} as {chosen[0].label}"
        else:
            text = f"Accept {len(chosen)} spans"
        self._push(text, ids, replacing)

    def versions(self, c: Candidate) -> list[Version]:
        """What each annotator marked at ``c``'s offsets (their version of it, or another
        label), by annotator."""
        return [
            v
            for name in self.model.annotators()
            for v in c.marks_of(name)
            if (v.span.start, v.span.end) == (c.start, c.end)
        ]

    def accept_version(self, annotator: str) -> None:
        """Accept ``annotator``'s version of the selected candidate (their span at its offsets),
        replacing what the gold set holds there."""
        chosen = self.selected_candidates()
        if len(chosen) != 1:
            return
        c = chosen[0]
        mine = [v for v in self.versions(c) if v.annotator == annotator]
        if not mine:
            self.statusBar().showMessage(f"{annotator} marked nothing at these offsets", 4000)
            return
        version = mine[0]
        if any(g.span == version.span for g in c.gold):
            self.statusBar().showMessage(f"The gold set holds {annotator}'s version already", 4000)
            return
        covered = self._quoted(c.start, c.end)
        text = f"Accept {annotator}'s {covered} as {version.span.label}"
        self._push(text, [version.span_id], [g.span_id for g in c.gold])

    def _fill_version_menu(self) -> None:
        self.version_menu.clear()
        chosen = self.selected_candidates()
        versions = self.versions(chosen[0]) if len(chosen) == 1 else []
        for v in versions:
            details = ", ".join(f"{k}: {value}" for k, value in v.span.attributes.items())
            text = f"{v.annotator}: {v.span.label}" + (f" ({details})" if details else "")
            action = self.version_menu.addAction(text.replace("&", "&&"))
            action.triggered.connect(lambda _=False, name=v.annotator: self.accept_version(name))
        if not versions:
            self.version_menu.addAction("No annotator's span at these offsets").setEnabled(False)

    def reject_selected(self) -> None:
        """Remove the selected candidates' spans from the gold set, as one step."""
        chosen = [c for c in self.selected_candidates() if c.gold_id is not None]
        if not chosen:
            self.statusBar().showMessage("Select a candidate the gold set holds", 4000)
            return
        stack = self.editor.undo_stack
        if len(chosen) > 1:
            stack.beginMacro(f"Reject {len(chosen)} gold spans")
        for c in chosen:
            assert c.gold_id is not None
            covered = self.reader.text_view.text()[c.start : c.end]
            try:
                command = DeleteSpanCommand(self.store, self.editor, c.gold_id, covered)
            except AnnotatorError as exc:  # deleted meanwhile (by another window)
                self.editor.edit_failed(str(exc))
                continue
            command.setText(f"Reject {c.label} '{quote(covered)}'")
            stack.push(command)
        if len(chosen) > 1:
            stack.endMacro()

    def accept_agreed(self) -> None:
        """Accept every candidate at least the chosen number of annotators marked: one step."""
        curation = self.model.curation()
        if curation is None or self.doc_id is None:
            return
        needed = self.min_annotators.value()
        chosen = agreed_candidates(curation, needed) if needed else []
        if not chosen:
            self.statusBar().showMessage("No agreed span left to accept", 4000)
            return
        ids = [c.versions_by_count()[0].span_id for c in chosen]
        text = f"Accept {len(ids)} agreed span{'s' * (len(ids) != 1)}"
        self._push(text, ids)

    def set_gold_status(self, status: str) -> None:
        """Record ``status`` for the gold set of the document (reviewed or locked freeze it)."""
        if self.doc_id is None:
            return
        try:
            self.store.set_status(self.doc_id, GOLD, status)
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"Not saved: {exc}", 6000)
        else:
            self.statusBar().showMessage(f"Gold set marked {status.replace('_', ' ')}", 4000)
            self.sig_gold_changed.emit(self.doc_id)
        self.reload()

    def _quoted(self, start: int, end: int) -> str:
        return f"'{quote(self.reader.text_view.text()[start:end])}'"
