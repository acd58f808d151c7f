"""Screenshots of the main window on a small demo corpus: ``python -m ui.screenshots OUTDIR``.

Runs offscreen unless QT_QPA_PLATFORM says otherwise; writes main-window.png,
main-window-arabic.png, main-window-search.png and main-window-dark.png into OUTDIR.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.document import Document, Event, Relation, Span
from corpus import resources
from corpus.store import Store

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.main_window import MainWindow

SEED_TITLE = "Russia and Turkey carry out first joint air attacks in Syria's al-Bab"

ARABIC_TITLE = "مقتل ثمانية مدنيين في غارة جوية على سوق شعبية في ريف إدلب"
ARABIC_TEXT = (
    "قال مصدر طبي إن ثمانية مدنيين على الأقل قُتلوا وأُصيب أكثر من عشرين آخرين صباح الثلاثاء "
    "في غارة جوية استهدفت سوقاً شعبية في ريف إدلب الجنوبي. "
    "وأضاف المصدر أن بين القتلى ثلاثة أطفال، وأن فرق الدفاع المدني ما زالت تبحث عن ناجين "
    "تحت أنقاض المحال المدمّرة. "
    "وأفاد شهود عيان بأن طائرتين حربيتين حلّقتا فوق المنطقة قبل أن تُطلقا صواريخ على الشارع "
    "الرئيسي المزدحم بالمتسوّقين. "
    "ولم تعلن أي جهة مسؤوليتها عن الغارة حتى الآن.\n"
)

# Short invented reports, so the list has more than one row; not real events.
ENGLISH = [
    (
        "Aid convoy reaches besieged town after week of delays",
        "Staff reporter",
        "2017-02-03",
        "A convoy of 30 trucks carrying food and medicine reached the besieged town on "
        "Friday after a week of delays at checkpoints, aid workers said.\n\n"
        "Local officials said supplies would last about a month.\n",
    ),
    (
        "Drone strike hits fuel depot near border crossing",
        "Wire staff",
        "2017-02-11",
        "A drone struck a fuel depot near the border crossing late on Saturday, setting "
        "storage tanks ablaze, according to a monitoring group.\n\n"
        "Two guards were injured. No group has said it carried out the attack.\n",
    ),
    (
        "Shelling displaces hundreds of families from southern villages",
        "Correspondent",
        "2017-02-19",
        "Hundreds of families fled villages in the south after two days of artillery "
        "shelling, a relief agency said on Sunday.\n\n"
        "Most have sheltered in schools and mosques in the nearest town.\n",
    ),
]


# Spans as an annotator would mark them: (phrase, label, text the phrase comes after, if any),
# with nested ones ("Islamic State" in the bombing; "Russian" in "nine Russian ... jets").
DEMO_SPANS = {
    "seed": [
        ("Russia", "Actor", ""),
        ("Turkey", "Actor", ""),
        ("joint air attacks", "Attack", ""),
        ("al-Bab", "Location", ""),
        ("Moscow", "Actor", ""),
        ("jets", "WeaponSystem", "Moscow says"),
        ("Turkish air force", "Actor", "Moscow says"),
        ("bombing of Islamic State targets", "Attack", ""),
        ("Islamic State", "Actor", "bombing of"),
        ("brother killed", "Casualty", ""),
        ("al-Bab", "Location", "An FSA fighter"),
        ("Lieutenant-General Sergei Rudskoi", "Actor", ""),
        ("Russian defence ministry", "Actor", ""),
        ("nine Russian and eight Turkish jets", "WeaponSystem", ""),
        ("Russian", "Actor", "said nine"),
        ("Turkish", "Actor", "said nine"),
        ("struck targets in al-Bab", "Attack", ""),
        ("al-Bab", "Location", "struck targets in"),
        ("Aleppo", "Location", "northeast of"),
    ],
    "arabic": [
        ("ثمانية مدنيين على الأقل", "Casualty", ""),
        ("غارة جوية", "Attack", ""),
        ("سوقاً شعبية", "Location", ""),
        ("ريف إدلب الجنوبي", "Location", ""),
        ("ثلاثة أطفال", "Casualty", ""),
        ("فرق الدفاع المدني", "Actor", ""),
        ("طائرتين حربيتين", "WeaponSystem", ""),
        ("صواريخ", "WeaponSystem", ""),
    ],
}


# What the annotator filled in for some spans: (attributes, note) by (article, phrase).
DEMO_DETAILS = {
    ("seed", "brother killed"): (
        {"count": 1, "kind": "killed", "group": "combatant"},
        "From the photo caption; the report does not say when.",
    ),
    ("seed", "Aleppo"): ({"type": "city", "latitude": 36.202105, "longitude": 37.13426}, ""),
}


# Links between the demo spans, each end named as in DEMO_SPANS (phrase, text it comes after):
# relations (type, head, tail) and events (type, trigger, roles).
Mark = tuple[str, str]
DEMO_RELATIONS: dict[str, list[tuple[str, Mark, Mark]]] = {
    "seed": [
        ("uses", ("Russian", "said nine"), ("nine Russian and eight Turkish jets", "")),
        ("uses", ("Turkish", "said nine"), ("nine Russian and eight Turkish jets", "")),
    ],
    "arabic": [("located_at", ("غارة جوية", ""), ("سوقاً شعبية", ""))],
}
DEMO_EVENTS: dict[str, list[tuple[str, Mark, list[tuple[str, Mark]]]]] = {
    "seed": [
        (
            "Attack",
            ("struck targets in al-Bab", ""),
            [
                ("instrument", ("nine Russian and eight Turkish jets", "")),
                ("place", ("al-Bab", "struck targets in")),
            ],
        )
    ],
    "arabic": [
        (
            "Attack",
            ("غارة جوية", ""),
            [("casualty", ("ثمانية مدنيين على الأقل", "")), ("instrument", ("صواريخ", ""))],
        )
    ],
}


def build_demo_corpus(path: Path) -> tuple[Store, dict[str, int]]:
    """A new corpus at ``path`` with the seed article, an Arabic one and a few English ones."""
    store = Store.open(str(path))
    store.set_schema(resources.shipped_schema())
    seed_text = resources.seed_files()[0].read_text(encoding="utf-8-sig")
    ids = {}
    ids["seed"] = store.add_document(
        Document(
            text=seed_text,
            title=SEED_TITLE,
            author="Reuters",
            published="2017-01-18",
            source="Middle East Eye",
            language="en",
        ),
        collections=["seed", "syria"],
    ).id
    for title, author, published, text in ENGLISH:
        store.add_document(
            Document(text=text, title=title, author=author, published=published, language="en"),
            collections=["demo"],
        )
    ids["arabic"] = store.add_document(
        Document(
            text=ARABIC_TEXT,
            title=ARABIC_TITLE,
            author="مراسل محلي",
            published="2019-05-14",
            source="Demo",
            language="ar",
        ),
        collections=["demo", "arabic"],
    ).id
    for key, marks in DEMO_SPANS.items():
        doc_id = ids[key]
        text = store.document(doc_id).text
        span_ids: dict[Mark, int] = {}
        for phrase, label, after in marks:
            start = text.index(phrase, text.index(after) if after else 0)
            attributes, note = DEMO_DETAILS.get((key, phrase), ({}, ""))
            span = Span(start, start + len(phrase), label, attributes, note)
            span_ids[phrase, after] = store.add_span(doc_id, "demo", span)
        for kind, head, tail in DEMO_RELATIONS.get(key, []):
            store.add_relation(Relation(kind, span_ids[head], span_ids[tail]))
        for kind, trigger, roles in DEMO_EVENTS.get(key, []):
            filled = tuple((role, span_ids[mark]) for role, mark in roles)
            store.add_event(Event(kind, span_ids[trigger], filled))
    return store, ids


def label_phrase(window: Any, text: str, phrase: str, label: str) -> None:
    """Select the first ``phrase`` in the reader as a user would, and label it ``label``."""
    from PySide6.QtGui import QTextCursor

    view = window.reader.text_view
    start = text.index(phrase)
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets().to_qt(start))
    cursor.setPosition(view.offsets().to_qt(start + len(phrase)), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.scroll_to_offset(text.rfind("\n", 0, start) + 1)  # its paragraph at the top
    window.editor.apply_label(label)


def screenshot_session(argv: list[str] | None, program: str) -> tuple[Path, QApplication] | None:
    """The output folder named on the command line (made if missing) and the application, in
    Qt's light Fusion style, that a screenshot script draws with; None, after printing the
    usage line, unless exactly one folder is named."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(f"usage: python -m {program} OUTDIR", file=sys.stderr)
        return None
    outdir = Path(args[0])
    outdir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    app.setPalette(app.style().standardPalette())
    return outdir, app


