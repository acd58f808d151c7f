"""Bad input for the importers: seed files of every kind, mutations of them, and one run of an
import that says whether it ended as the project promises (a one-line refusal or a clean
import, never another exception, never a part of a refused record in the corpus).

Shared by the tests in this package (a few examples each) and ``python -m bench.bad_input``
(the long run)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import AnnotatorError
from corpus import resources
from corpus.exchange import import_annotations
from corpus.ingest.importer import IngestOptions, import_paths
from corpus.store import Store
from tests.conftest import close_bound_database
from tests.corpus.article_files import make_docx, make_pdf

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"

# One sample (file or folder) per annotation format, from ../shared/samples.
FORMAT_SAMPLES = {
    "brat": "brat/tutorial-news",
    "conll": "conll",
    "jsonl": "doccano/import-relation_extraction-example.jsonl",
    "labelstudio": "label-studio/synthetic-export-ner-relations-overlap-emoji-crlf.json",
    "xmi": "uima-xmi/inception-relation-crlf",
    "webanno-tsv": "uima-xmi/inception-tsv3-emoji/reference.tsv",
    "w3c": "w3c-web-annotation",
    "spacy": "spacy/generated-v2-training-format.json",
    "hf": "hf-datasets/conll2003-layout-sample.jsonl",
}

ARTICLE_TEXT = [
    "Aleppo shelling kills 12",
    "By Jane Roe",
    "Twelve people were killed on Monday when shells hit a market in Aleppo, officials said.",
    "Rescue workers searched the rubble until night fell.",
]


def write_articles(folder: Path) -> dict[str, Path]:
    """One small valid article file of each importable type, by suffix."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n\n".join(ARTICLE_TEXT)
    body = "".join(f"<p>{line}</p>" for line in ARTICLE_TEXT[2:])
    files = {
        ".txt": folder / "a.txt",
        ".md": folder / "a.md",
        ".html": folder / "a.html",
        ".json": folder / "a.json",
        ".jsonl": folder / "a.jsonl",
        ".csv": folder / "a.csv",
    }
    files[".txt"].write_text(text, encoding="utf-8")
    files[".md"].write_text("# " + text, encoding="utf-8")
    files[".html"].write_text(
        f"<html lang='en'><head><title>{ARTICLE_TEXT[0]}</title></head>"
        f"<body><article><h1>{ARTICLE_TEXT[0]}</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    files[".json"].write_text(
        '[{"title": "One", "text": "First article about Aleppo and its markets today."},'
        ' {"title": "Two", "text": "Second article about Idlib and the roads north."}]',
        encoding="utf-8",
    )
    files[".jsonl"].write_text(
        '{"title": "One", "text": "First article about Aleppo and its markets today."}\n'
        '{"title": "Two", "text": "Second article about Idlib and the roads north."}\n',
        encoding="utf-8",
    )
    files[".csv"].write_text(
        "title,text\nOne,First article about Aleppo and its markets today.\n"
        "Two,Second article about Idlib and the roads north.\n",
        encoding="utf-8",
    )
    files[".pdf"] = make_pdf(folder / "a.pdf", ARTICLE_TEXT, title="Aleppo", author="Jane Roe")
    files[".docx"] = make_docx(folder / "a.docx", ARTICLE_TEXT, title="Aleppo", author="Jane Roe")
    return files


# Mutations: each turns a file's bytes into other bytes, driven by ``rng``.
def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def _lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    i = rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines.insert(i, lines[i])  # duplicated
    else:
        del lines[i]  # removed
    return b"".join(lines)


def _encoding(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", errors="replace")
    encoding = rng.choice(["utf-16", "utf-16-be", "latin-1", "cp1252", "utf-32", "shift_jis"])
    return text.encode(encoding, errors="replace")


def _splice(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = rng.choice([b"\x00", b"\xff\xfe", b'"', b"}", b"<", b"\t", b"\r", b"\n", b"\\u"])
    return data[:at] + junk * rng.randint(1, 3) + data[at:]


MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "byte flips": _flip,
    "truncation": _truncate,
    "duplicated or removed line": _lines,
    "wrong encoding": _encoding,
    "spliced bytes": _splice,
}


def mutated_copy(source: Path, dest: Path, rng: random.Random, mutation: str) -> Path:
    """A copy of ``source`` (a file, or a folder with one of its files mutated) at ``dest``."""
    if source.is_dir():
        shutil.copytree(source, dest)
        files = sorted(p for p in dest.rglob("*") if p.is_file())
        target = rng.choice(files)
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        target = dest.with_suffix(source.suffix) if dest.suffix != source.suffix else dest
        shutil.copyfile(source, target)
        for sibling in source.parent.glob("*features.json"):  # what HF data is read with
            shutil.copyfile(sibling, target.parent / sibling.name)
        dest = target
    target.write_bytes(MUTATIONS[mutation](target.read_bytes(), rng))
    return dest


@dataclass(frozen=True)
class Outcome:
    """How one import ended: ``imported``, ``refused`` (with one-line reasons) or ``crash``."""

    kind: str
    detail: str = ""


def _stored(store: Store) -> tuple[int, int]:
    """Documents, and spans that do not fit their document's text (a sign of a partial record)."""
    with sqlite3.connect(store.db.database) as raw:
        docs = raw.execute("SELECT count(*) FROM document").fetchone()[0]
        bad = raw.execute(
            "SELECT count(*) FROM span s JOIN annotation_set a ON a.id = s.annotation_set_id"
            " JOIN document d ON d.id = a.document_id"
            " WHERE s.start < 0 OR s.end > length(d.text) OR s.start > s.end"
        ).fetchone()[0]
        check = raw.execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok", check
    return docs, bad


def _one_line(messages: list[str]) -> str:
    wrong = [m for m in messages if "\n" in m or ": " not in m or "Traceback" in m]
    return f"refusal not one line with a place: {wrong[0]!r}" if wrong else ""


def open_corpus(path: Path) -> Store:
    """A new corpus file at ``path`` with the shipped schema."""
    close_bound_database()
    store = Store.open(str(path))
    store.set_schema(resources.shipped_schema())
    return store


def run_import(kind: str, path: Path, store: Store) -> Outcome:
    """Import ``path`` (``kind`` an annotation format's name, or ``articles``) into ``store``
    and judge the outcome: no other exception than the project's errors, every refusal one
    line naming its place, no more documents stored than the import says it added."""
    before, _ = _stored(store)
    try:
        if kind == "articles":
            report = import_paths(store, [path], options=IngestOptions())
            messages, added = report.failures, report.imported
        else:
            fmt_report = import_annotations(store, kind, [path], extend_schema=True)
            messages = [str(e) for e in fmt_report.errors]
            added = fmt_report.documents
    except AnnotatorError as exc:
        messages, added = [str(exc)], 0
    except Exception as exc:  # what the CLI would report as an internal error
        return Outcome("crash", f"{type(exc).__name__}: {exc}"[:300])
    after, bad_spans = _stored(store)
    if bad_spans:
        return Outcome("crash", f"{bad_spans} stored span(s) outside their text")
    if after - before > added:
        return Outcome("crash", f"{after - before} documents stored, {added} reported added")
    if wrong := _one_line(messages):
        return Outcome("crash", wrong)
    return Outcome("refused" if messages else "imported", messages[0] if messages else "")
