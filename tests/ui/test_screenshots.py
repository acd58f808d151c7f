"""The screenshot script: a demo corpus and the pictures of the main window."""

from __future__ import annotations

from tests.ui.screenshot_script import picture_sizes
from ui import screenshots


def test_demo_corpus_holds_the_seed_and_an_arabic_article(tmp_path):
    store, ids = screenshots.build_demo_corpus(tmp_path / "demo.db")
    try:
        seed = store.document(ids["seed"])
        assert seed.title == screenshots.SEED_TITLE
        assert seed.author == "Reuters"
        assert store.document(ids["arabic"]).text == screenshots.ARABIC_TEXT
        assert store.count_documents() == 2 + len(screenshots.ENGLISH)
    finally:
        store.close()


def test_script_writes_the_screenshots(qapp, tmp_path):
    names = ("main-window", "main-window-annotating", "main-window-arabic")
    names += ("main-window-search", "main-window-dark")
    for name, size in picture_sizes(qapp, screenshots.main, tmp_path, names).items():
        assert size == (1280, 800), name


def test_script_wants_one_folder(capsys):
    assert screenshots.main([]) == 2
    assert "usage" in capsys.readouterr().err