@contextmanager
def demo_window(
    annotator: str, suggest: bool
) -> Iterator[tuple[MainWindow, Store, dict[str, int]]]:
    """The main window, 1280x800 and shown, on a new demo corpus in a temporary folder, as
    ``annotator`` and suggesting automatically or not; closed with its store at the end."""
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.suggestion_controller import AUTOMATIC_SETTING

    with tempfile.TemporaryDirectory() as tmp:
        store, ids = build_demo_corpus(Path(tmp) / "demo.db")
        settings = QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat)
        settings.setValue(AUTOMATIC_SETTING, suggest)
        window = MainWindow(store, settings, annotator=annotator)
        window.resize(1280, 800)
        window.show()
        yield window, store, ids
        window.close()
        store.close()


def save_screenshot(widget: QWidget, path: Path) -> None:
    """Let ``widget`` settle, save its picture at ``path`` and print the path."""
    from PySide6.QtTest import QTest

    QTest.qWait(200)
    widget.grab().save(str(path))
    print(path)


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots into the folder named on the command line."""
    session = screenshot_session(argv, "ui.screenshots")
    if session is None:
        return 2
    outdir, app = session

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.palette import dark_palette

    # As the demo spans' annotator; suggestions are pictured by ui.suggestion_screenshots.
    with demo_window("demo", suggest=False) as (window, store, ids):

        def shoot(name: str) -> None:
            save_screenshot(window, outdir / name)

        shoot("main-window.png")
        label_phrase(window, store.document(ids["seed"]).text, "Ankara", "Actor")
        window.editor.sticky_action.setChecked(True)
        window.reader.text_view.select_span(None)
        window.editor.apply_label("Location")  # armed: every new selection gets it
        casualty = next(s for s in store.spans(ids["seed"], "demo") if s.span.label == "Casualty")
        window.editor.select_span(casualty.id)  # its attributes and note in the Details panel
        seed_text = store.document(ids["seed"]).text
        window.reader.text_view.scroll_to_offset(seed_text.index("Moscow says"))  # its caption too
        shoot("main-window-annotating.png")
        window.editor.sticky_action.setChecked(False)
        window.browser.select_document(ids["arabic"])
        arabic_text = store.document(ids["arabic"]).text
        attack = next(
            s.id
            for s in store.spans(ids["arabic"], "demo")
            if s.span.start == arabic_text.index("غارة جوية")
        )
        window.editor.select_span(attack)  # its arcs captioned, its links in the panel
        shoot("main-window-arabic.png")
        QTest.keyClicks(window.browser.search_box, "air strike")
        QTest.keyClick(window.browser.search_box, Qt.Key.Key_Return)
        window.browser.select_first()
        shoot("main-window-search.png")
        window.browser.search_box.clear()
        window.browser.select_document(ids["seed"])
        app.setPalette(dark_palette())
        text = store.document(ids["seed"]).text
        aleppo = next(
            s for s in store.spans(ids["seed"], "demo") if s.span.start == text.index("Aleppo")
        )
        window.editor.select_span(aleppo.id)  # the Details form in the dark palette
        window.reader.text_view.scroll_to_offset(text.index("Lieutenant-General"))
        shoot("main-window-dark.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
