"""What the Label Studio tests share: the format's reader and writer run with a fresh report,
the tasks of a written file, and the conflict schema."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.formats.labelstudio import FORMAT
from annotator.formats.model import AnnotatedDocument, ExportOptions, ImportOptions, Report
from annotator.schema import Schema

ROOT = Path(__file__).resolve().parents[3]
CONFLICT = ROOT / "schemas" / "conflict.yaml"


def _read(*paths: Path, **options: int) -> tuple[list[AnnotatedDocument], Report]:
    report = Report()
    docs = list(FORMAT.read(list(paths), ImportOptions(**options), report))
    return docs, report


def _write(docs: list[AnnotatedDocument], out: Path, schema: Schema | None = None) -> Report:
    report = Report()
    FORMAT.write(iter(docs), out, ExportOptions(schema=schema), report)
    return report


def _tasks(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))
