"""Article ingestion: every supported format, encodings, titles, duplicates and bad input."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.ingest import IngestOptions, import_paths
from corpus.resources import seed_files
from corpus.store import Store
from tests.conftest import close_bound_database
from tests.corpus.article_files import make_docx, make_pdf

SEED_TITLE = "Russia and Turkey carry out first joint air attacks in Syria's al-Bab"
STORY = (
    "At least nine civilians were killed when an air strike hit a crowded market in Idlib on "
    "Tuesday, rescuers said. The strike, which witnesses blamed on Russian jets, destroyed "
    "several shops and damaged a nearby school."
)


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Store]:
    """A new corpus file, with no schema and no documents."""
    close_bound_database()
    store = Store.open(str(tmp_path / "corpus.db"))
    yield store
    store.close()


def only(store: Store):
    docs = list(store.documents())
    assert len(docs) == 1, docs
    return store.document(docs[0].id)


def test_seed_article_gets_its_headline_and_byline(corpus):
    report = import_paths(corpus, seed_files())
    assert (report.imported, report.failed) == (1, 0)
    doc = only(corpus)
    assert doc.title == SEED_TITLE
    assert doc.author == "Reuters"
    assert doc.text == seed_files()[0].read_text(encoding="utf-8")


def test_line_endings_and_bom_follow_the_text_rule(corpus, tmp_path):
    (tmp_path / "crlf.txt").write_bytes(
        b"\xef\xbb\xbfHeadline here\r\n\r\nBody line one\rBody\ttwo  end\r\n"
    )
    import_paths(corpus, [tmp_path / "crlf.txt"])
    assert only(corpus).text == "Headline here\n\nBody line one\nBody\ttwo  end\n"


@pytest.mark.parametrize(
    "encoding,text",
    [
        (
            "cp1252",
            "Minister’s “unacceptable” remarks – café, naïve, Ærø\n\nOfficials said the remarks were “deeply regrettable”.",
        ),
        (
            "latin-1",
            "Frappes près de la frontière\n\nLe ministre a déclaré que l'armée française avait frappé des positions.",
        ),
        ("utf-16", "Strike in Raqqa 🇸🇾\n\nResidents said 𝐍𝐈𝐍𝐄 people died."),
        ("utf-8", "قصف جوي على مدينة الباب\n\nقالت مصادر محلية إن تسعة مدنيين قتلوا."),
    ],
)
def test_encodings_arrive_intact(corpus, tmp_path, encoding, text):
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode(encoding))
    report = import_paths(corpus, [path])
    assert report.failed == 0, report.failures
    doc = only(corpus)
    assert doc.text == text
    assert doc.title == text.split("\n")[0]


def test_markdown_title_comes_from_the_heading(corpus, tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "Skip to content\n\n# Drone strike in *Marib*\n\nBy **Jane Doe**\n\n" + STORY,
        encoding="utf-8",
    )
    import_paths(corpus, [path])
    doc = only(corpus)
    assert (doc.title, doc.author) == ("Drone strike in *Marib*", "Jane Doe")


PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head><title>Strike hits market | Example News</title>
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2017-01-18T10:00:00Z">
<script>document.write('INJECTED-BY-SCRIPT')</script>
<style>.x {{color: red}}</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World news menu</a></nav>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies</div>
<article><h1>Strike hits market in Idlib</h1>
<p>{STORY}</p>
<img src="http://203.0.113.9/tracker.png">
<p>Local officials said the death toll could rise as rescuers searched the rubble of the market.</p>
<p>The Syrian Observatory for Human Rights said the jets had flown from Hmeimim air base.</p></article>
<footer>Copyright 2017 Example News. All rights reserved. Privacy policy.</footer>
<script>var tracking = 'TRACKING-CODE';</script></body></html>"""


