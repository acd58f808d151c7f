"""A lossless JSON-lines format for testing the exchange layer apart from the real formats:
it carries everything an AnnotatedDocument holds."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annotator.document import Document, Event, Relation, Span
from annotator.errors import InputError
from annotator.formats.model import (
    AnnotatedDocument,
    ExportOptions,
    Format,
    ImportOptions,
    Report,
)


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    with out.open("w", encoding="utf-8") as f:
        for doc in docs:
            record = {
                "name": doc.name,
                "id": doc.document.id,
                "text": doc.text,
                "title": doc.document.title,
                "annotator": doc.annotator,
                "status": doc.status,
                "spans": [
                    [
                        s.start,
                        s.end,
                        s.label,
                        dict(s.attributes),
                        s.note,
                        [list(p) for p in s.fragments],
                    ]
                    for s in doc.spans
                ],
                "relations": [[r.type, r.head, r.tail] for r in doc.relations],
                "events": [[e.type, e.trigger, [list(x) for x in e.roles]] for e in doc.events],
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.documents += 1
            report.spans += len(doc.spans)


def read(
    paths: Sequence[Path], options: ImportOptions, report: Report
) -> Iterator[AnnotatedDocument]:
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                r = json.loads(line)
            except json.JSONDecodeError as exc:
                report.refuse(InputError(str(path), f"not JSON: {exc.msg}", number))
                continue
            yield AnnotatedDocument(
                Document(
                    text=r["text"], title=r.get("title", ""), id=r.get("id"), source=str(path)
                ),
                r["name"],
                tuple(
                    Span(a, b, lab, att, note, tuple(map(tuple, fr)))
                    for a, b, lab, att, note, fr in r["spans"]
                ),
                tuple(Relation(t, h, tl) for t, h, tl in r["relations"]),
                tuple(Event(t, trig, tuple(map(tuple, roles))) for t, trig, roles in r["events"]),
                r.get("annotator"),
                r.get("status"),
            )


FORMAT = Format(
    "fake",
    "A lossless test format",
    ".jsonl",
    write=write,
    read=read,
    carries=frozenset({"overlaps", "relations", "events", "attributes", "notes", "discontinuous"}),
)
