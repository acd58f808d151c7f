"""Agreement over 1,000 documents annotated by 3 annotators, read from the store and computed
whole (``compute_agreement(agreement_documents(store))``), beside the same spans and texts read
with raw ``sqlite3``, in the same run.

The documents are the generated news articles of :mod:`bench.corpus_import` (about 3 KB, 500
tokens each). Each has a gold set of spans of the default schema's five labels, about one every
twelve tokens (entities of one to three words, attacks of three to six words that often hold an
entity, as nested spans); each annotator copies it with their own habits: spans missed,
relabelled, widened or narrowed by a word, cut inside a word, spans of their own added, and now
and then a document skipped (so values are missing). Agreement comes out near what real teams
see (kappa around 0.7).
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench import Context, Result, ratio, register
from bench.corpus_import import ArticleGenerator

if TYPE_CHECKING:
    from annotator.agreement import AgreementReport

DOCUMENTS = 1_000
TARGET_S = 5.0
RUNS = 3
SEED = 20240605

LABELS = ["Actor", "Location", "WeaponSystem", "Casualty"]
LABEL_WEIGHTS = [0.4, 0.35, 0.1, 0.15]


@dataclass(frozen=True)
class Habits:
    """How one annotator departs from the gold spans (probabilities per span or document)."""

    miss: float
    relabel: float
    widen: float
    narrow: float
    cut_word: float
    extra: float
    skip_document: float


ANNOTATORS = {
    "alice": Habits(0.08, 0.05, 0.06, 0.04, 0.01, 0.05, 0.02),
    "bob": Habits(0.12, 0.08, 0.03, 0.08, 0.02, 0.03, 0.05),
    "carol": Habits(0.15, 0.06, 0.10, 0.03, 0.03, 0.08, 0.03),
}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def gold_spans(rng: random.Random, tokens: int) -> list[tuple[int, int, str]]:
    """Token ranges (first, end exclusive, label) of the gold annotation of a document of
    ``tokens`` tokens."""
    spans = []
    i = rng.randint(0, 10)
    while i < tokens - 8:
        if rng.random() < 0.12:
            width = rng.randint(3, 6)
            spans.append((i, i + width, "Attack"))
            if rng.random() < 0.6:  # an actor or a weapon inside the attack
                inner = rng.randrange(i, i + width - 1)
                spans.append((inner, inner + 1, rng.choice(["Actor", "WeaponSystem"])))
        else:
            width = rng.choices([1, 2, 3], [0.5, 0.35, 0.15])[0]
            spans.append((i, i + width, rng.choices(LABELS, LABEL_WEIGHTS)[0]))
        i += width + rng.randint(4, 16)
    return spans


def annotate(
    rng: random.Random,
    habits: Habits,
    gold: list[tuple[int, int, str]],
    starts: list[int],
    ends: list[int],
) -> list[tuple[int, int, str]]:
    """One annotator's spans (character offsets, label) copied from ``gold`` with ``habits``."""
    count = len(starts)
    result: set[tuple[int, int, str]] = set()
    for first, end, label in gold:
        if rng.random() < habits.miss:
            continue
        if rng.random() < habits.relabel:
            label = rng.choice([x for x in [*LABELS, "Attack"] if x != label])
        if rng.random() < habits.widen:
            if rng.random() < 0.5:
                first = max(0, first - 1)
            else:
                end = min(count, end + 1)
        elif rng.random() < habits.narrow and end - first > 1:
            if rng.random() < 0.5:
                first += 1
            else:
                end -= 1
        a, b = starts[first], ends[end - 1]
        if rng.random() < habits.cut_word and b - a > 2:
            b -= 1  # a selection that stops short of the word's end
        result.add((a, b, label))
    for _ in range(round(len(gold) * habits.extra)):
        k = rng.randrange(count)
        result.add((starts[k], ends[k], rng.choices(LABELS, LABEL_WEIGHTS)[0]))
    return sorted(result)


