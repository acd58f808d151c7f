"""Gazetteer suggestions over a 1 MB article with a 100,000-term gazetteer: the shipped weapon
systems plus synthetic names of one to four made-up words (actors and places), matched
case-insensitively as :class:`annotator.suggest.gazetteer.Gazetteer` does.

The article is news-like sentences from templates (actors, counts, weapons, places, dates),
about one gazetteer term in eight words, with emoji, accented names and Arabic phrases mixed in,
deterministic from a seed. Both figures are measured in one fresh child process (not the
bench's own, whose heap the benchmarks before have filled), each beside a baseline measured
there too:

- **suggest**: median of :data:`RUNS` calls of ``Gazetteer.suggest`` (case folding, whole-word
  checks, leftmost-longest choice, the suggestions themselves); baseline = a bare ahocorasick-rs
  leftmost-longest scan of the lower-cased text with the same keys (no word boundaries, no
  objects).
  The notes add every source of the conflict schema together (weapons, GeoNames places, the
  casualty rules, fitted to the schema and merged) over the same article.
- **build**: seconds to build the gazetteer from its entries; baseline = a bare automaton of
  the same keys.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench import Context, Result, register
from bench.children import cached, compared, run_child, say

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240621
TERMS = 100_000
ARTICLE_CHARS = 1_000_000
RUNS = 7
TARGET_MS = 200.0

ONSETS = "b br d dr f g gr h k kh l m n p r s sh t tr v z".split()
VOWELS = "a e i o u ai ou ei".split()
CODAS = ["", "", "n", "r", "l", "m", "s", "k", "t", "sh"]
HEADS = ["Brigade", "Front", "Movement", "Council", "Battalion", "Forces", "Army", "Valley"]
SUBJECTS = ["Officials", "The ministry", "Witnesses", "A spokesman", "Local sources", "Medics"]
VERBS = ["struck", "shelled", "hit", "targeted", "bombed", "attacked"]
TIMES = ["on Monday", "late on Tuesday", "overnight", "on 3 March", "early on Friday"]
EXTRAS = ["😀", "🇸🇾", "Zürich", "café", "قوات النظام", "مدنيين", "İstanbul", "—"]


def _word(rng: random.Random) -> str:
    syllables = rng.choice([2, 2, 3])
    word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables))
    return (word + rng.choice(CODAS)).capitalize()


def synthetic_terms(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """``n`` distinct (term, label) pairs of one to four made-up words."""
    seen: set[str] = set()
    terms: list[tuple[str, str]] = []
    while len(terms) < n:
        words = [_word(rng) for _ in range(rng.choice([1, 2, 2, 3, 3, 4]))]
        if rng.random() < 0.3:
            words.append(rng.choice(HEADS))
        term = " ".join(words)
        if term.lower() not in seen:
            seen.add(term.lower())
            terms.append((term, rng.choice(["Actor", "Location"])))
    return terms


def article(rng: random.Random, weapons: list[str], names: list[tuple[str, str]]) -> str:
    """About :data:`ARTICLE_CHARS` characters of news-like paragraphs holding the terms."""
    actors = [t for t, label in names if label == "Actor"]
    places = [t for t, label in names if label == "Location"]
    paragraphs: list[str] = []
    size = 0
    while size < ARTICLE_CHARS:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            sentence = (
                f"{rng.choice(SUBJECTS)} said {rng.choice(actors)} {rng.choice(VERBS)} "
                f"{rng.choice(places)} with {rng.randint(2, 40)} {rng.choice(weapons)} "
                f"{rng.choice(TIMES)}, killing {rng.randint(1, 30)} people and wounding "
                f"dozens more near the {rng.choice(['market', 'hospital', 'school'])} "
                f"{rng.choice(EXTRAS)}."
            )
            sentences.append(sentence)
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:ARTICLE_CHARS]


def _measure() -> dict[str, Any]:
    """In a fresh child: build the gazetteer and its bare automaton (best of 3 each), then time
    :data:`RUNS` suggestion passes beside bare scans, and every source of the conflict schema."""
    import ahocorasick_rs

    from annotator.suggest.gazetteer import Gazetteer, GazetteerEntry, fold_case, read_gazetteer

    rng = random.Random(SEED)
    weapons = read_gazetteer(ROOT / "schemas" / "weapon_systems.tsv")
    names = synthetic_terms(rng, TERMS - len(weapons))
    entries = weapons + [GazetteerEntry(term, label) for term, label in names]
    text = article(rng, [w.term for w in weapons], names)
    say(f"{len(entries):,} terms, an article of {len(text):,} characters")
    builds, raw_builds = [], []
    for _ in range(3):
        started = time.perf_counter()
        gazetteer = Gazetteer("gazetteer:bench", entries)
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        raw = ahocorasick_rs.AhoCorasick(
            {fold_case(e.term) for e in entries},
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            store_patterns=False,
        )
        raw_builds.append(time.perf_counter() - started)
    times, raw_times, found, hits = [], [], 0, 0
    for _ in range(RUNS):
        started = time.perf_counter()
        found = len(gazetteer.suggest(text))
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        hits = len(raw.find_matches_as_indexes(fold_case(text)))
        raw_times.append(time.perf_counter() - started)
    say("all the conflict schema's sources ...")
    build_all, suggest_all, found_all = _all_sources(text)
    return {
        "entries": len(entries),
        "chars": len(text),
        "build": min(builds),
        "raw_build": min(raw_builds),
        "times": times,
        "raw_times": raw_times,
        "found": found,
        "hits": hits,
        "build_all": build_all,
        "suggest_all": suggest_all,
        "found_all": found_all,
    }


def _all_sources(text: str) -> tuple[float, float, int]:
    """Seconds to build the conflict schema's suggesters, seconds to suggest over ``text`` with
    all of them (median of 3), and how many suggestions."""
    from annotator.suggest.config import SuggestionSettings, build_suggesters, suggest_text
    from corpus.resources import shipped_schema

    schema = shipped_schema()
    started = time.perf_counter()
    suggesters = build_suggesters(SuggestionSettings.of(schema), schema)
    build = time.perf_counter() - started
    times, found = [], 0
    for _ in range(3):
        started = time.perf_counter()
        found = len(suggest_text(suggesters, text))
        times.append(time.perf_counter() - started)
    return build, statistics.median(times), found


def _figures(ctx: Context) -> dict[str, Any]:
    """The child's figures, measured once a run for both benchmarks."""
    return cached(ctx, "suggest_speed", lambda: run_child("bench.suggest_speed", "measure"))


