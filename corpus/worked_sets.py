"""Which annotation sets are work: opening a document stores the viewer's suggestions on their
set, which leaves an empty set still new, and the document is no more annotated by that viewer
than before. Exports, statistics and ``annotator show`` leave such a set out; a set in any other
status counts even when empty."""

from __future__ import annotations

from annotator.document import Status


def holds_work(alias: str) -> str:
    """SQL that holds when the annotation set aliased ``alias`` is work: its status is not new,
    or it holds a span, a relation or an event."""
    holds = " OR ".join(
        f'EXISTS (SELECT 1 FROM "{table}" held WHERE held."annotation_set_id" = {alias}."id")'
        for table in ("span", "relation", "event")
    )
    return f"({alias}.\"status\" <> '{Status.NEW}' OR {holds})"