def build_corpus(path: Path) -> list[int]:
    """A corpus at ``path`` with the documents and every annotator's spans; returns the ids."""
    from annotator.agreement import token_offsets
    from annotator.document import Document, Span, Status
    from corpus.resources import shipped_schema
    from corpus.store import Store

    store = Store.open(str(path))
    store.set_schema(shipped_schema())
    rng = random.Random(SEED)
    ids = []
    with store.db.atomic():
        for article in ArticleGenerator(SEED).articles(DOCUMENTS):
            text = article["text"]
            doc_id = store.add_document(Document(text=text, title=article["title"])).id
            ids.append(doc_id)
            first, last = token_offsets(text)
            starts, ends = first.tolist(), last.tolist()
            gold = gold_spans(rng, len(starts))
            for name, habits in ANNOTATORS.items():
                if rng.random() < habits.skip_document:
                    continue
                spans = annotate(rng, habits, gold, starts, ends)
                store.add_spans(doc_id, name, [Span(a, b, label) for a, b, label in spans])
                store.set_status(doc_id, name, Status.DONE)
    store.close()
    return ids


def _agreement(path: Path) -> tuple[float, float, float, AgreementReport]:
    """Seconds for the whole computation, for the read alone, and for the store's per-document
    spans, and the report."""
    from annotator.agreement import compute_agreement
    from corpus.agreement_data import agreement_documents
    from corpus.store import Store

    store = Store.open(str(path))
    try:
        start = time.perf_counter()
        report = compute_agreement(agreement_documents(store))
        whole = time.perf_counter() - start
        start = time.perf_counter()
        for _ in agreement_documents(store):
            pass
        read = time.perf_counter() - start
        start = time.perf_counter()
        for doc_id in range(1, DOCUMENTS + 1):
            store.spans(doc_id)
        per_document = time.perf_counter() - start
    finally:
        store.close()
    return whole, read, per_document, report


def _raw_read(path: Path) -> float:
    """Seconds to read the same spans and texts with two plain queries."""
    con = sqlite3.connect(str(path))
    try:
        start = time.perf_counter()
        con.execute("SELECT id, text FROM document").fetchall()
        con.execute(
            'SELECT s.annotation_set_id, a.document_id, s.start, s."end", s.label, s.fragments '
            "FROM span s JOIN annotation_set a ON a.id = s.annotation_set_id "
            "ORDER BY s.annotation_set_id, s.start"
        ).fetchall()
        return time.perf_counter() - start
    finally:
        con.close()


@register("agreement.time")
def agreement_time(ctx: Context) -> Result:
    """Seconds for the whole agreement of 1,000 documents x 3 annotators, from the store."""
    path = ctx.workdir / "agreement.db"
    if not path.exists():
        _say(f"generating {DOCUMENTS} documents annotated by {len(ANNOTATORS)} annotators ...")
        build_corpus(path)
    runs = [_agreement(path) for _ in range(RUNS)]
    raws = [_raw_read(path) for _ in range(RUNS)]
    figure = statistics.median(r[0] for r in runs)
    read = statistics.median(r[1] for r in runs)
    per_document = statistics.median(r[2] for r in runs)
    baseline = statistics.median(raws)
    report = runs[0][3]
    spans = sum(p.spans.reference + p.spans.other for p in report.pairs) // 2
    r = ratio(figure, baseline)
    return Result(
        name="agreement.time",
        figure=round(figure, 2),
        unit="s",
        target=f"<= {TARGET_S:g} s",
        baseline=round(baseline, 3),
        ratio=round(r, 1) if r else None,
        met=figure <= TARGET_S,
        notes=(
            f"{report.documents} documents, {report.tokens:,} tokens, about {spans:,} spans, "
            f"{len(report.annotators)} annotators; median of {RUNS} runs "
            f"(min {min(x[0] for x in runs):.2f} s); of which reading through "
            f"corpus.agreement_data (tokenizing included) {read:.2f} s; "
            f"alpha {report.alpha:.3f}, Fleiss {report.fleiss:.3f}, mean kappa "
            f"{report.mean_kappa:.3f}; baseline = the spans and texts by two raw sqlite3 "
            f"queries; Store.spans() per document takes {per_document:.2f} s"
        ),
    )
