"""Benchmarks that print figures, not pass/fail: each figure is measured beside a baseline in the
same run and reported as a ratio, because the machines they run on are small and noisy.

A benchmark is a function registered under a name with :func:`register`; it takes the run's
:class:`Context` and returns one :class:`Result`. ``python -m bench`` runs them all (or one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Result:
    """One measured figure beside its baseline, and whether it met its target."""

    name: str
    figure: float
    unit: str
    target: str
    baseline: float | None
    ratio: float | None
    met: bool
    notes: str = ""


@dataclass
class Context:
    """What one run gives its benchmarks: the corpus size, a scratch folder, a shared cache.

    Benchmarks that need the same expensive set-up (a generated corpus, say) build it once and
    keep it in ``cache`` under a key of their own.
    """

    articles: int
    workdir: Path
    cache: dict[str, Any] = field(default_factory=dict)


Benchmark = Callable[[Context], Result]

# Filled by the benchmark modules as they are imported, in the order they register.
REGISTRY: dict[str, Benchmark] = {}

# The modules that hold benchmarks; importing one registers its benchmarks.
MODULES = (
    "bench.corpus_import",
    "bench.text_view",
    "bench.browser",
    "bench.startup",
    "bench.exchange",
    "bench.copy",
    "bench.agreement",
    "bench.team_load",
    "bench.suggest_speed",
    "bench.suggest_quality",
)


def register(name: str) -> Callable[[Benchmark], Benchmark]:
    """Register the decorated function as the benchmark ``name``."""

    def decorate(fn: Benchmark) -> Benchmark:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} is registered twice")
        REGISTRY[name] = fn
        return fn

    return decorate


def ratio(figure: float, baseline: float) -> float | None:
    """``figure / baseline``, or None when the baseline is zero."""
    return figure / baseline if baseline else None
