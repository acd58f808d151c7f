"""Start-up to a usable window: from the moment a fresh process is started to the main window
shown, painted, with the default corpus (the seed article, the default schema) loaded and the
event loop idle; beside a bare QApplication with an empty QMainWindow, measured the same way in
the same run.

Each start is a fresh ``python -c`` child, offscreen, with its own XDG data and config folders
so that the app's default corpus and settings are temporary ones, and its bytecode cached in a
folder of the run's own (as an installed app has it; one case goes without). The parent notes
the monotonic clock (system-wide on Linux) just before it starts the child; the child notes it
at each step and prints the steps as JSON. The child runs the real entry point,
``cli.main.main(["gui", "--annotator", "bench"])`` (the name given, so that no dialog asks for
it), having imported ``ui.app`` first so as to watch its event loop: when the loop starts, the
window is built and shown; the first paint event to the window's native window is its first
paint; the next zero-timer after that is the loop idle.

``python -m bench.startup imports`` prints where the import time goes (``-X importtime``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import Context, Result, register
from bench.children import compared

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7  # fresh children per case; medians are reported
TARGET_S = 1.5

# Watches the event loop once it starts: notes the first paint of the top-level window, then
# the first zero-timer after it (the loop has handled everything the window posted), and quits.
_PROBE = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

class _Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted" not in T:
            T["painted"] = time.monotonic()
        return False

def _watch(app):
    T["loop"] = time.monotonic()
    window = next(w for w in app.topLevelWidgets() if w.isVisible())
    probe = _Probe(app)
    window.windowHandle().installEventFilter(probe)
    def check():
        if "painted" not in T:
            QTimer.singleShot(0, check)
            return
        T["idle"] = time.monotonic()
        T["window"] = type(window).__name__
        app.quit()
    QTimer.singleShot(0, check)
    QTimer.singleShot(20000, app.quit)  # never hang the bench
"""

# The app: the ``annotator`` entry point on the default corpus, ``gui --annotator bench`` (without
# a name, and none saved, the first start asks for one in a dialog).
_APP = (
    """
import time
T = {"python": time.monotonic()}
import json, sys
import cli.main
T["import_cli"] = time.monotonic()
import ui.app
T["import_ui"] = time.monotonic()
"""
    + _PROBE
    + """
import cli.commands
_open_store = cli.commands.open_store
def open_store(args, *a, **k):
    T["store_start"] = time.monotonic()
    store = _open_store(args, *a, **k)
    T["store_end"] = time.monotonic()
    return store
cli.commands.open_store = open_store

class App(ui.app.QApplication):
    def exec(self):
        _watch(self)
        return QApplication.exec()

ui.app.QApplication = App
code = cli.main.main(["gui", "--annotator", "bench"])
T["exit_code"] = code
HEAVY = ("numpy", "charset_normalizer", "tqdm", "psycopg2", "trafilatura", "lxml", "pypdf",
         "docx", "multiprocessing", "concurrent.futures", "datasketch")
T["modules"] = [m for m in HEAVY if m in sys.modules]
print(json.dumps(T))
"""
)

# The baseline: a bare QApplication and an empty QMainWindow, shown.
_BASELINE = (
    """
import time
T = {"python": time.monotonic()}
import json, sys
"""
    + _PROBE
    + """
from PySide6.QtWidgets import QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
_watch(app)
app.exec()
print(json.dumps(T))
"""
)


def _env(data: Path, config: Path, pycache: Path | None) -> dict[str, str]:
    """A child's environment: offscreen, the default corpus and settings under ``data`` and
    ``config``; bytecode kept under ``pycache`` (None: never written, only what is installed)."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_DATA_HOME=str(data),
        XDG_CONFIG_HOME=str(config),
    )
    env.pop("ANNOTATOR_DB", None)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:  # outside the source tree, which the bench leaves as it is
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _start(code: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; its steps in seconds from the moment it started."""
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if out.returncode or not out.stdout.strip():
        raise RuntimeError(f"a start-up child failed ({out.returncode}):\n{out.stderr}")
    steps = json.loads(out.stdout.strip().splitlines()[-1])
    if "idle" not in steps:
        raise RuntimeError(f"the window was never painted:\n{out.stderr}")
    return {k: v - started if isinstance(v, float) else v for k, v in steps.items()}


