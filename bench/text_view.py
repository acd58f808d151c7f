"""The reader's figures: opening a 1 MB article with and without 20,000 spans, editing one span,
and the memory each takes, offscreen, each case in a child process of its own.

``python -m bench.text_view measure plain|view|spans`` runs one case and prints JSON: ``view``
is the reader's annotated view with no spans (the baseline), ``spans`` the same view with
20,000, ``plain`` a bare QTextEdit's ``setPlainText`` for reference; each time covers loading
the text and the first paint (``grab()``), and the memory is VmRSS after minus before.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import statistics
import sys
import time
from typing import Any

from bench import Context, Result, ratio, register
from bench.children import cached, compared, run_child
from bench.process_memory import rss_mb

SEED = 20240611
ARTICLE_CHARS = 1_000_000
SPAN_COUNT = 20_000
RUNS = 3  # children per case; the median time is reported
OPEN_TARGET_MS, OPEN_TARGET_RATIO = 300.0, 2.0
EDIT_TARGET_MS = 16.0
MEMORY_TARGET_RATIO = 3.0
VIEW_SIZE = (800, 700)
COLORS = {
    "Actor": "#1f77b4",
    "Location": "#2ca02c",
    "WeaponSystem": "#d62728",
    "Casualty": "#9467bd",
    "Attack": "#ff7f0e",
}

SUBJECTS = [
    "Russian jets",
    "Turkish forces",
    "Government troops",
    "Rebel fighters",
    "A monitoring group",
    "The defence ministry",
    "Local officials",
    "Aid workers",
    "Witnesses",
    "A senior commander",
    "Kurdish militias",
    "Islamic State militants",
]
VERBS = [
    "struck",
    "shelled",
    "reached",
    "surrounded",
    "said they had taken",
    "withdrew from",
    "reported heavy fighting near",
    "delivered supplies to",
    "targeted positions in",
    "denied attacking",
]
PLACES = [
    "al-Bab",
    "Aleppo",
    "Idlib",
    "the besieged town",
    "the northern suburbs",
    "Manbij",
    "the border crossing",
    "a crowded market",
    "the main road",
    "Raqqa",
    "Deir ez-Zor",
]
TAILS = [
    "on Wednesday",
    "late on Saturday",
    "after a week of delays",
    "according to a monitoring group",
    "killing at least eight civilians",
    "wounding dozens",
    "despite the ceasefire",
    "for the first time",
    "in a joint operation",
    "before dawn",
]


def generate_article(size: int = ARTICLE_CHARS, seed: int = SEED) -> str:
    """A news-like article of about ``size`` characters: sentences in paragraphs of 3 to 7."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    total = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(3, 7)):
            parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(PLACES)]
            parts += rng.sample(TAILS, rng.randint(0, 2))
            sentences.append(" ".join(parts) + rng.choice([".", ".", ".", ", officials said."]))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:size] + "\n"


def generate_spans(text: str, count: int = SPAN_COUNT, seed: int = SEED) -> list[tuple]:
    """``count`` spans on word boundaries, one in ten an outer span around two or three words."""
    rng = random.Random(seed)
    words = [(m.start(), m.end()) for m in re.finditer(r"[\w-]+", text)]
    labels = list(COLORS)
    chosen = sorted(rng.sample(range(len(words) - 3), count))
    spans = []
    for span_id, w in enumerate(chosen, start=1):
        start, end = words[w]
        if span_id % 10 == 0:  # nested: an outer span reaching over the next words
            end = words[w + rng.randint(1, 2)][1]
        spans.append((span_id, start, end, labels[span_id % len(labels)]))
    return spans


