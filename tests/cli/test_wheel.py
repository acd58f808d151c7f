"""A plain wheel install (not the editable one) finds the shipped schemas and seed articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_install_finds_schemas_and_seeds(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            wheels,
            ROOT,
        ],
        check=True,
        cwd=tmp_path,
        timeout=300,
    )
    wheel = next(wheels.glob("news_annotator-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel],
        check=True,
        timeout=300,
    )
    # The dependencies come from the test environment; the project itself only from the wheel.
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (site / "test-deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("ANNOTATOR_DB", None)
    env.pop("PYTHONPATH", None)

    where = subprocess.check_output(
        [
            python,
            "-c",
            "import corpus, schemas, seeds; print(corpus.__file__, schemas.__file__, seeds.__file__)",
        ],
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert all(p.startswith(str(venv)) for p in where.split()), where

    annotator = venv / "bin" / "annotator"
    listed = subprocess.run(
        [annotator, "list", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert [d["title"] for d in json.loads(listed.stdout)] == [
        "Russia and Turkey carry out first joint air attacks in Syria's al-Bab"
    ]
    schema = subprocess.run(
        [annotator, "schema", "show", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert json.loads(schema.stdout)["name"] == "conflict"
