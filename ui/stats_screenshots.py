"""Screenshots of the statistics dashboard: ``python -m ui.stats_screenshots OUTDIR`` writes
statistics.png (the overview), statistics-dark.png, statistics-map.png and
statistics-arabic.png (a corpus of Arabic reports), offscreen unless QT_QPA_PLATFORM says
otherwise.

The corpus is made up here: short invented reports of strikes on real places (with their
coordinates and GeoNames ids), casualty phrases with and without a count, and four annotators
at different stages of their queues.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.document import Document, Span, Status
from corpus import resources
from corpus.store import Store
from ui.screenshots import screenshot_session

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from ui.stats_dashboard import StatisticsDashboard

# (English name, Arabic name, latitude, longitude, GeoNames id)
PLACES = [
    ("Aleppo", "حلب", 36.20124, 37.16117, 170063),
    ("Idlib", "إدلب", 35.93062, 36.63393, 169389),
    ("Raqqa", "الرقة", 35.95283, 39.00788, 172955),
    ("Deir ez-Zor", "دير الزور", 35.33588, 40.14084, 170794),
    ("Mosul", "الموصل", 36.335, 43.11889, 99072),
    ("Sanaa", "صنعاء", 15.35472, 44.20667, 71137),
    ("Marib", "مأرب", 15.46253, 45.32581, 72966),
    ("Hodeidah", "الحديدة", 14.79781, 42.95452, 79415),
    ("Gaza", "غزة", 31.50161, 34.46672, 281133),
    ("Donetsk", "دونيتسك", 48.023, 37.80224, 709717),
    ("Tripoli", "طرابلس", 32.88743, 13.18733, 2210247),
]
ACTORS = [
    ("government forces", "القوات الحكومية", "state_force"),
    ("rebel fighters", "مقاتلون معارضون", "non_state_armed_group"),
    ("Islamic State", "تنظيم الدولة", "non_state_armed_group"),
    ("the coalition", "التحالف", "international"),
    ("Houthi forces", "قوات الحوثيين", "non_state_armed_group"),
]
WEAPONS = [
    ("drones", "طائرات مسيّرة", "drone"),
    ("artillery", "المدفعية", "artillery"),
    ("air strikes", "غارات جوية", "aircraft"),
    ("rockets", "صواريخ", "rocket"),
    ("car bomb", "سيارة مفخخة", "explosive"),
]
NUMBERS = ["three", "five", "seven", "nine", "twelve", "twenty"]
NUMBER_VALUES = [3, 5, 7, 9, 12, 20]
ARABIC_NUMBERS = ["ثلاثة", "خمسة", "سبعة", "تسعة", "اثنا عشر", "عشرون"]
ANNOTATORS = {"alice": 0.9, "bob": 0.6, "carol": 0.35, "dmitri": 0.15}  # share of queue done
ARABIC_ANNOTATORS = {"سارة": 0.8, "ليلى": 0.5, "عمر": 0.25}
DOCUMENTS = 240
RUN_TIMEOUT_S = 120.0


def _report(rng: random.Random, arabic: bool) -> tuple[str, list[Span]]:
    """One invented report and its spans."""
    place = rng.choices(PLACES, weights=[9, 8, 4, 3, 3, 6, 4, 3, 5, 4, 2])[0]
    actor, weapon = rng.choice(ACTORS), rng.choice(WEAPONS)
    n = rng.randrange(len(NUMBERS))
    kind = rng.choice(["killed", "killed", "injured"])
    group = rng.choice(["civilian", "civilian", "combatant", None])
    counted = rng.random() < 0.8
    i = 1 if arabic else 0
    if arabic:
        verb = "قُتل" if kind == "killed" else "أُصيب"
        who = "مدنيين" if group == "civilian" else "مقاتلين"
        casualty = f"{ARABIC_NUMBERS[n]} {who}" if counted else f"عشرات من {who}"
        text = f"قصفت {actor[i]} بـ{weapon[i]} مدينة {place[i]} حيث {verb} {casualty}."
    else:
        verb = "were killed" if kind == "killed" else "were wounded"
        who = "civilians" if group == "civilian" else "fighters"
        number = NUMBERS[n] if counted else "dozens of"
        casualty = f"{number} {who} {verb}"
        text = f"{actor[i].capitalize()} used {weapon[i]} on {place[i]}, where {casualty}."
    attributes: dict[str, object] = {"kind": kind}
    if group is not None:
        attributes["group"] = group
    if counted:
        attributes["count"] = NUMBER_VALUES[n]
    location = {"type": "city", "latitude": place[2], "longitude": place[3]}
    location["geonames_id"] = place[4]

    def at(phrase: str, label: str, attrs: dict[str, object]) -> Span:
        start = text.lower().index(phrase.lower())
        return Span(start, start + len(phrase), label, attrs)

    spans = [
        at(actor[i], "Actor", {"category": actor[2]}),
        at(weapon[i], "WeaponSystem", {"category": weapon[2]}),
        at(place[i], "Location", location),
        at(casualty, "Casualty", attributes),
    ]
    return text, spans


def build_statistics_corpus(path: Path, arabic: bool = False) -> Store:
    """A corpus of :data:`DOCUMENTS` invented reports annotated by several people."""
    rng = random.Random(6)
    store = Store.open(str(path))
    store.set_schema(resources.shipped_schema())
    people = ARABIC_ANNOTATORS if arabic else ANNOTATORS
    spans: dict[int, list[Span]] = {}
    with store.bulk():
        for number in range(DOCUMENTS):
            text, marks = _report(rng, arabic)
            doc = Document(f"{text}\n(report {number + 1})", title=f"Report {number + 1}")
            doc_id = store.add_document(doc, ["wire" if number % 3 else "field"]).id
            spans[doc_id] = marks
    ids = list(spans)
    for name, share in people.items():
        queue = rng.sample(ids, len(ids) * 2 // 3)
        store.assign(queue, [name])
        for doc_id in queue[: int(len(queue) * share)]:
            kept = [s for s in spans[doc_id] if rng.random() < 0.92]
            store.add_annotation_set(doc_id, name, kept)
            roll = rng.random()
            if roll < 0.7:
                store.set_status(doc_id, name, Status.DONE if roll > 0.2 else Status.REVIEWED)
    return store


def _shoot(app: QApplication, dashboard: StatisticsDashboard, path: Path, tab: int) -> None:
    dashboard.tabs.setCurrentIndex(tab)
    for _ in range(5):
        app.processEvents()
    dashboard.grab().save(str(path))


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots into the folder named on the command line."""
    session = screenshot_session(argv, "ui.stats_screenshots")
    if session is None:
        return 2
    outdir, app = session

    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow
    from ui.palette import dark_palette

    for arabic in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            store = build_statistics_corpus(Path(tmp) / "stats.db", arabic)
            settings = QSettings(str(Path(tmp) / "ui.ini"), QSettings.Format.IniFormat)
            window = MainWindow(store, settings, annotator="alice")
            window.show()
            dashboard = window.statistics.open()
            deadline = time.monotonic() + RUN_TIMEOUT_S
            while (dashboard.runs.is_busy() or dashboard.statistics is None) and (
                time.monotonic() < deadline
            ):
                app.processEvents()
                time.sleep(0.02)

            if arabic:
                _shoot(app, dashboard, outdir / "statistics-arabic.png", 2)
            else:
                _shoot(app, dashboard, outdir / "statistics.png", 0)
                _shoot(app, dashboard, outdir / "statistics-map.png", 3)
                dashboard.setPalette(dark_palette())
                _shoot(app, dashboard, outdir / "statistics-dark.png", 0)
            window.close()
            store.close()
    print(f"screenshots written to {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
