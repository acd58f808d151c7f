"""Screenshots of the curation window with three annotators: ``python -m ui.curation_screenshots
OUTDIR`` writes curation.png, curation-dark.png and curation-arabic.png (offscreen unless
QT_QPA_PLATFORM says otherwise)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from annotator.document import Document, Relation, Span
from corpus import resources
from corpus.store import Store
from ui.screenshots import save_screenshot, screenshot_session

ENGLISH_TITLE = "Jets strike market town as talks stall"
ENGLISH = (
    "Russian jets struck the market in al-Bab on Wednesday, killing nine civilians, a "
    "monitoring group said. Turkish artillery shelled positions held by Islamic State "
    "fighters west of the town.\n\n"
    "The Syrian Observatory for Human Rights said the strikes also hit a bakery near Aleppo.\n"
)
ARABIC_TITLE = "مقتل ثمانية مدنيين في غارة جوية على سوق في ريف إدلب"
ARABIC = (
    "قال مصدر طبي إن ثمانية مدنيين قُتلوا في غارة جوية استهدفت سوقاً شعبية في ريف إدلب. "
    "وأفاد شهود بأن طائرتين حربيتين أطلقتا صواريخ على الشارع الرئيسي.\n"
)

# What each annotator marked: (phrase, label); they agree on some, differ on others.
MARKS = {
    "english": {
        "alice": [
            ("Russian", "Actor"),
            ("jets", "WeaponSystem"),
            ("struck", "Attack"),
            ("al-Bab", "Location"),
            ("nine civilians", "Casualty"),
            ("Turkish artillery", "WeaponSystem"),
            ("Islamic State", "Actor"),
            ("Aleppo", "Location"),
        ],
        "bob": [
            ("Russian", "Actor"),
            ("jets", "WeaponSystem"),
            ("struck", "Attack"),
            ("al-Bab", "Actor"),
            ("killing nine civilians", "Casualty"),
            ("Turkish", "Actor"),
            ("Islamic State", "Actor"),
            ("Aleppo", "Location"),
        ],
        "carol": [
            ("Russian jets", "WeaponSystem"),
            ("Russian", "Actor"),
            ("struck", "Attack"),
            ("al-Bab", "Location"),
            ("nine civilians", "Casualty"),
            ("Islamic State fighters", "Actor"),
            ("Syrian Observatory for Human Rights", "Actor"),
        ],
    },
    "arabic": {
        "alice": [
            ("ثمانية مدنيين", "Casualty"),
            ("غارة جوية", "Attack"),
            ("سوقاً شعبية", "Location"),
            ("ريف إدلب", "Location"),
            ("طائرتين حربيتين", "WeaponSystem"),
        ],
        "bob": [
            ("ثمانية مدنيين", "Casualty"),
            ("غارة جوية", "Attack"),
            ("ريف إدلب", "Location"),
            ("صواريخ", "WeaponSystem"),
        ],
        "carol": [
            ("ثمانية مدنيين", "Casualty"),
            ("غارة", "Attack"),
            ("سوقاً شعبية", "Location"),
            ("طائرتين حربيتين", "WeaponSystem"),
        ],
    },
}


def build_curation_corpus(path: Path) -> tuple[Store, dict[str, int]]:
    """A new corpus at ``path``: an English and an Arabic report, each annotated by alice, bob
    and carol (alice also linked the Russian jets)."""
    store = Store.open(str(path))
    store.set_schema(resources.shipped_schema())
    ids = {
        "english": store.add_document(Document(text=ENGLISH, title=ENGLISH_TITLE)).id,
        "arabic": store.add_document(Document(text=ARABIC, title=ARABIC_TITLE, language="ar")).id,
    }
    for key, by_annotator in MARKS.items():
        text = store.document(ids[key]).text
        for annotator, marks in by_annotator.items():
            spans = [Span(text.index(p), text.index(p) + len(p), label) for p, label in marks]
            span_ids = store.add_annotation_set(ids[key], annotator, spans)
            if key == "english" and annotator == "alice":
                store.add_relation(Relation("uses", span_ids[0], span_ids[1]))
    return store, ids


def first_row(curation: Any, kind: str) -> int:
    """The first row of the curation table whose candidate is of ``kind``."""
    model = curation.model
    return next(row for row in range(model.rowCount()) if model.candidate(row).kind == kind)


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots into the folder named on the command line."""
    session = screenshot_session(argv, "ui.curation_screenshots")
    if session is None:
        return 2
    outdir, app = session

    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.palette import dark_palette

    with tempfile.TemporaryDirectory() as tmp:
        store, ids = build_curation_corpus(Path(tmp) / "curation.db")
        settings = QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings, annotator="alice")
        window.show()
        window.browser.select_document(ids["english"])
        window.curate_action.trigger()
        curation = window.curation
        assert curation is not None
        curation.resize(1240, 780)
        curation.accept_agreed()  # what all three agreed on
        curation.select_row(first_row(curation, "partial"))
        curation.accept_selected()  # and one more, from the table

        def shoot(name: str) -> None:
            assert curation is not None
            save_screenshot(curation, outdir / name)

        curation.select_row(first_row(curation, "conflict"))
        shoot("curation.png")
        app.setPalette(dark_palette())
        shoot("curation-dark.png")
        app.setPalette(app.style().standardPalette())
        window.browser.select_document(ids["arabic"])  # the curation window follows
        curation.accept_agreed()
        curation.select_row(0)
        shoot("curation-arabic.png")
        curation.close()
        window.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
