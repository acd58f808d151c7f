"""A burst of annotation through the real main window, for the fault harness.

``python -m bench.fault_editor DB DOC_ID ANNOTATOR SEED ACTIONS`` opens the main window
(offscreen) on the corpus, shows the document, and adds, relabels and deletes spans through the
span editor, the slots the hotkeys, palette and Delete key call. Each action is printed as a JSON
line before it starts (``"intent"``) and again once it returned (``"ack"``): what was
acknowledged must survive a kill. Messages the editor shows the user go to stderr, prefixed.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from bench.fault_checks import MESSAGE
from corpus.store import Store
from ui.main_window import MainWindow


def _say(kind: str, **fields: object) -> None:
    print(json.dumps({"kind": kind, **fields}), flush=True)


def main(argv: list[str]) -> int:
    db, doc_id, annotator, seed, actions = (
        argv[0],
        int(argv[1]),
        argv[2],
        int(argv[3]),
        int(argv[4]),
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    store = Store.open(db)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, settings, annotator=annotator)
    window.show()
    app.processEvents()
    window.show_document(doc_id)
    editor, view = window.editor, window.reader.text_view
    editor.sig_message.connect(lambda text: text and print(f"{MESSAGE}{text}", file=sys.stderr))
    labels = [spec.name for spec in store.schema().labels][:6]
    text = view.text()
    words = [(m.start(), m.end()) for m in re.finditer(r"\w{3,}", text)]
    rng = random.Random(seed)
    _say("ready", spans=len(editor.spans_in_order()))
    for _ in range(actions):
        spans = dict(editor.spans_in_order())
        used = {(s.start, s.end) for s in spans.values()}
        op = rng.choice(["add", "add", "relabel", "delete"]) if spans else "add"
        if op == "add":
            start, end = rng.choice([w for w in words if w not in used])
            label = rng.choice(labels)
            _say("intent", op=op, start=start, end=end, label=label)
            cursor = QTextCursor(view.document())
            cursor.setPosition(view.offsets().to_qt(start))
            cursor.setPosition(view.offsets().to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            view.setTextCursor(cursor)
            editor.apply_label(label)
            span_id = view.selected_span()
            done = dict(editor.spans_in_order()).get(span_id or -1)
            ok = done is not None and (done.start, done.end, done.label) == (start, end, label)
            _say("ack" if ok else "refused", op=op, id=span_id, start=start, end=end, label=label)
        else:
            span_id = rng.choice(sorted(spans))
            label = rng.choice([name for name in labels if name != spans[span_id].label])
            _say("intent", op=op, id=span_id, label=label)
            editor.select_span(span_id)
            if op == "relabel":
                editor.apply_label(label)
            else:
                editor.delete_selected()
            now = dict(editor.spans_in_order()).get(span_id)
            ok = now is None if op == "delete" else now is not None and now.label == label
            _say("ack" if ok else "refused", op=op, id=span_id, label=label)
        app.processEvents()
    _say("done")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
