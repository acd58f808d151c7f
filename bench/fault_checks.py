"""What the fault harness checks in a SQLite corpus left behind by a killed or crowded process:
the file's integrity, every document complete, and the spans an editor acknowledged."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from corpus.dedup import BANDS, content_hash, fingerprint

SpanState = dict[int, tuple[int, int, str]]
"""Span id -> (start, end, label)."""

MESSAGE = "editor message: "
"""The prefix of what the app's editor told the user, on its stderr (apart from Qt's own)."""

_WORD = re.compile(r"\w{4,}")


def connect(db: Path) -> sqlite3.Connection:
    """A plain connection (as another program would open the file after the crash)."""
    con = sqlite3.connect(str(db), timeout=30)
    con.execute("PRAGMA busy_timeout = 30000")
    return con


def integrity_problems(con: sqlite3.Connection) -> list[str]:
    """What ``integrity_check``, ``foreign_key_check`` and FTS5's own check find wrong."""
    problems = [row[0] for row in con.execute("PRAGMA integrity_check") if row[0] != "ok"]
    problems += [f"foreign key: {row}" for row in con.execute("PRAGMA foreign_key_check")]
    try:
        con.execute("INSERT INTO document_fts(document_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"fts5 integrity-check: {exc}")
    return problems


def incomplete_documents(con: sqlite3.Connection, collection: str | None) -> list[str]:
    """Every document that is not wholly there: its text's hash, its MinHash and bands, its
    place in the full-text index (found by one of its words) and in ``collection`` (unless
    None)."""
    members = {
        row[0]
        for row in con.execute(
            "SELECT dc.document_id FROM document_collection dc JOIN collection c "
            "ON c.id = dc.collection_id WHERE c.name = ?",
            (collection,),
        )
    }
    bands = dict(con.execute("SELECT document_id, count(*) FROM document_band GROUP BY 1"))
    problems = []
    for doc_id, text, digest, minhash in con.execute(
        "SELECT id, text, content_hash, minhash FROM document"
    ):
        if digest != content_hash(text):
            problems.append(f"document {doc_id}: content hash does not match its text")
        if (minhash is None or bands.get(doc_id) != BANDS) and fingerprint(text) is not None:
            problems.append(f"document {doc_id}: MinHash or bands missing ({bands.get(doc_id)})")
        if collection is not None and doc_id not in members:
            problems.append(f"document {doc_id}: not in collection {collection!r}")
        word = search_word(text)
        found = con.execute(
            "SELECT count(*) FROM document_fts WHERE document_fts MATCH ? AND rowid = ?",
            (f'"{word}"', doc_id),
        ).fetchone()[0]
        if not found:
            problems.append(f"document {doc_id}: not found in the search index by {word!r}")
    return problems


def search_word(text: str) -> str:
    """A word of ``text`` to find it by in the search index: the longest of its beginning."""
    head = text[:400].rsplit(None, 1)[0] if len(text) > 400 else text  # whole words
    words: list[str] = _WORD.findall(head)
    return max(words or ["x"], key=len)


def missing_acknowledged(con: sqlite3.Connection, events: Iterable[Mapping[str, Any]]) -> list[str]:
    """The documents an import reported as imported that the corpus does not hold."""
    held = {row[0] for row in con.execute("SELECT id FROM document")}
    return [
        f"{e['where']}: reported imported as {e['document_id']}, not in the corpus"
        for e in events
        if e["outcome"] in ("imported", "near_duplicate") and e["document_id"] not in held
    ]


def stored_spans(con: sqlite3.Connection, doc_id: int, annotator: str) -> SpanState:
    """``annotator``'s spans of ``doc_id`` in the corpus."""
    rows = con.execute(
        'SELECT s.id, s.start, s."end", s.label FROM span s '
        "JOIN annotation_set a ON a.id = s.annotation_set_id "
        "JOIN annotator n ON n.id = a.annotator_id WHERE a.document_id = ? AND n.name = ?",
        (doc_id, annotator),
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def span_problems(
    stored: SpanState, acknowledged: SpanState, pending: Mapping[str, Any] | None
) -> list[str]:
    """How ``stored`` differs from the state the acknowledged actions left, allowing the one
    action in flight when the process died (``pending``) to have happened or not."""
    allowed = [dict(acknowledged)]
    if pending is not None:
        after = dict(acknowledged)
        if pending["op"] == "add":
            extra = set(stored) - set(acknowledged)
            if len(extra) == 1:
                after[extra.pop()] = (pending["start"], pending["end"], pending["label"])
        elif pending["op"] == "relabel" and pending["id"] in after:
            start, end, _ = after[pending["id"]]
            after[pending["id"]] = (start, end, pending["label"])
        elif pending["op"] == "delete":
            after.pop(pending["id"], None)
        allowed.append(after)
    if stored in allowed:
        return []
    lost = {k: v for k, v in acknowledged.items() if stored.get(k) != v}
    unasked = {k: v for k, v in stored.items() if k not in acknowledged}
    return [f"spans differ from the acknowledged actions: lost/changed {lost}, extra {unasked}"]
