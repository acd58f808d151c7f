"""The short version of ``python -m bench.faults``: a few SIGKILLs of an import (on SQLite and on
PostgreSQL), of the app annotating, importing annotations and exporting, two apps and an import
at once, and a full disk; each fails if anything the user was told is done goes missing, if a
document is left half imported or an export half written, or if the corpus is damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import fault_cases as cases
from bench import fault_exchange_cases as exchange_cases
from bench.corpus_import import write_jsonl
from bench.fault_pg import kill_pg_import
from bench.pg_cluster import Cluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    """2,300 generated articles (about 8 MB): two batches, more than the small disk holds."""
    path = tmp_path_factory.mktemp("articles") / "articles.jsonl"
    write_jsonl(2300, path)
    return path


def test_killing_an_import_keeps_every_reported_article_whole(tmp_path, articles):
    outcome = cases.kill_import(tmp_path, articles, 3, seed=1, say=print)
    assert outcome.runs == 3
    assert outcome.failures == []


@pytest.mark.postgres
def test_killing_an_import_into_postgresql_keeps_every_reported_article_whole(
    tmp_path, articles, pg_server
):
    server = Cluster(pg_server, "faults")
    outcome = kill_pg_import(tmp_path, articles, 2, seed=1, say=print, server=server)
    assert outcome.runs == 2
    assert outcome.failures == []


def test_killing_the_app_keeps_every_acknowledged_edit(tmp_path):
    outcome = cases.kill_app(tmp_path, 3, seed=1, say=print)
    assert outcome.runs == 3
    assert outcome.failures == []
    assert outcome.acknowledged > 0  # edits were made before the kills


def test_killing_the_app_importing_annotations_leaves_whole_documents(tmp_path):
    outcome = exchange_cases.kill_app_import(tmp_path, 1200, 2, seed=1, say=print)
    assert outcome.runs == 2
    assert outcome.failures == []


def test_killing_the_app_exporting_never_leaves_a_partial_file_in_place(tmp_path):
    outcome = exchange_cases.kill_app_export(tmp_path, 1200, 3, seed=1, say=print)
    assert outcome.runs == 3
    assert outcome.failures == []


def test_two_apps_and_an_import_at_once_lose_nothing_and_never_say_locked(tmp_path):
    small = tmp_path / "small.jsonl"
    write_jsonl(400, small)
    outcome = cases.crowd(tmp_path, small, 1, seed=1, say=print, actions=25)
    assert outcome.failures == []
    assert outcome.acknowledged == 2 * 25 + 400  # every edit acknowledged, every article


def test_a_full_disk_is_one_clear_line_and_the_corpus_stays_whole(tmp_path, articles):
    outcome = cases.disk_full(tmp_path, articles, 1, say=print)
    if outcome.note.startswith("skipped"):
        pytest.skip(outcome.note)
    assert outcome.failures == []
    assert outcome.acknowledged >= cases.HEAD_ARTICLES  # committed before the disk filled
    assert "database or disk is full" in outcome.note  # not a failed rollback's message
    assert "out.jsonl: No space left on device" in outcome.note  # the export names its file
