"""``annotator query``: annotation search from the command line, printed as a keyword-in-context
concordance (the left context right-aligned, the match in brackets, then the label, annotator
and document) or as JSON."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from typing import Any

from annotator.document import Status
from cli.commands import open_store
from cli.output import emit_json
from corpus.span_search import SpanHit, SpanQuery, one_line, parse_condition

CONTEXT_COLUMNS = 40
"""Terminal columns of context printed either side of a match."""


def add_parser(sub: Any) -> None:
    """Register the ``query`` command on the subparsers ``sub``."""
    help_text = (
        "find annotations across the corpus by label, attribute, covered text, annotator, "
        "status or collection, as a concordance"
    )
    p = sub.add_parser("query", help=help_text, description=help_text)
    p.add_argument(
        "--label", action="append", metavar="L", help="spans with this label (repeatable: any)"
    )
    p.add_argument(
        "--where",
        action="append",
        metavar="COND",
        help="an attribute condition: NAME=V, !=, >=, <=, >, < (numbers compare as numbers) "
        "or ~ (regex), e.g. count>=10 (repeatable: all)",
    )
    covered = p.add_mutually_exclusive_group()
    covered.add_argument("--text", metavar="T", help="covered text contains T (case ignored)")
    covered.add_argument("--regex", metavar="R", help="covered text matches this regex")
    p.add_argument(
        "--annotator", action="append", metavar="A", help="this annotator's spans (repeatable)"
    )
    p.add_argument(
        "--status",
        action="append",
        choices=Status.ALL,
        help="spans whose annotator has this status for the document (repeatable)",
    )
    p.add_argument("--collection", metavar="C", help="only documents in this collection")
    p.add_argument("--limit", type=_positive, metavar="N", help="at most N spans")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_query)


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {value!r}")
    return number


def query_of(args: argparse.Namespace) -> SpanQuery:
    """The search the options ask for."""
    return SpanQuery(
        labels=tuple(args.label or ()),
        conditions=tuple(parse_condition(c) for c in args.where or ()),
        text=args.text or "",
        regex=args.regex or "",
        annotators=tuple(args.annotator or ()),
        statuses=tuple(args.status or ()),
        collection=args.collection,
    )


def cmd_query(args: argparse.Namespace) -> int:
    query = query_of(args)
    query.check()  # before the corpus is opened: a bad regex is the user's to fix first
    hits = open_store(args).iter_spans(query, args.limit)
    if args.json:
        emit_json([hit._asdict() for hit in hits])
        return 0
    printed = 0
    for hit in hits:
        print(concordance_line(hit))
        printed += 1
    if not printed:
        print("no spans match", file=sys.stderr)
    return 0


def concordance_line(hit: SpanHit, width: int = CONTEXT_COLUMNS) -> str:
    """One hit on one line: its left context right-aligned in ``width`` columns, the covered
    text in brackets, the right context, then label, annotator and document."""
    left = _last_columns(one_line(hit.left), width)
    right = _first_columns(one_line(hit.right), width)
    pad = " " * (width - _columns(left))
    title = one_line(hit.title).strip() or "(untitled)"
    return (
        f"{pad}{left}[{one_line(hit.text)}]{right}  "
        f"{hit.label} · {hit.annotator} · #{hit.document_id} {title}"
    )


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: wide characters two, combining marks none."""
    return sum(_char_columns(c) for c in text)


def _char_columns(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _last_columns(text: str, width: int) -> str:
    """The end of ``text`` that fits ``width`` columns, "…" first when cut (never a mark
    without its letter)."""
    if _columns(text) <= width:
        return text
    start, used = len(text), 1  # the ellipsis takes a column
    while start > 0 and used + _char_columns(text[start - 1]) <= width:
        start -= 1
        used += _char_columns(text[start])
    while start < len(text) and _char_columns(text[start]) == 0:
        start += 1
    return "…" + text[start:]


def _first_columns(text: str, width: int) -> str:
    """The start of ``text`` that fits ``width`` columns, "…" last when cut."""
    if _columns(text) <= width:
        return text
    end, used = 0, 1
    while end < len(text) and used + _char_columns(text[end]) <= width:
        used += _char_columns(text[end])
        end += 1
    return text[:end] + "…"  # marks take no column: a letter's came along with it
