"""The corpus foundation's figures: importing N generated news articles, searching them, and the
import's peak memory, each beside a raw ``sqlite3`` baseline measured in the same run.

Both imports run in child processes (``python -m bench.corpus_import raw|project JSONL DB``),
which report their time and their own peak resident memory as JSON; the parent then queries the
two databases they leave behind.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from bench import Context, Result, register
from bench.children import at_most_times, cached, compared, print_profile, run_child, say
from bench.process_memory import WorkerWatch, maxrss_mb

SEED = 20240601

IMPORT_TARGET = 2.0  # the project's import takes at most this many times the baseline's time
SEARCH_TARGET_MS = 20.0  # median time of a ranked query, through Store.search
MEMORY_TARGET_MB = 300.0  # peak resident memory of the importing process

# -- generated articles ------------------------------------------------------------------------

_FUNCTION_WORDS = """the of and to in a is that for on was with as by at from it he said his be
have are has an not they but were who which had their its this been after will more one would
about than up over also into two when there new all other out last she her first year could
some if no what them may most just against under three before while since during where because
""".split()

# News is topical: a word like "election" fills some articles and is absent from most. Each
# topic lists its words, most frequent first, then its recurring two-word phrases.
_TOPICS = [
    (
        "government election minister president parliament party vote opposition senate voters "
        "campaign candidate congress reform policy council mayor coalition ballot referendum",
        "prime minister|white house|election campaign|european union",
    ),
    (
        "police court case trial judge prison investigation suspects arrested charged law "
        "lawyer victims evidence sentence jury prosecutors verdict appeal fraud",
        "supreme court|police officers|human rights",
    ),
    (
        "market economy bank prices percent billion growth inflation trade budget debt investors "
        "shares exports imports taxes spending currency recession profits",
        "central bank|interest rates|stock market|oil prices|trade deal",
    ),
    (
        "military troops war forces attack border security ceasefire refugees soldiers embassy "
        "weapons wounded rebels militants airstrike army navy conflict sanctions",
        "peace talks|security forces|united nations|foreign ministry",
    ),
    (
        "health hospital patients doctors school students university research study vaccine "
        "virus disease teachers children nurses treatment scientists clinic cancer",
        "health care|public health",
    ),
    (
        "climate energy weather storm flood fire drought earthquake water farmers emissions "
        "carbon rain temperatures wildlife forest power coal solar wind",
        "climate change|natural disaster",
    ),
    (
        "workers company union strike protest jobs wages industry factory technology internet "
        "data network phone protesters rally employees chief executive startup",
        "labour union|social media",
    ),
    (
        "football match team season coach players club league cup champion film music festival "
        "record museum history artists concert stadium goal",
        "world cup|film festival",
    ),
]
_GENERAL_PHRASES = ["press conference", "last week", "local time"]

_FIRST = """Anna Ben Carla David Elena Farid Grace Hiro Ines Jonas Kemal Laura Mehdi Nadia Omar
Paula Quentin Rosa Samir Tanya Umar Vera Walid Xenia Yusuf Zara""".split()
_LAST = """Adams Bauer Costa Dubois Evans Fischer Garcia Haddad Ivanova Jensen Kowalski Lopez
Moreau Nowak Okafor Petrov Quinn Rossi Schmidt Tanaka Ueda Varga Weber Yilmaz Zhang""".split()

_ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fr gr pr st tr ch sh th".split()
_VOWELS = "a e i o u a e i o u ai ea ou".split()
_CODAS = ["", "", "", "n", "r", "s", "l", "m", "t", "nd", "st"]

PSEUDO_WORDS = 40_000  # made-up words: the long tail of names, places and rarer words
TOPIC_SHARE = 0.07  # of an article's words, this share comes from its topics
STRAY_SHARE = 0.003  # and this share from any topic, as news words turn up everywhere
NEAR_COPY_EVERY = 100  # one article in this many is a lightly edited copy of a recent one


class ArticleGenerator:
    """Deterministic news-like articles, about 3 KB each, with a Zipf-distributed vocabulary.

    Every article has one or two topics. Its words are drawn from function words and 40,000
    made-up words (Zipf-ranked, so made-up words far down the ranks match a few hundred
    articles, as names do), with a share of its topics' words and phrases mixed in.
    """

    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        words = list(dict.fromkeys(_FUNCTION_WORDS))
        known = set(words) | {w for topic, _ in _TOPICS for w in topic.split()}
        while len(words) < len(_FUNCTION_WORDS) + PSEUDO_WORDS:
            word = "".join(
                self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS)
                for _ in range(self.rng.randint(2, 3))
            ) + self.rng.choice(_CODAS)
            if self.rng.random() < 0.03:  # a few accented words, for the diacritics folding
                word = word.replace("e", "é", 1).replace("u", "ü", 1)
            if word not in known:
                known.add(word)
                words.append(word)
        self.vocabulary = words
        self.cum_weights = list(accumulate(1.0 / (rank + 2) ** 1.07 for rank in range(len(words))))
        self.topics = [(words.split(), phrases.split("|")) for words, phrases in _TOPICS]
        self.topic_weights = list(accumulate(1.0 / (rank + 1) for rank in range(20)))
        self.all_topic_words = [w for topic, _ in self.topics for w in topic]
        self.authors = [f"{f} {last}" for f in _FIRST for last in _LAST][:300]
        self.recent: list[dict[str, Any]] = []

    def articles(self, n: int) -> Iterator[dict[str, Any]]:
        """Yield ``n`` articles as dicts with keys title, text, author, published."""
        for i in range(n):
            if i >= NEAR_COPY_EVERY and i % NEAR_COPY_EVERY == NEAR_COPY_EVERY // 2:
                article = self._near_copy(self.rng.choice(self.recent))
            else:
                article = self._article()
            self.recent = [*self.recent[-49:], article]
            yield article

    def _topic_word(self, topics: list[tuple[list[str], list[str]]]) -> str:
        topic_words = self.rng.choice(topics)[0]
        return self.rng.choices(topic_words, cum_weights=self.topic_weights[: len(topic_words)])[0]

    def _article(self) -> dict[str, Any]:
        rng = self.rng
        topics = rng.sample(self.topics, 2 if rng.random() < 0.3 else 1)
        words = rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=rng.randint(380, 620))
        for k in range(len(words)):
            draw = rng.random()
            if draw < TOPIC_SHARE:
                words[k] = self._topic_word(topics)
            elif draw < TOPIC_SHARE + STRAY_SHARE:
                words[k] = rng.choice(self.all_topic_words)
        phrases = [p for _, ps in topics for p in ps] + _GENERAL_PHRASES
        sentences, i = [], 0
        while i < len(words):
            length = rng.randint(8, 24)
            sentence = words[i : i + length]
            i += length
            if rng.random() < 0.15:
                sentence.insert(rng.randrange(len(sentence) + 1), rng.choice(phrases))
            sentences.append(" ".join(sentence).capitalize() + ".")
        paragraphs, j = [], 0
        while j < len(sentences):
            step = rng.randint(2, 5)
            paragraphs.append(" ".join(sentences[j : j + step]))
            j += step
        title = [self._topic_word(topics) for _ in range(2)]
        title += rng.sample(self.vocabulary[40:3000], rng.randint(2, 6))
        rng.shuffle(title)
        day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
        return {
            "title": " ".join(title).capitalize(),
            "text": "\n\n".join(paragraphs),
            "author": rng.choice(self.authors) if rng.random() < 0.9 else None,
            "published": day.isoformat(),
        }

    def _near_copy(self, original: dict[str, Any]) -> dict[str, Any]:
        # A wire story republished with small edits: one word in about thirty replaced.
        tokens = original["text"].split(" ")
        for k in range(self.rng.randrange(30), len(tokens), 30):
            tokens[k] = self.rng.choice(self.vocabulary[100:5000])
        return {**original, "title": original["title"] + " (update)", "text": " ".join(tokens)}


def write_records(
    records: Iterable[dict[str, Any]], path: Path, head: int = 0, head_path: Path | None = None
) -> None:
    """Write ``records`` to ``path`` as JSON lines; the first ``head`` also to ``head_path``."""
    with path.open("w", encoding="utf-8") as out:
        head_out = head_path.open("w", encoding="utf-8") if head_path else None
        try:
            for i, record in enumerate(records):
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                if head_out and i < head:
                    head_out.write(line)
        finally:
            if head_out:
                head_out.close()


def write_jsonl(n: int, path: Path, head: int = 0, head_path: Path | None = None) -> None:
    """Write ``n`` generated articles to ``path``; the first ``head`` also to ``head_path``."""
    write_records(ArticleGenerator().articles(n), path, head, head_path)


def queries(gen: ArticleGenerator) -> list[str]:
    """Fifty search-box queries: common words, rare words, phrases, a word plus an exclusion."""
    # Two words in nearly every article, then a frequent and a middling word of each topic,
    # then made-up words from rank 2,000 to 38,000, which match a few hundred articles or fewer.
    common = ["year", "first", *[t[0][k] for t in gen.topics for k in (0, 6)][:13]]
    rare = gen.vocabulary[len(_FUNCTION_WORDS) + 2_000 :: 3_300][:12]
    phrases = [f'"{p}"' for _, ps in gen.topics for p in ps][:12]
    exclusions = [f"{t[0][k]} -{t[0][k + 1]}" for t in gen.topics for k in (1, 3)][:11]
    return common + rare + phrases + exclusions


# -- the two import paths, each run in a child process -----------------------------------------


def _records(jsonl: Path) -> Iterator[dict[str, Any]]:
    with jsonl.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _connect_raw(db: Path) -> sqlite3.Connection:
    from corpus.db import SQLITE_PRAGMAS

    con = sqlite3.connect(db, isolation_level=None)
    for key, value in SQLITE_PRAGMAS.items():
        con.execute(f"PRAGMA {key} = {value}")
    return con


def _import_raw(jsonl: Path, db: Path) -> dict[str, Any]:
    """The baseline: executemany into a plain table, then its FTS5 index, in one transaction."""
    con = _connect_raw(db)
    con.execute(
        "CREATE TABLE article (id INTEGER PRIMARY KEY, title TEXT, text TEXT, author TEXT, "
        "published TEXT, content_hash TEXT)"
    )
    con.execute(
        "CREATE VIRTUAL TABLE article_fts USING fts5(title, text, content='article', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    rows = (
        (
            r["title"],
            r["text"],
            r["author"],
            r["published"],
            hashlib.sha256(r["text"].encode()).hexdigest(),
        )
        for r in _records(jsonl)
    )
    before = maxrss_mb()
    start = time.perf_counter()
    con.execute("BEGIN")
    con.executemany(
        "INSERT INTO article (title, text, author, published, content_hash) VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    con.execute("INSERT INTO article_fts (article_fts) VALUES ('rebuild')")
    con.execute("COMMIT")
    seconds = time.perf_counter() - start
    count = con.execute("SELECT COUNT(*) FROM article").fetchone()[0]
    con.close()
    return {"seconds": seconds, "rss_before_mb": before, "counts": {"imported": count}}


def _import_project(jsonl: Path, db: Path) -> dict[str, Any]:
    """The project's ingestion path, ``corpus.ingest.import_paths``, into a fresh corpus."""
    from corpus.ingest import import_paths
    from corpus.store import Store

    store = Store.open(str(db))
    before = maxrss_mb()
    start = time.perf_counter()
    report = import_paths(store, [jsonl])
    seconds = time.perf_counter() - start
    store.close()
    counts = {
        k: getattr(report, k)
        for k in ("imported", "duplicates", "near_duplicates", "failed", "skipped")
    }
    return {"seconds": seconds, "rss_before_mb": before, "counts": counts}


