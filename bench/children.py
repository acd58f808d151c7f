"""What the benchmarks share to run their measurements in child processes and report them: the
child started and its JSON read, progress on stderr, a measurement under cProfile, and the
:class:`~bench.Result` of a figure beside its baseline."""

from __future__ import annotations

import cProfile
import json
import pstats
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bench import Context, Result, ratio

ROOT = Path(__file__).resolve().parent.parent

T = TypeVar("T")


def run_child(
    module: str, *args: str, env: dict[str, str] | None = None, timeout: float | None = None
) -> dict[str, Any]:
    """Run ``python -m module args`` from the repository root; the JSON of its last line of
    output. A child that fails raises RuntimeError with the end of its stderr."""
    command = [sys.executable, "-m", module, *args]
    out = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if out.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def cached(ctx: Context, key: str, build: Callable[[], T]) -> T:
    """``build()``, called once in a run: kept in ``ctx.cache`` under ``key`` for the next."""
    if key not in ctx.cache:
        ctx.cache[key] = build()
    value: T = ctx.cache[key]
    return value


def say(message: str) -> None:
    """Progress for whoever watches the run, on stderr (stdout carries a child's JSON)."""
    print(message, file=sys.stderr, flush=True)


def print_profile(run: Callable[[], object], raw_stats: str, top: int) -> None:
    """Call ``run()`` under cProfile, keep the raw data in ``raw_stats`` and print where the time
    goes: the ``top`` functions by own time, then 40 by cumulative time."""
    cProfile.runctx("run()", {}, {"run": run}, raw_stats)
    stats = pstats.Stats(raw_stats)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(40)


def compared(
    name: str,
    figure: float,
    baseline: float,
    digits: int,
    *,
    unit: str,
    target: str,
    met: bool,
    notes: str,
) -> Result:
    """The result of ``figure`` measured beside ``baseline``: both rounded to ``digits``
    places, their ratio to two."""
    r = ratio(figure, baseline)
    return Result(
        name=name,
        figure=round(figure, digits),
        unit=unit,
        target=target,
        baseline=round(baseline, digits),
        ratio=round(r, 2) if r else None,
        met=met,
        notes=notes,
    )


def at_most_times(name: str, figure: float, baseline: float, times: float, notes: str) -> Result:
    """The result of a time in seconds whose target is at most ``times`` the baseline's."""
    r = ratio(figure, baseline)
    return compared(
        name,
        figure,
        baseline,
        2,
        unit="s",
        target=f"<= {times:g}x baseline",
        met=r is not None and r <= times,
        notes=notes,
    )