def test_html_main_text_and_metadata_without_boilerplate(corpus, tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the importer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    report = import_paths(corpus, [path])
    assert report.failed == 0, report.failures
    doc = only(corpus)
    assert doc.title == "Strike hits market in Idlib"
    assert (doc.author, doc.published, doc.language) == ("Jane Doe", "2017-01-18", "en-gb")
    assert STORY in doc.text and "Hmeimim air base" in doc.text
    for junk in (
        "INJECTED-BY-SCRIPT",
        "TRACKING-CODE",
        "cookies",
        "World news menu",
        "Copyright",
        "color: red",
    ):
        assert junk not in doc.text


def test_jsonl_maps_fields_by_name_and_keeps_the_rest_as_metadata(corpus, tmp_path):
    path = tmp_path / "feed.jsonl"
    records = [
        {
            "headline": "Shelling in Donetsk",
            "body": STORY,
            "byline": "AP",
            "pubDate": "Wed, 18 Jan 2017 10:00:00 +0000",
            "url": "https://example.org/1",
            "desk": "europe",
        },
        {
            "title": "Second",
            "text": "Drones struck Marib overnight.",
            "lang": "en",
            "tags": ["yemen"],
            "date": "18/01/2017",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    report = import_paths(corpus, [path], collection="feed")
    assert (report.imported, report.failed) == (2, 0)
    first, second = (corpus.document(d.id) for d in corpus.documents())
    assert (first.title, first.author, first.published, first.source) == (
        "Shelling in Donetsk",
        "AP",
        "2017-01-18T10:00:00",
        "https://example.org/1",
    )
    assert first.metadata == {"desk": "europe"}
    assert (second.language, second.published, second.metadata["tags"]) == (
        "en",
        "2017-01-18",
        ["yemen"],
    )
    assert second.source == f"{path}:2"
    assert corpus.collections_of(first.id) == ["feed"]


def test_jsonl_bad_lines_are_reported_with_their_numbers_and_the_rest_imported(corpus, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"text": "First good article about Aleppo."}\n'
        '{"text": "broken, \n'
        "\n"
        '["not", "an", "object"]\n'
        '{"title": "no text here"}\n'
        '{"text": 42}\n'
        '{"text": "Last good article about Mosul."}\n',
        encoding="utf-8",
    )
    report = import_paths(corpus, [path])
    assert report.imported == 2
    assert report.failed == 4
    assert report.failures[0].startswith(f"{path}:2: malformed JSON")
    assert report.failures[1] == f"{path}:4: expected an object with a text field, found list"
    assert report.failures[2].startswith(f"{path}:5: no text field")
    assert report.failures[3] == f"{path}:6: field 'text' must be text, not int"


def test_field_mapping_overrides_the_names(corpus, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"summary": "short", "full": STORY, "head": "Market strike"}) + "\n",
        encoding="utf-8",
    )
    import_paths(corpus, [path], options=IngestOptions(fields={"text": "full", "title": "head"}))
    doc = only(corpus)
    assert (doc.title, doc.text, doc.metadata) == ("Market strike", STORY, {"summary": "short"})


def test_json_array_names_the_line_of_a_bad_record(corpus, tmp_path):
    path = tmp_path / "articles.json"
    path.write_text(
        '[\n  {"title": "A", "text": "Jets struck Raqqa."},\n  {"title": "B"},\n  {"title": "C", "text": "Shelling in Homs."}\n]\n',
        encoding="utf-8",
    )
    report = import_paths(corpus, [path])
    assert report.imported == 2
    assert report.failures == [f"{path}:3: no text field (looked for text, body, content, article)"]


def test_json_single_object_and_malformed_json(corpus, tmp_path):
    (tmp_path / "one.json").write_text(
        json.dumps({"title": "One", "content": STORY}), encoding="utf-8"
    )
    (tmp_path / "bad.json").write_text('{"title": "x",\n "text": }', encoding="utf-8")
    report = import_paths(corpus, [tmp_path / "one.json", tmp_path / "bad.json"])
    assert report.imported == 1
    assert report.failures[0].startswith(f"{tmp_path / 'bad.json'}:2: malformed JSON")


def test_csv_rows_with_sniffed_delimiter_multiline_cells_and_cp1252(corpus, tmp_path):
    path = tmp_path / "articles.csv"
    rows = 'title;text;author\n"Café strike";"Line one about the café.\nLine two – “quoted”.";Reuters\nToo;many;cells;here\nPlain;Jets struck Idlib.;\n'
    path.write_bytes(rows.encode("cp1252"))
    report = import_paths(corpus, [path])
    assert report.imported == 2
    assert report.failures == [f"{path}:4: 1 more cells than the header has columns"]
    docs = [corpus.document(d.id) for d in corpus.documents()]
    assert docs[0].text == "Line one about the café.\nLine two – “quoted”."
    assert (docs[0].title, docs[0].author) == ("Café strike", "Reuters")
    assert docs[1].author is None


def test_pdf_text_and_properties(corpus, tmp_path):
    path = make_pdf(
        tmp_path / "report.pdf",
        ["Shelling hits Donetsk (update)", "Five civilians were killed, café owners said."],
        title="Shelling hits Donetsk",
        author="AP",
    )
    import_paths(corpus, [path])
    doc = only(corpus)
    assert (doc.title, doc.author) == ("Shelling hits Donetsk", "AP")
    assert (
        doc.text == "Shelling hits Donetsk (update)\nFive civilians were killed, café owners said."
    )