def child_main(argv: list[str]) -> None:
    """Entry point of a child process: import one file one way, print the figures as JSON.

    Two more commands help chase a missed target by hand: ``generate N JSONL`` writes the
    articles, and ``profile JSONL DB`` runs the project's import under cProfile and prints
    where the time goes (the raw data lands beside DB, with the suffix .prof).
    """
    kind, first, second = argv
    if kind == "generate":
        write_jsonl(int(first), Path(second))
    elif kind == "profile":
        raw_stats = str(Path(second).with_suffix(".prof"))
        print_profile(lambda: _import_project(Path(first), Path(second)), raw_stats, 25)
    else:
        run = {"raw": _import_raw, "project": _import_project}[kind]
        with WorkerWatch() as workers:
            figures = run(Path(first), Path(second))
        # Peaks of different processes may not coincide: their sum is an upper bound.
        figures["rss_self_mb"] = maxrss_mb()
        figures["rss_workers_mb"] = sum(workers.peaks.values())
        figures["workers"] = len(workers.peaks)
        figures["rss_peak_mb"] = figures["rss_self_mb"] + figures["rss_workers_mb"]
        print(json.dumps(figures))


def _run_child(kind: str, jsonl: Path, db: Path) -> dict[str, Any]:
    say(f"importing {jsonl.name} ({kind}) ...")
    figures = run_child("bench.corpus_import", kind, str(jsonl), str(db))
    say(f"  {figures['seconds']:.1f} s, peak {figures['rss_peak_mb']:.0f} MB")
    return figures


