"""SIGKILL of ``annotator --db postgresql://... import`` on a throwaway PostgreSQL cluster
(:mod:`bench.pg_cluster`), and what the fault harness checks in the database it left: every
acknowledged article there, every document whole, no session of the killed client left behind.
Used by ``python -m bench.faults`` and, with few runs, by tests/reliability."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import psycopg2

from bench import fault_checks as checks
from bench.fault_cases import calibrate, kill_import_once, new_phases, phase_note
from bench.fault_runs import COLLECTION, Outcome, new_corpus, repeat
from bench.pg_cluster import Cluster, cluster
from corpus.dedup import BANDS, content_hash, fingerprint

SEARCH_CONFIG = "annotator_search"
"""The text search configuration of the corpus's ``search_vector`` (corpus/search.py)."""
SESSIONS_GONE_SECONDS = 10.0
"""How long the server may take to end the killed client's session (and roll it back)."""


def _query(url: str, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())
    finally:
        conn.close()


def leftover_sessions(url: str, name: str) -> list[str]:
    """Sessions on the database ``name`` still there ``SESSIONS_GONE_SECONDS`` after the kill
    (the client's, which the server must end and roll back)."""
    sql = (
        "SELECT pid, state, left(query, 60) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + SESSIONS_GONE_SECONDS
    while (rows := _query(url, sql, (name,))) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [f"a session of the killed client is left: {row}" for row in rows]


def pg_import_problems(url: str, events: Iterable[Mapping[str, Any]]) -> list[str]:
    """The acknowledged articles missing, and every document not wholly there: its text's hash,
    MinHash and bands, search vector (found by one of its words), collection."""
    rows = _query(
        url,
        "SELECT d.id, d.text, d.content_hash, d.minhash IS NOT NULL, "
        "(SELECT count(*) FROM document_band b WHERE b.document_id = d.id), "
        "EXISTS (SELECT 1 FROM document_collection dc JOIN collection c "
        "ON c.id = dc.collection_id WHERE dc.document_id = d.id AND c.name = %s) "
        "FROM document d",
        (COLLECTION,),
    )
    held = {row[0] for row in rows}
    problems = [
        f"{e['where']}: reported imported as {e['document_id']}, not in the corpus"
        for e in events
        if e["outcome"] in ("imported", "near_duplicate") and e["document_id"] not in held
    ]
    words = {doc_id: checks.search_word(text) for doc_id, text, *_ in rows}
    found = {
        row[0]
        for row in _query(
            url,
            "SELECT d.id FROM document d JOIN unnest(%s::int[], %s::text[]) AS w(id, word) "
            "ON w.id = d.id WHERE d.search_vector @@ plainto_tsquery("
            f"'{SEARCH_CONFIG}'::regconfig, w.word)",
            (list(words), list(words.values())),
        )
    }
    for doc_id, text, digest, has_minhash, bands, member in rows:
        if digest != content_hash(text):
            problems.append(f"document {doc_id}: content hash does not match its text")
        if (not has_minhash or bands != BANDS) and fingerprint(text) is not None:
            problems.append(f"document {doc_id}: MinHash or bands missing ({bands})")
        if not member:
            problems.append(f"document {doc_id}: not in collection {COLLECTION!r}")
        if doc_id not in found:
            problems.append(
                f"document {doc_id}: not found by its search vector ({words[doc_id]!r})"
            )
    return problems


def kill_pg_import(
    work: Path,
    jsonl: Path,
    runs: int,
    seed: int,
    say: Callable[[str], None],
    server: Cluster | None = None,
) -> Outcome:
    """SIGKILL ``annotator import`` of ``jsonl`` into a PostgreSQL corpus at moments drawn from
    the commits of an uninterrupted import; on ``server``, or on a cluster started for it."""
    outcome = Outcome(
        "SIGKILL of `annotator import` into PostgreSQL",
        "every reported article there; every document complete (hash, MinHash and bands, "
        "search vector, collection); the killed client's session ended by the server",
    )
    if server is None:
        try:
            with cluster("faults") as started:
                return kill_pg_import(work, jsonl, runs, seed, say, started)
        except RuntimeError as exc:
            outcome.note = f"skipped: {exc}"
            say(f"{outcome.case}: {outcome.note}")
            return outcome
    rng = random.Random(seed)
    name, url = server.fresh()
    commits = calibrate(url, jsonl, lambda: new_corpus(url))
    server.drop(name)
    phases = new_phases()

    def once(i: int) -> list[str]:
        name, url = server.fresh()
        try:
            new_corpus(url)
            events, problems = kill_import_once(url, jsonl, commits, rng, phases)
            outcome.acknowledged += len(events)
            problems += leftover_sessions(server.server.url, name)
            return problems + pg_import_problems(url, events)
        finally:
            server.drop(name)

    repeat(outcome, runs, once, say)
    outcome.note = (
        f"{jsonl.stat().st_size / 1e6:.0f} MB of articles, {len(commits.at)} commits; "
        + phase_note(phases)
    )
    return outcome