def _run_cases(ctx: Context) -> dict[str, Any]:
    """RUNS times each, alternating: the baseline; the app on an existing default corpus; the
    app's first start (creating the corpus, importing the seed); the app with no bytecode
    written (every project module compiled at each start). Medians of every step.

    Bytecode is cached (in a folder of the run's own) for all but the last case, as an
    installed app has it; a warm-up start of each fills the cache and the OS file cache.
    """
    if "startup" in ctx.cache:
        return ctx.cache["startup"]
    base = Path(tempfile.mkdtemp(prefix="startup-", dir=ctx.workdir))
    pycache = base / "pycache"
    env = _env(base / "data", base / "config", pycache)
    no_bytecode = _env(base / "data", base / "config", None)
    _start(_APP, env)  # creates the default corpus
    _start(_BASELINE, env)
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "app": [], "first": [], "compile": []}
    for n in range(RUNS):
        runs["baseline"].append(_start(_BASELINE, env))
        runs["app"].append(_start(_APP, env))
        fresh = base / f"fresh-{n}"
        runs["first"].append(_start(_APP, _env(fresh / "data", fresh / "config", pycache)))
        shutil.rmtree(fresh)
        runs["compile"].append(_start(_APP, no_bytecode))
    medians: dict[str, Any] = {
        case: {
            key: statistics.median(r[key] for r in results)
            for key, value in results[0].items()
            if isinstance(value, float)
        }
        for case, results in runs.items()
    }
    medians["app"]["modules"] = runs["app"][0]["modules"]
    medians["app"]["all_idle"] = sorted(r["idle"] for r in runs["app"])
    medians["imports"] = import_breakdown(env)
    ctx.cache["startup"] = medians
    return medians


# Top-level modules grouped as the report names them; the rest is the standard library and
# small third-party packages.
_GROUPS = {
    "PySide6": ("PySide6", "shiboken6", "shibokensupport"),
    "numpy": ("numpy",),
    "peewee+psycopg2": ("peewee", "playhouse", "psycopg2", "psycopg", "psycopg2cffi"),
    "yaml": ("yaml", "_yaml"),
    "tqdm": ("tqdm",),
    "charset_normalizer": ("charset_normalizer",),
    "platformdirs": ("platformdirs",),
    "project": ("annotator", "corpus", "ui", "cli", "schemas", "seeds"),
}


def import_breakdown(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Self time of every module the app imports before its window (``import cli.main`` and
    ``ui.app``), summed by package, in ms, from ``python -X importtime`` in ``env`` (by default
    this one's); plus the project's biggest modules by cumulative time. importtime's own
    overhead inflates the figures a little."""
    env = dict(env or os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import cli.main, ui.app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    groups: dict[str, float] = defaultdict(float)
    cumulative: dict[str, float] = {}
    line = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    for match in line.finditer(out.stderr):
        own, total, indent, name = int(match[1]), int(match[2]), match[3], match[4]
        top = name.split(".")[0]
        group = next((g for g, tops in _GROUPS.items() if top in tops), "other")
        groups[group] += own / 1000
        cumulative[f"{len(indent) // 2}:{name}"] = total / 1000
    project = {
        name.split(":", 1)[1]: ms
        for name, ms in cumulative.items()
        if name.split(":", 1)[1].split(".")[0] in _GROUPS["project"]
    }
    return {
        "total_ms": sum(groups.values()),
        "groups_ms": dict(sorted(groups.items(), key=lambda kv: -kv[1])),
        "project_cumulative_ms": dict(sorted(project.items(), key=lambda kv: -kv[1])[:12]),
    }


@register("startup.window")
def bench_startup(ctx: Context) -> Result:
    """Seconds from process start to the main window shown, painted and idle, default corpus."""
    c = _run_cases(ctx)
    app, base, first, compile_ = c["app"], c["baseline"], c["first"], c["compile"]
    figure, baseline = app["idle"], base["idle"]
    steps = (
        f"interpreter {app['python']:.2f} s, import cli.main +{app['import_cli'] - app['python']:.2f}, "
        f"import ui.app +{app['import_ui'] - app['import_cli']:.2f}, open the corpus "
        f"+{app['store_end'] - app['store_start']:.2f}, build and show the window "
        f"+{app['loop'] - app['store_end']:.2f}, first paint +{app['painted'] - app['loop']:.2f}, "
        f"idle +{app['idle'] - app['painted']:.3f}"
    )
    groups = ", ".join(f"{g} {ms:.0f}" for g, ms in c["imports"]["groups_ms"].items())
    return compared(
        "startup.window",
        figure,
        baseline,
        3,
        unit="s",
        target=f"at most {TARGET_S:g} s",
        met=figure <= TARGET_S,
        notes=(
            f"median of {RUNS} fresh processes each (app {min(app['all_idle']):.2f}-"
            f"{max(app['all_idle']):.2f} s), bytecode cached as installed; baseline: bare "
            f"QApplication + empty QMainWindow; steps (medians): {steps}; with no bytecode "
            f"written (PYTHONDONTWRITEBYTECODE=1, sources compiled at each start) "
            f"{compile_['idle']:.2f} s; first start (creates the corpus, imports the seed) "
            f"{first['idle']:.2f} s; import self-times by package (-X importtime, ms): {groups}; "
            f"loaded before the window though it needs none of them: {', '.join(app['modules'])}"
        ),
    )


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "imports":
        print(json.dumps(import_breakdown(), indent=2))
    else:
        print("usage: python -m bench.startup imports", file=sys.stderr)
        sys.exit(2)