def test_docx_paragraphs_and_properties(corpus, tmp_path):
    path = make_docx(
        tmp_path / "story.docx",
        ["Strike on Marib", "Houthi drones struck an oil facility.", "ضربة جوية"],
        title="Strike on Marib",
        author="Jane Doe",
    )
    import_paths(corpus, [path])
    doc = only(corpus)
    assert (doc.title, doc.author) == ("Strike on Marib", "Jane Doe")
    assert doc.text == "Strike on Marib\nHouthi drones struck an oil facility.\nضربة جوية"


def test_bad_files_are_listed_with_reasons_and_the_batch_goes_on(corpus, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-empty.txt").write_bytes(b"")
    (folder / "b-blank.txt").write_text(" \n\t\n", encoding="utf-8")
    (folder / "c-binary.txt").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    )
    (folder / "d-big.txt").write_text("word " * 3000, encoding="utf-8")
    (folder / "e-broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (folder / "f-broken.docx").write_bytes(b"PK\x03\x04 not a zip really")
    (folder / "g-script.html").write_text(
        "<html><body><script>alert(1)</script></body></html>", encoding="utf-8"
    )
    (folder / "h-good.txt").write_text("Good headline\n\n" + STORY, encoding="utf-8")
    (folder / "notes.xyz").write_text("ignored in folders", encoding="utf-8")
    (tmp_path / "explicit.xyz").write_text("named explicitly", encoding="utf-8")
    report = import_paths(
        corpus,
        [folder, tmp_path / "explicit.xyz", tmp_path / "missing.txt"],
        options=IngestOptions(max_bytes=10_000),
    )
    assert report.imported == 1
    reasons = dict(line.split(": ", 1) for line in report.failures)
    assert reasons[str(folder / "a-empty.txt")] == "empty file"
    assert reasons[str(folder / "b-blank.txt")] == "empty file (only white space)"
    assert reasons[str(folder / "c-binary.txt")] == "binary file, not text"
    assert reasons[str(folder / "d-big.txt")] == "file of 15,000 bytes is over the limit of 10,000"
    assert reasons[str(folder / "e-broken.pdf")].startswith("not a readable PDF")
    assert reasons[str(folder / "f-broken.docx")].startswith("not a readable .docx file")
    assert reasons[str(folder / "g-script.html")] == "no article text found in the page"
    assert reasons[str(tmp_path / "explicit.xyz")].startswith("unsupported file type .xyz")
    assert reasons[str(tmp_path / "missing.txt")] == "no such file or folder"
    assert report.failed == len(reasons) == 9
    assert only(corpus).title == "Good headline"


def test_oversized_record_is_refused_but_its_neighbours_import(corpus, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"text": "x " * 600}) + "\n" + json.dumps({"text": "Short article."}) + "\n",
        encoding="utf-8",
    )
    report = import_paths(corpus, [path], options=IngestOptions(max_bytes=1000))
    assert report.imported == 1
    assert report.failures == [f"{path}:1: text of 1,200 characters is over the limit of 1,000"]


def test_duplicates_are_skipped_and_near_duplicates_flagged(corpus, tmp_path):
    folder = tmp_path / "wire"
    (folder / "nested" / "deeper").mkdir(parents=True)
    original = seed_files()[0].read_text(encoding="utf-8")
    (folder / "a.txt").write_text(original, encoding="utf-8")
    (folder / "nested" / "b-copy.txt").write_text(original, encoding="utf-8")
    edited = (
        original.replace("nine", "9").replace("Wednesday", "Thursday")
        + "\nAdditional reporting by AFP.\n"
    )
    (folder / "nested" / "deeper" / "c-edited.txt").write_text(edited, encoding="utf-8")
    (folder / "nested" / ".hidden.txt").write_text(
        "Hidden headline\n\nNever imported.", encoding="utf-8"
    )
    (folder / "d-other.txt").write_text("Other story\n\n" + STORY, encoding="utf-8")
    report = import_paths(corpus, [folder])
    assert (report.imported, report.duplicates, report.near_duplicates, report.failed) == (
        3,
        1,
        1,
        0,
    )
    assert report.duplicate_details == [
        f"{folder / 'nested' / 'b-copy.txt'}: same text as document 1"
    ]
    assert report.near_duplicate_details[0].startswith(
        f"{folder / 'nested' / 'deeper' / 'c-edited.txt'}: near-duplicate of document 1"
    )
    # Folders are walked top-down in name order: a.txt, d-other.txt, nested/..., nested/deeper/...
    assert [d.near_duplicate_of for d in corpus.documents()] == [None, None, 1]


