"""Printing for the command line: JSON on stdout for scripts, readable text for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from corpus.document_listing import DocumentSummary
from corpus.store import Store


def emit_json(data: Any) -> None:
    """Write ``data`` to stdout as one JSON value (and nothing else)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_default)
    sys.stdout.write("\n")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def summary_json(doc: DocumentSummary) -> dict[str, Any]:
    """A listed document as JSON, keys named after the data model."""
    data = asdict(doc)
    data["collections"] = list(doc.collections)
    return data


def document_json(store: Store, doc_id: int, annotator: str | None) -> dict[str, Any]:
    """One document with its metadata, text and annotations, as JSON."""
    doc = store.document(doc_id)
    text = doc.text
    return {
        "id": doc.id,
        "title": doc.title,
        "author": doc.author,
        "source": doc.source,
        "published": doc.published,
        "language": doc.language,
        "metadata": dict(doc.metadata),
        "collections": store.collections_of(doc_id),
        # only-opened sets are no work (see corpus.worked_sets): stored_sets leaves them out
        "statuses": {s.annotator: s.status for s in store.stored_sets([doc_id]).get(doc_id, [])},
        "text": text,
        "spans": [
            {
                "id": s.id,
                "start": s.span.start,
                "end": s.span.end,
                "label": s.span.label,
                "text": s.span.covered_text(text),
                "attributes": dict(s.span.attributes),
                "note": s.span.note,
                "annotator": s.annotator,
            }
            for s in store.spans(doc_id, annotator)
        ],
        "relations": [
            {
                "id": r.id,
                "type": r.relation.type,
                "head": r.relation.head,
                "tail": r.relation.tail,
                "annotator": r.annotator,
            }
            for r in store.relations(doc_id, annotator)
        ],
        "events": [
            {
                "id": e.id,
                "type": e.event.type,
                "trigger": e.event.trigger,
                "roles": [{"role": role, "span": span} for role, span in e.event.roles],
                "annotator": e.annotator,
            }
            for e in store.events(doc_id, annotator)
        ],
    }


def print_document(data: dict[str, Any]) -> None:
    """One document for people: a header, the text, then its annotations in brat-like lines."""
    print(f"#{data['id']}  {data['title'] or '(untitled)'}")
    for key in ("author", "published", "source", "language"):
        if data[key]:
            print(f"  {key}: {data[key]}")
    if data["collections"]:
        print(f"  collections: {', '.join(data['collections'])}")
    for name, status in data["statuses"].items():
        print(f"  status ({name}): {status}")
    print()
    print(data["text"])
    if data["spans"]:
        print("\nSpans:")
        for s in data["spans"]:
            attrs = " ".join(f"{k}={v}" for k, v in s["attributes"].items())
            print(
                f"  T{s['id']}\t{s['label']} {s['start']} {s['end']}\t{s['text']}\t{attrs}\t({s['annotator']})".rstrip()
            )
    if data["relations"]:
        print("\nRelations:")
        for r in data["relations"]:
            print(f"  R{r['id']}\t{r['type']} T{r['head']} -> T{r['tail']}\t({r['annotator']})")
    if data["events"]:
        print("\nEvents:")
        for e in data["events"]:
            roles = " ".join(f"{x['role']}:T{x['span']}" for x in e["roles"])
            print(f"  E{e['id']}\t{e['type']}:T{e['trigger']} {roles}\t({e['annotator']})")
