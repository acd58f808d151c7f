"""What the brat tests share: the brat reader and writer run with a fresh report, and the
T lines of an .ann file as brat itself reads them."""

from __future__ import annotations

from pathlib import Path

from annotator.formats import brat
from annotator.formats.model import AnnotatedDocument, ExportOptions, ImportOptions, Report
from tests.annotator.formats.harness import read_with, sample_folder, write_with

CONFLICT = Path(__file__).resolve().parents[3] / "schemas" / "conflict.yaml"


def samples() -> Path:
    return sample_folder("brat", "the brat samples cannot be checked")


def read(
    *paths: Path, options: ImportOptions | None = None
) -> tuple[list[AnnotatedDocument], Report]:
    return read_with(brat.read, paths, options or ImportOptions())


def export(docs: list[AnnotatedDocument], out: Path, **options: object) -> Report:
    return write_with(brat.write, docs, out, ExportOptions(**options))  # type: ignore[arg-type]


def t_lines(ann: Path) -> list[tuple[str, str, list[tuple[int, int]], str]]:
    """The T lines of ``ann`` as brat reads them (independently of the reader under test):
    the file split with ``splitlines``, fields by tab; (id, label, fragments, text)."""
    found = []
    for line in ann.read_bytes().decode("utf-8").splitlines():
        if line.startswith("T"):
            tid, data, text = line.split("\t", 2)
            label, offsets = data.split(" ", 1)
            pieces = [tuple(map(int, p.split())) for p in offsets.split(";")]
            found.append((tid, label, pieces, text))  # type: ignore[arg-type]
    return found


def write_pair(folder: Path, name: str, text: str, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_bytes(text.encode("utf-8"))
    (folder / f"{name}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{name}.ann"