# -- the shared set-up: one generated file, imported both ways ---------------------------------


@dataclass
class _Corpora:
    jsonl: Path
    quarter_jsonl: Path
    raw_db: Path
    project_db: Path
    raw: dict[str, Any]
    project: dict[str, Any]


def _corpora(ctx: Context) -> _Corpora:
    return cached(ctx, "corpus_import", lambda: _import_both_ways(ctx))


def _import_both_ways(ctx: Context) -> _Corpora:
    jsonl = ctx.workdir / f"articles-{ctx.articles}.jsonl"
    quarter = ctx.workdir / f"articles-{ctx.articles // 4}.jsonl"
    say(f"generating {ctx.articles} articles ...")
    write_jsonl(ctx.articles, jsonl, ctx.articles // 4, quarter)
    raw_db, project_db = ctx.workdir / "raw.db", ctx.workdir / "project.db"
    raw = _run_child("raw", jsonl, raw_db)
    project = _run_child("project", jsonl, project_db)
    return _Corpora(jsonl, quarter, raw_db, project_db, raw, project)


# -- the three figures -------------------------------------------------------------------------


@register("corpus_import.time")
def import_time(ctx: Context) -> Result:
    """Seconds to import N articles through the project's path, against raw sqlite3."""
    c = _corpora(ctx)
    figure, baseline = c.project["seconds"], c.raw["seconds"]
    counts = ", ".join(f"{k} {v}" for k, v in c.project["counts"].items())
    size_mb = c.jsonl.stat().st_size / 1e6
    return at_most_times(
        "corpus_import.time",
        figure,
        baseline,
        IMPORT_TARGET,
        (
            f"{ctx.articles} articles, {size_mb:.0f} MB JSONL; via import_paths; {counts}; "
            f"{ctx.articles / figure:.0f} articles/s vs {ctx.articles / baseline:.0f} articles/s"
        ),
    )


@register("corpus_import.search")
def search_time(ctx: Context) -> Result:
    """Median ms of ranked queries through Store.search, against bare FTS5 MATCH ... ORDER BY rank."""
    from corpus.search_query import parse_query
    from corpus.store import Store

    c = _corpora(ctx)
    texts = queries(ArticleGenerator())
    store = Store.open(str(c.project_db))
    raw = _connect_raw(c.raw_db)
    bare = "SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rank LIMIT 20"
    try:
        for text in texts:  # one warm-up pass over both databases
            store.search(text, limit=20)
            raw.execute(bare, [parse_query(text).fts5()]).fetchall()
        ours, theirs, empty = [], [], 0
        for text in texts:  # then each query timed once on each, side by side
            start = time.perf_counter()
            hits = store.search(text, limit=20)
            ours.append((time.perf_counter() - start) * 1000)
            match = parse_query(text).fts5()
            start = time.perf_counter()
            raw.execute(bare, [match]).fetchall()
            theirs.append((time.perf_counter() - start) * 1000)
            empty += not hits
    finally:
        raw.close()
        store.close()
    median, baseline = statistics.median(ours), statistics.median(theirs)
    worst = max(range(len(texts)), key=ours.__getitem__)
    return compared(
        "corpus_import.search",
        median,
        baseline,
        2,
        unit="ms (median)",
        target=f"median <= {SEARCH_TARGET_MS:g} ms",
        met=median <= SEARCH_TARGET_MS,
        notes=(
            f"{len(texts)} queries ({empty} without hits) over {ctx.articles} articles; "
            f"p95 {_p95(ours):.1f} ms vs baseline p95 {_p95(theirs):.1f} ms; "
            f"slowest {texts[worst]!r} {ours[worst]:.1f} ms"
        ),
    )


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@register("corpus_import.memory")
def import_memory(ctx: Context) -> Result:
    """Peak resident MB of the import (its process plus workers) at N; does it grow from N/4?"""
    c = _corpora(ctx)
    quarter = _run_child("project", c.quarter_jsonl, ctx.workdir / "project-quarter.db")
    peak, before = c.project["rss_peak_mb"], c.project["rss_before_mb"]
    added, added_quarter = peak - before, quarter["rss_peak_mb"] - quarter["rss_before_mb"]
    # Streaming keeps what the import adds about constant; linear growth would be 4 times.
    grows = added > 1.5 * added_quarter + 10
    return compared(
        "corpus_import.memory",
        peak,
        before,
        1,
        unit="MB (peak RSS)",
        target=f"peak <= {MEMORY_TARGET_MB:g} MB",
        met=peak <= MEMORY_TARGET_MB,
        notes=(
            f"importing process {c.project['rss_self_mb']:.0f} MB + "
            f"{c.project['workers']} worker processes {c.project['rss_workers_mb']:.0f} MB; "
            f"baseline = the child before importing; the import adds {added:.0f} MB at "
            f"N={ctx.articles}, {added_quarter:.0f} MB at N/4={ctx.articles // 4} "
            f"(peak {quarter['rss_peak_mb']:.0f} MB): {'grows with N' if grows else 'flat in N'}; "
            f"raw sqlite3 import peaks at {c.raw['rss_peak_mb']:.0f} MB"
        ),
    )


if __name__ == "__main__":
    child_main(sys.argv[1:])
