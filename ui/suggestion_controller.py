"""The Suggestions menu of the main window: suggestions computed in the background for the
document on show, drawn under the spans, and a keyboard loop to answer them.

F8 makes the next suggestion current (Shift+F8 the previous one), Enter accepts it, Backspace
rejects it (or, with no suggestion current, deletes the selected span as before: one action
owns the key), and the next one becomes current. Every answer is one step on the span editor's
undo stack. Accepted suggestions become ordinary spans of the annotator; rejected ones are kept
by the store so that they are never proposed again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from corpus.store import Store
from corpus.suggestions import StoredSuggestion
from ui.span_editor import SpanEditor
from ui.suggestion_commands import (
    AcceptSuggestionsCommand,
    OrderKey,
    RejectSuggestionsCommand,
    order_key,
)
from ui.suggestion_worker import EngineCache, SuggestionWorker, SuggestOutcome

AUTOMATIC_SETTING = "suggestions/automatic"
MESSAGE_MS = 5000
FIRST_PAINT_WAIT_MS = 1000  # an automatic run waits at most this long for the first paint


class SuggestionController(QObject):
    """Shows the annotator's pending suggestions for the document on show and turns the
    Suggestions menu's actions into undoable answers; owns the background runs."""

    def __init__(
        self, store: Store, editor: SpanEditor, settings: QSettings, window: QMainWindow
    ) -> None:
        super().__init__(window)
        self.store = store
        self.editor = editor
        self.view = editor.view
        self._window = window
        self._settings = settings
        self.pending: list[StoredSuggestion] = []
        self._doc_id: int | None = None
        self._learned_refreshed = False  # for the document on show: at most once per opening
        self._cache = EngineCache()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # runs take turns: they share one engine
        self._workers: list[SuggestionWorker] = []
        self._ticket = 0  # the run whose outcome counts: the latest
        self._announced: int | None = None  # a run the user asked for: its count is said
        # The engine's first build is seconds of Python (and C holding the GIL) on a pool
        # thread: an automatic run waits for the text's first paint, so that the window shows
        # at once and the same time at every start.
        self._painted = False
        self._deferred = False

        self.suggest_action = self._window_action("Suggest &Now", "Ctrl+G")
        self.suggest_action.setToolTip("Run the schema's suggestion sources over this document")
        self.suggest_action.triggered.connect(self.suggest_now)
        automatic = str(settings.value(AUTOMATIC_SETTING, "true")).lower() != "false"
        self.automatic_action = QAction("Suggest &Automatically", self, checkable=True)
        self.automatic_action.setChecked(automatic)
        self.automatic_action.setToolTip("Suggest in the background whenever a document opens")
        self.automatic_action.toggled.connect(self._automatic_toggled)
        self.next_action = self._window_action("Ne&xt Suggestion", "F8")
        self.next_action.triggered.connect(lambda: self.step(1))
        self.previous_action = self._window_action("Pre&vious Suggestion", "Shift+F8")
        self.previous_action.triggered.connect(lambda: self.step(-1))
        self.accept_action = self._view_action("A&ccept Suggestion", "Return", "Enter")
        self.accept_action.triggered.connect(self.accept_current)
        # Enabled only while a suggestion is current: otherwise Enter is left to the widgets.
        self.accept_action.setEnabled(False)
        self.view.sig_current_suggestion_changed.connect(
            lambda chosen: self.accept_action.setEnabled(chosen is not None)
        )
        # Backspace used to belong to Delete Span: now this one action takes it and decides.
        editor.delete_action.setShortcuts([QKeySequence("Delete")])
        self.reject_action = self._view_action("&Reject Suggestion", "Backspace")
        self.reject_action.setToolTip(
            "Reject the current suggestion; with none current, delete the selected span"
        )
        self.reject_action.triggered.connect(self.reject_current)
        self.accept_all_action = QAction("Accept A&ll", self)
        self.accept_all_action.triggered.connect(lambda: self.accept(self.pending))
        self.reject_all_action = QAction("Re&ject All", self)
        self.reject_all_action.triggered.connect(lambda: self.reject(self.pending))

        self.menu = QMenu("&Suggestions", window)
        self.menu.addActions([self.suggest_action, self.automatic_action])
        self.menu.addSeparator()
        self.menu.addActions([self.next_action, self.previous_action])
        self.menu.addSeparator()
        self.menu.addActions([self.accept_action, self.reject_action])
        self.label_menu = self.menu.addMenu("Accept All of La&bel")
        self.label_menu.aboutToShow.connect(self.fill_label_menu)
        self.menu.addActions([self.accept_all_action, self.reject_all_action])

        self.count_label = QLabel()
        self.count_label.setToolTip("Suggestions pending here: F8 steps to the next one")
        window.statusBar().addPermanentWidget(self.count_label)
        editor.sig_spans_changed.connect(self._spans_changed)
        self.view.sig_suggestion_clicked.connect(self._clicked)
        window.installEventFilter(self)
        self.view.viewport().installEventFilter(self)

    def _window_action(self, text: str, key: str) -> QAction:
        action = QAction(text, self, shortcut=QKeySequence(key))
        self._window.addAction(action)  # its key works wherever the focus is in the window
        return action

    def _view_action(self, text: str, *keys: str) -> QAction:
        """An action whose keys work while the text view has the focus (Enter and Backspace
        keep their meaning in the search box and the forms)."""
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.view.addAction(action)
        return action

    # -- what is on show ----------------------------------------------------------------------

    def _spans_changed(self) -> None:
        """The spans changed, or another document opened: show the suggestions stored now (a
        new span hides those it clashes with), and suggest for a new document."""
        opened = self.editor.doc_id != self._doc_id
        self._doc_id = self.editor.doc_id
        if opened:
            self._learned_refreshed = False
            self._stop()
        self.suggestions_changed()
        if opened and self._doc_id is not None and self.automatic_action.isChecked():
            self._begin()

    def suggestions_changed(self, current: int | None = None, near: OrderKey | None = None) -> None:
        """Read the pending suggestions again and draw them; make ``current`` the current one,
        or else the first at or after ``near`` (wrapping), or else keep the current one."""
        was = self.view.current_suggestion()
        before = next((order_key(s) for s in self.pending if s.id == was), None)
        doc_id = self.editor.doc_id
        self.pending = (
            [] if doc_id is None else self.store.suggestions(doc_id, self.editor.annotator)
        )
        self.view.set_suggestions(
            (s.id, s.start, s.end, s.label, s.attributes, s.source) for s in self.pending
        )
        keys = [order_key(s) for s in self.pending]
        chosen: int | None = None
        if current is not None and any(s.id == current for s in self.pending):
            chosen = current
        elif near is not None and self.pending:
            after = [s for s, k in zip(self.pending, keys, strict=True) if k >= near]
            chosen = (after or self.pending)[0].id
        elif before is not None and before in keys:
            chosen = self.pending[keys.index(before)].id
        asked = current is not None or near is not None
        if chosen is not None or asked:
            # Only an answer moves the view: a run ending meanwhile keeps it where it is.
            self.view.set_current_suggestion(chosen, scroll=asked and chosen is not None)
            self.editor.report_selection()
        self._show_count()

    def _show_count(self) -> None:
        if self._doc_id is None:
            self.count_label.setText("")
            return
        n = len(self.pending)
        text = f"{n} suggestion{'' if n == 1 else 's'}"
        self.count_label.setText(text + (" · suggesting…" if self.running() else ""))

    def _clicked(self, suggestion_id: int) -> None:
        chosen = self._by_id([suggestion_id])
        if chosen:
            s = chosen[0]
            self._say(
                f"Suggested {s.label} '{self._covered(s)}' ({s.source}): "
                "Enter accepts, Backspace rejects"
            )

    # -- the loop -----------------------------------------------------------------------------

    def step(self, direction: int) -> None:
        """Make the next (1) or previous (-1) suggestion current, wrapping at the ends; from
        none, the first after the caret. The text view takes the focus (for Enter)."""
        if not self.pending:
            self._say("No suggestions here" if self._doc_id is not None else "")
            return
        self.view.setFocus()
        ids = [s.id for s in self.pending]
        current = self.view.current_suggestion()
        if current in ids:
            index = (ids.index(current) + direction) % len(ids)
        else:
            caret = self.view.offsets().from_qt(self.view.textCursor().position())
            starts = [s.start for s in self.pending]
            after = [i for i, start in enumerate(starts) if start >= caret]
            before = [i for i, start in enumerate(starts) if start < caret]
            if direction > 0:
                index = after[0] if after else 0
            else:
                index = before[-1] if before else len(ids) - 1
        self.view.set_current_suggestion(ids[index], scroll=True)
        self.editor.report_selection()

    def accept_current(self) -> None:
        """Accept the current suggestion (Enter)."""
        chosen = self._by_id([self.view.current_suggestion()])
        if not chosen:
            self._say("No suggestion is current: F8 goes to the next one")
            return
        self.accept(chosen)

    def reject_current(self) -> None:
        """Reject the current suggestion, or else delete the selected span (Backspace)."""
        chosen = self._by_id([self.view.current_suggestion()])
        if chosen:
            self.reject(chosen)
        else:
            self.editor.delete_selected()

    def accept(self, chosen: Sequence[StoredSuggestion]) -> None:
        """Accept ``chosen``, as one undoable step: they become the annotator's spans."""
        if chosen:
            covered = self._covered(chosen[0])
            self._push(AcceptSuggestionsCommand(self.store, self.editor, self, chosen, covered))

    def reject(self, chosen: Sequence[StoredSuggestion]) -> None:
        """Reject ``chosen``, as one undoable step."""
        if chosen:
            covered = self._covered(chosen[0])
            self._push(RejectSuggestionsCommand(self.store, self.editor, self, chosen, covered))

    def accept_label(self, label: str) -> None:
        """Accept every pending suggestion of ``label``, as one undoable step."""
        self.accept([s for s in self.pending if s.label == label])

    def fill_label_menu(self) -> None:
        """One Accept All of Label entry per label with pending suggestions, with its count."""
        self.label_menu.clear()
        counts = Counter(s.label for s in self.pending)
        for label, n in sorted(counts.items()):
            action = self.label_menu.addAction(f"{label} ({n})")
            action.triggered.connect(lambda _=False, name=label: self.accept_label(name))
        if not counts:
            self.label_menu.addAction("No suggestions").setEnabled(False)

    def _push(self, command: AcceptSuggestionsCommand | RejectSuggestionsCommand) -> None:
        if self._doc_id is None:
            return
        self.view.setFocus()
        self.editor.undo_stack.push(command)

    def _by_id(self, ids: Sequence[int | None]) -> list[StoredSuggestion]:
        wanted = set(ids)
        return [s for s in self.pending if s.id in wanted]

    def _covered(self, s: StoredSuggestion) -> str:
        return self.view.text()[s.start : s.end]

    def _say(self, text: str) -> None:
        self._window.statusBar().showMessage(text, MESSAGE_MS)

    # -- background runs ----------------------------------------------------------------------

    def suggest_now(self) -> None:
        """Run the suggestion sources over the document on show (in the background)."""
        if self._doc_id is None:
            self._say("Open an article to get suggestions for it")
            return
        self._stop()
        self._start(announce=True)

    def _begin(self) -> None:
        """An automatic run: now, or after the text's first paint (at most
        :data:`FIRST_PAINT_WAIT_MS` later) while it has not been painted yet."""
        if self._painted:
            self._start()
            return
        self._deferred = True
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self._painted_now)

    def _painted_now(self) -> None:
        """The text has been painted (or waited for long enough): start a deferred run."""
        self._painted = True
        if self._deferred and self._doc_id is not None:
            self._deferred = False
            self._start()

    def _start(self, announce: bool = False) -> None:
        assert self._doc_id is not None
        self._ticket += 1
        refresh, self._learned_refreshed = not self._learned_refreshed, True
        worker = SuggestionWorker(
            self.store, self._cache, self._doc_id, self.editor.annotator, self._ticket, refresh
        )
        worker.signals.sig_finished.connect(self._finished)
        self._workers.append(worker)
        self._announced = self._ticket if announce else None
        self._show_count()
        self._pool.start(worker)

    def _finished(self, outcome: SuggestOutcome) -> None:
        self._workers = [w for w in self._workers if w.ticket != outcome.ticket]
        if outcome.ticket != self._ticket or outcome.doc_id != self._doc_id:
            self._show_count()
            return  # another document opened, or a newer run started, meanwhile
        if outcome.error is not None:
            self._say(f"Suggestions failed: {outcome.error}")
        elif outcome.frozen and self._announced == outcome.ticket:
            self._say("This document is reviewed or locked for you: no new suggestions")
        self.suggestions_changed()
        if self._announced == outcome.ticket and outcome.error is None and not outcome.frozen:
            n = len(self.pending)
            self._say(f"{n} suggestion{'' if n == 1 else 's'} for this document")

    def running(self) -> bool:
        """Whether the latest run (for the document on show) has yet to report."""
        return self._deferred or any(w.ticket == self._ticket for w in self._workers)

    def _stop(self) -> None:
        """Cancel the runs queued or running; their outcomes are ignored."""
        self._ticket += 1  # whatever they report is out of date
        self._deferred = False
        for worker in self._workers:
            worker.cancel()

    def wait(self) -> None:
        """Cancel the runs and wait for them to end (the window is closing)."""
        self._stop()
        self._pool.waitForDone()

    def _automatic_toggled(self, on: bool) -> None:
        self._settings.setValue(AUTOMATIC_SETTING, on)
        if on and self._doc_id is not None and not self.running():
            self._begin()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """When the window closes, no run outlives it; the first paint lets a deferred run
        start."""
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.wait()
        elif event.type() == QEvent.Type.Paint and not self._painted:
            QTimer.singleShot(0, self._painted_now)  # once the paint is on screen
        return False
