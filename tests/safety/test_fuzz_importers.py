"""Every importer fed random bytes and mutated copies of real files (articles of each type, and
each annotation format's sample from ../shared/samples): every import ends in stored documents
or one-line refusals naming the place, never another exception, and a refused record leaves
nothing behind. A few examples each here; ``python -m bench.bad_input`` is the long run."""

from __future__ import annotations

import random
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.store import Store
from tests.safety.harness import (
    FORMAT_SAMPLES,
    MUTATIONS,
    SAMPLES,
    mutated_copy,
    open_corpus,
    run_import,
    write_articles,
)

ARTICLE_TYPES = [".txt", ".md", ".html", ".json", ".jsonl", ".csv", ".pdf", ".docx"]
FORMATS = list(FORMAT_SAMPLES)
FAST = settings(
    max_examples=20,  # the suite's share; python -m bench.bad_input runs thousands
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = open_corpus(tmp_path / "c.db")
    yield store
    store.close()


def _sample(name: str) -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"{SAMPLES} is absent (the shared sample files are not part of a clone)")
    if name == "spacy":
        pytest.importorskip("spacy", reason="spaCy (the optional 'spacy' extra) is not installed")
    return SAMPLES / FORMAT_SAMPLES[name]


def _assert_fine(kind: str, path: Path, store: Store) -> None:
    outcome = run_import(kind, path, store)
    assert outcome.kind != "crash", f"{path.name}: {outcome.detail}"


@pytest.mark.parametrize("suffix", ARTICLE_TYPES)
def test_random_bytes_as_an_article_file(suffix: str, store: Store, tmp_path: Path) -> None:
    @FAST
    @given(data=st.binary(max_size=2000))
    def check(data: bytes) -> None:
        path = tmp_path / f"random{suffix}"
        path.write_bytes(data)
        _assert_fine("articles", path, store)

    check()


@pytest.mark.parametrize("suffix", ARTICLE_TYPES)
def test_mutated_article_files(suffix: str, store: Store, tmp_path: Path) -> None:
    source = write_articles(tmp_path / "seed")[suffix]

    @FAST
    @given(seed=st.integers(0, 2**32), mutation=st.sampled_from(list(MUTATIONS)))
    def check(seed: int, mutation: str) -> None:
        dest = Path(tempfile.mkdtemp(dir=tmp_path)) / source.name
        _assert_fine("articles", mutated_copy(source, dest, random.Random(seed), mutation), store)

    check()


@pytest.mark.parametrize("name", FORMATS)
def test_random_bytes_in_an_annotation_format(name: str, store: Store, tmp_path: Path) -> None:
    suffix = _sample(name).suffix or ".txt"

    @FAST
    @given(data=st.binary(max_size=2000))
    def check(data: bytes) -> None:
        path = tmp_path / f"random{suffix}"
        path.write_bytes(data)
        _assert_fine(name, path, store)

    check()


@pytest.mark.parametrize("name", FORMATS)
def test_mutated_samples_of_each_format(name: str, store: Store, tmp_path: Path) -> None:
    source = _sample(name)

    @FAST
    @given(seed=st.integers(0, 2**32), mutation=st.sampled_from(list(MUTATIONS)))
    def check(seed: int, mutation: str) -> None:
        dest = Path(tempfile.mkdtemp(dir=tmp_path)) / source.name
        _assert_fine(name, mutated_copy(source, dest, random.Random(seed), mutation), store)

    check()


def test_a_refused_record_leaves_only_the_good_ones(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"title": "Good", "text": "A good article about Aleppo."}\n'
        '{"title": "Bad", "text": 12}\n'
        '{"title": "Broken", "text": "unterminated\n'
        '{"title": "Also good", "text": "Another good article about Idlib."}\n',
        encoding="utf-8",
    )
    outcome = run_import("articles", path, store)
    assert outcome.kind == "refused" and f"{path}:2" in outcome.detail
    assert sorted(d.title for d in store.documents()) == ["Also good", "Good"]


def test_a_docx_with_a_damaged_member_is_refused(store: Store, tmp_path: Path) -> None:
    path = write_articles(tmp_path / "seed")[".docx"]
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
    # The member's compressed bytes start after its local header (30 bytes, name, extra).
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + info.compress_size - 10, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    outcome = run_import("articles", path, store)
    assert outcome.kind == "refused" and "not a readable .docx file" in outcome.detail
