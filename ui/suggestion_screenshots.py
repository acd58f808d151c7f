"""Screenshots of suggestions in the reader: ``python -m ui.suggestion_screenshots OUTDIR``
writes suggestions.png (the seed article), suggestions-dark.png and suggestions-arabic.png
(offscreen unless QT_QPA_PLATFORM says otherwise).

The demo corpus of :mod:`ui.screenshots` is opened as a new annotator: the suggestions come
from the real engine (the weapon-systems gazetteer, GeoNames places, the casualty rules, and
what the demo annotator has labelled elsewhere), and a few are accepted first.
"""

from __future__ import annotations

import sys
import time

from ui.screenshots import demo_window, save_screenshot, screenshot_session

ACCEPTED = 3  # suggestions accepted with Enter before the picture: spans beside suggestions
RUN_TIMEOUT_S = 120.0


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots into the folder named on the command line."""
    session = screenshot_session(argv, "ui.suggestion_screenshots")
    if session is None:
        return 2
    outdir, app = session

    from PySide6.QtTest import QTest

    from ui.palette import dark_palette

    with demo_window("reader", suggest=True) as (window, store, ids):
        suggester = window.suggester

        def open_and_wait(doc_id: int) -> None:
            window.browser.select_document(doc_id)
            deadline = time.monotonic() + RUN_TIMEOUT_S
            while suggester.running() and time.monotonic() < deadline:
                QTest.qWait(50)

        def shoot(name: str) -> None:
            save_screenshot(window, outdir / name)

        open_and_wait(ids["seed"])
        suggester.step(1)
        for _ in range(ACCEPTED):  # Enter, Enter, Enter: each makes the next one current
            suggester.accept_current()
        seed_text = store.document(ids["seed"]).text
        window.reader.text_view.scroll_to_offset(0)
        shoot("suggestions.png")
        app.setPalette(dark_palette())
        window.reader.text_view.scroll_to_offset(seed_text.index("Moscow says"))
        shoot("suggestions-dark.png")
        app.setPalette(app.style().standardPalette())
        open_and_wait(ids["arabic"])
        suggester.step(1)
        suggester.accept_current()
        shoot("suggestions-arabic.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
