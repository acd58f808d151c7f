"""Shared by the command-line tests: no test touches the user's default corpus or
$ANNOTATOR_DB; ``run`` calls the command as a user would type it; ``new_corpus`` makes the
corpus file a test starts from."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.main import main
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import close_bound_database


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own user data folder (the default corpus) and no $ANNOTATOR_DB."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    yield
    close_bound_database()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``annotator ARGS``: its exit code, stdout and stderr."""
    close_bound_database()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """``annotator ARGS --json``, which must succeed: the JSON it printed."""
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


@contextlib.contextmanager
def new_corpus(path: Path) -> Iterator[Store]:
    """A new corpus file at ``path`` with the shipped default schema, open to fill; closed
    afterwards, so that the command under test opens it as a user's would be."""
    close_bound_database()
    store = Store.open(str(path))
    store.set_schema(shipped_schema())
    yield store
    store.close()