def measure(case: str) -> dict[str, Any]:
    """Run one case in this process and return its figures (ms, MB)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QTextEdit

    from ui.annotated_text_view import AnnotatedTextView
    from ui.article_reader import TEXT_MARGIN, reading_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    text = generate_article()
    spans = generate_spans(text) if case == "spans" else []
    view = QTextEdit() if case == "plain" else AnnotatedTextView()
    view.setReadOnly(True)
    view.setFont(reading_font())
    view.document().setDocumentMargin(TEXT_MARGIN)
    view.resize(*VIEW_SIZE)
    view.show()
    app.processEvents()
    rss = rss_mb()
    started = time.perf_counter()
    if isinstance(view, AnnotatedTextView):
        view.set_document(text, spans, COLORS)
    else:
        view.setPlainText(text)
    view.grab()
    figures: dict[str, Any] = {"open_ms": (time.perf_counter() - started) * 1000}
    app.processEvents()
    figures["rss_mb"] = rss_mb() - rss
    if isinstance(view, AnnotatedTextView) and spans:
        figures.update(_edit_times(app, view, text))
    return figures


def _edit_times(app: Any, view: Any, text: str) -> dict[str, float]:
    """Add and remove one span in view, each followed by a full synchronous viewport repaint."""
    view.scroll_to_offset(len(text) // 2)
    app.processEvents()
    start = text.index(" ", len(text) // 2) + 1
    end = text.index(" ", start)
    times = []
    for n in range(40):
        began = time.perf_counter()
        if n % 2 == 0:
            view.add_span(10**9, start, end, "Attack")
        else:
            view.remove_span(10**9)
        view.viewport().repaint()
        times.append((time.perf_counter() - began) * 1000)
    return {"edit_ms": statistics.median(times), "edit_max_ms": max(times)}


def _run_cases(ctx: Context) -> dict[str, dict[str, float]]:
    return cached(ctx, "text_view", _measure_cases)


def _measure_cases() -> dict[str, dict[str, float]]:
    """Each case RUNS times in fresh children, alternating; medians of every figure."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    runs: dict[str, list[dict[str, float]]] = {"plain": [], "view": [], "spans": []}
    for _ in range(RUNS):
        for case in runs:
            runs[case].append(run_child("bench.text_view", "measure", case, env=env))
    return {
        case: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for case, results in runs.items()
    }


def _with_spans(
    ctx: Context,
    name: str,
    key: str,
    unit: str,
    most_ratio: float,
    notes: str,
    most: float = math.inf,
) -> Result:
    """The result ``name``: the figure ``key`` of the view with 20,000 spans beside the view
    without, met when at most ``most`` and ``most_ratio`` times the view's. ``notes`` may name
    the bare QTextEdit's figure (``{plain}``) and the spans' ratio to it (``{times}``)."""
    cases = _run_cases(ctx)
    plain, view, spans = (cases[c][key] for c in ("plain", "view", "spans"))
    r = ratio(spans, view)
    most_text = f"at most {most:g} {unit} and " if most < math.inf else "at most "
    return compared(
        name,
        spans,
        view,
        1,
        unit=unit,
        target=f"{most_text}{most_ratio:g}x the view without spans",
        met=spans <= most and r is not None and r <= most_ratio,
        notes=notes.format(plain=plain, times=spans / plain),
    )


@register("text_view.open")
def bench_open(ctx: Context) -> Result:
    """Open a 1 MB article with 20,000 spans in the reader's view, first paint included."""
    notes = "bare QTextEdit.setPlainText {plain:.1f} ms ({times:.2f}x); "
    notes += f"median of {RUNS} children each"
    return _with_spans(
        ctx, "text_view.open", "open_ms", "ms", OPEN_TARGET_RATIO, notes, OPEN_TARGET_MS
    )


@register("text_view.edit")
def bench_edit(ctx: Context) -> Result:
    """Add or remove one span among 20,000 and repaint the whole viewport."""
    cases = _run_cases(ctx)
    edit = cases["spans"]["edit_ms"]
    return Result(
        name="text_view.edit",
        figure=round(edit, 2),
        unit="ms",
        target=f"at most {EDIT_TARGET_MS:g} ms",
        baseline=None,
        ratio=None,
        met=edit <= EDIT_TARGET_MS,
        notes=f"median of 40 adds/removes, each with a full repaint; max "
        f"{cases['spans']['edit_max_ms']:.1f} ms",
    )


@register("text_view.memory")
def bench_memory(ctx: Context) -> Result:
    """Resident memory the view adds for a 1 MB article with 20,000 spans."""
    notes = "VmRSS after opening minus before; bare QTextEdit {plain:.1f} MB ({times:.2f}x)"
    return _with_spans(ctx, "text_view.memory", "rss_mb", "MB", MEMORY_TARGET_RATIO, notes)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "measure":
        print(json.dumps(measure(sys.argv[2])))
    else:
        print("usage: python -m bench.text_view measure plain|view|spans", file=sys.stderr)
        sys.exit(2)