def test_import_on_both_engines_gives_the_same_corpus(store, tmp_path):
    (tmp_path / "one.txt").write_text(
        "Jets strike al-Bab\n\nBy Reuters\n\n" + STORY, encoding="utf-8"
    )
    (tmp_path / "two.jsonl").write_text(
        json.dumps({"title": "Two", "text": "قصف جوي 😀 e\u0301"}) + "\n", encoding="utf-8"
    )
    report = import_paths(store, [tmp_path], collection="batch")
    assert (report.imported, report.failed) == (2, 0)
    docs = list(store.documents())
    assert [d.title for d in docs] == ["Jets strike al-Bab", "Two"]
    assert store.document(docs[1].id).text == "قصف جوي 😀 e\u0301"
    assert [d.collections for d in docs] == [("batch",), ("batch",)]


def test_nul_characters_are_refused_alike_on_both_engines(store, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps({"text": "Bad\u0000text"})
        + "\n"
        + json.dumps({"text": "Café in Zürich reopened."})
        + "\n",
        encoding="utf-8",
    )
    report = import_paths(store, [path])
    assert report.imported == 1
    assert report.failures == [
        f"{path}:1: the article holds a NUL character (U+0000), which a corpus cannot store"
    ]


def test_search_ignores_accents_on_both_engines(store):
    from annotator.document import Document

    doc_id = store.add_document(
        Document(text="Café owners in Zürich reopened on Monday.", title="Zürich")
    ).id
    assert [h.id for h in store.search("cafe zurich")] == [doc_id]
    assert [h.id for h in store.search("CAFÉ")] == [doc_id]


def test_bulk_imported_articles_are_searchable_and_leave_no_flag(store, tmp_path):
    from corpus.models import CorpusMeta

    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"title": f"Report {i}", "text": f"Shelling near checkpoint{i} in Donetsk."})
        for i in range(30)
    ]
    lines.insert(10, json.dumps({"text": "Bad\u0000record"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert (report.imported, report.failed) == (30, 1)
    assert [h.title for h in store.search("checkpoint7")] == ["Report 7"]
    assert len(store.search("Donetsk", limit=100)) == 30
    assert [row.key for row in CorpusMeta.select()] == ["schema_version"]
    # A document added on its own afterwards is indexed by the trigger as before.
    from annotator.document import Document

    store.add_document(Document(text="Drones over Kharkiv checkpoint99.", title="Single"))
    assert [h.title for h in store.search("checkpoint99")] == ["Single"]


def _feed_with_copies(path: Path, n: int) -> None:
    """``n`` distinct articles of generated words; every seventh is an edited copy of the one before."""
    import random

    vocabulary = [f"w{k}" for k in range(5000)]
    records: list[dict[str, str]] = []
    for i in range(n):
        if i % 7 == 6:
            words = records[-1]["text"].split()
            words[10] = "edited"
            text = " ".join(words)
        else:
            text = f"checkpoint{i} " + " ".join(random.Random(i).choices(vocabulary, k=400))
        records.append({"title": f"Item {i}", "text": text})
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_large_imports_fingerprint_in_a_second_process_with_the_same_results(
    corpus, tmp_path, monkeypatch
):
    from corpus.ingest import importer

    path = tmp_path / "feed.jsonl"
    _feed_with_copies(path, 23)
    monkeypatch.setattr(importer, "BATCH_ARTICLES", 5)  # full batches: the second process starts
    report = import_paths(corpus, [path])
    assert (report.imported, report.failed, report.duplicates) == (23, 0, 0)
    assert report.near_duplicates == 3
    flagged = [(d.title, d.near_duplicate_of) for d in corpus.documents() if d.near_duplicate_of]
    assert [title for title, _ in flagged] == ["Item 6", "Item 13", "Item 20"]
    assert [h.title for h in corpus.search("checkpoint11")] == ["Item 11"]


def test_a_failing_fingerprint_process_falls_back_to_this_one(corpus, tmp_path, monkeypatch):
    import concurrent.futures
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from corpus.ingest import importer

    class BrokenPool:
        def __init__(self, *args, **kwargs):
            pass

        def submit(self, *args):
            future: Future = Future()
            future.set_exception(BrokenProcessPool("worker died"))
            return future

        def shutdown(self, **kwargs):
            pass

    path = tmp_path / "feed.jsonl"
    _feed_with_copies(path, 12)
    monkeypatch.setattr(importer, "BATCH_ARTICLES", 5)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", BrokenPool)
    report = import_paths(corpus, [path])
    assert (report.imported, report.near_duplicates, report.failed) == (12, 1, 0)


def test_nul_characters_in_metadata_are_refused_too(store, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        json.dumps(
            {"text": "Shelling in Donetsk.", "desk": "east\u0000ern", "tags": ["a", "b\u0000"]}
        )
        + "\n",
        encoding="utf-8",
    )
    report = import_paths(store, [path])
    assert (report.imported, report.failed) == (0, 1)
    assert "NUL character" in report.failures[0]