@register("suggest_speed.suggest")
def suggest_time(ctx: Context) -> Result:
    """Median milliseconds of one gazetteer's suggestions over a 1 MB article."""
    state = _figures(ctx)
    times = state["times"]
    figure = statistics.median(times) * 1000
    baseline = statistics.median(state["raw_times"]) * 1000
    return compared(
        "suggest_speed.suggest",
        figure,
        baseline,
        1,
        unit="ms (median)",
        target=f"<= {TARGET_MS:g} ms",
        met=figure <= TARGET_MS,
        notes=(
            f"{state['entries']:,} terms, {state['chars']:,} characters, {state['found']:,} "
            f"suggestions ({state['hits']:,} bare matches); median of {RUNS} in a fresh process "
            f"(min {min(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms); baseline = a bare leftmost-longest scan of the "
            f"lower-cased text; all the conflict schema's sources (weapons, GeoNames places, casualty rules, "
            f"fitted and merged): {state['suggest_all'] * 1000:.0f} ms for "
            f"{state['found_all']:,} suggestions, built in {state['build_all']:.1f} s"
        ),
    )


@register("suggest_speed.build")
def build_time(ctx: Context) -> Result:
    """Seconds to build the 100,000-term gazetteer."""
    state = _figures(ctx)
    figure, baseline = state["build"], state["raw_build"]
    return compared(
        "suggest_speed.build",
        figure,
        baseline,
        2,
        unit="s",
        target="built once per process; no target",
        met=True,
        notes=(
            f"{state['entries']:,} terms; best of 3; baseline = a bare ahocorasick-rs automaton "
            f"of the same case-folded keys"
        ),
    )


if __name__ == "__main__" and sys.argv[1:] == ["measure"]:
    print(json.dumps(_measure()))
