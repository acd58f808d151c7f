"""``annotator copy``: counts and checksums printed (or as JSON), errors as one line, passwords
never shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.cli.conftest import run
from tests.corpus.rich_corpus import build_file

TABLE_COUNT = 14


@pytest.fixture
def source(tmp_path: Path) -> str:
    return build_file(tmp_path / "source.db")


def test_copy_prints_counts_and_checksums(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "copy.db")
    code, out, err = run(capsys, "copy", "--from", source, "--to", target)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"copied {source} -> {target} in ")
    document = next(line.split() for line in lines if line.split()[0] == "document")
    assert document[1] == "5" and document[-1] == "ok"
    assert "search index: 5 of 5 documents" in lines
    assert lines[-1] == f"checksums: {TABLE_COUNT} of {TABLE_COUNT} tables match"
    code, out, _ = run(capsys, "--db", target, "stats", "--json")
    assert json.loads(out)["documents"] == 5


def test_copy_json(source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "copy", "--from", source, "--to", str(tmp_path / "copy.db"), "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["matches"] is True
    assert report["documents"] == report["indexed"] == 5
    assert len(report["tables"]) == TABLE_COUNT
    span = report["tables"]["span"]
    assert span["rows"] == span["copied"] == 10
    assert span["checksum"] == span["copy_checksum"]
    assert len(span["checksum"]) == 64


def test_a_target_that_is_not_empty_is_one_line(
    source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "copy", "--from", source, "--to", source + ".copy")
    assert code == 0, err
    code, out, err = run(capsys, "copy", "--from", source, "--to", source + ".copy")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"annotator: {source}.copy: the target is not empty (5 document rows")


def test_errors_never_show_a_password(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Port 1 of the loopback: nothing listens there, the connection is refused at once.
    secret = "postgresql://alice:s3cret-pw@127.0.0.1:1/team"
    code, out, err = run(capsys, "copy", "--from", source, "--to", secret)
    assert code == 2
    assert "s3cret-pw" not in err + out
    assert err.startswith("annotator: postgresql://alice:***@127.0.0.1:1/team: cannot open")
    assert err.count("\n") == 1
    code, out, err = run(capsys, "copy", "--from", secret, "--to", source + ".x")
    assert code == 2
    assert "s3cret-pw" not in err + out
    assert err.count("\n") == 1
    assert not Path(source + ".x").exists()
    in_query = "postgresql://127.0.0.1:1/team?user=alice&password=s3cret-pw&sslmode=disable"
    for args in (("--from", source, "--to", in_query), ("--from", in_query, "--to", source)):
        code, out, err = run(capsys, "copy", *args)
        assert code == 2
        assert "s3cret-pw" not in err + out
        assert "password=***&sslmode" in err


def test_both_ends_are_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["copy", "--from", "a.db"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--to" in err


@pytest.mark.postgres
def test_copy_to_postgres_and_back(
    source: str, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "copy", "--from", source, "--to", pg_url, "--json")
    assert code == 0, err
    there = json.loads(out)
    assert there["matches"] and there["target"] == pg_url
    back = str(tmp_path / "back.db")
    code, out, err = run(capsys, "copy", "--from", pg_url, "--to", back, "--json")
    assert code == 0, err
    again = json.loads(out)
    assert {k: v["checksum"] for k, v in again["tables"].items()} == {
        k: v["checksum"] for k, v in there["tables"].items()
    }
    code, out, _ = run(capsys, "--db", pg_url, "search", "al-Bab", "--json")
    assert [hit["id"] for hit in json.loads(out)]
