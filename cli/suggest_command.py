"""``annotator suggest``: the schema's suggestion sources over many documents at once, stored as
an annotator's pending suggestions (shown in the editor) or, with ``--accept``, as their spans."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from annotator.document import Status
from annotator.errors import AnnotatorError
from cli.commands import document_filter, open_store
from cli.output import emit_json
from cli.progress import progress_bar
from corpus.suggest_runner import SuggestionEngine, suggest_documents


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``suggest`` command."""
    help_text = "pre-annotate: suggestions from the schema's gazetteers, rules, corpus and spaCy"
    p = sub.add_parser("suggest", help=help_text, description=help_text)
    p.add_argument("--collection", metavar="NAME", help="only documents in this collection")
    p.add_argument(
        "--status", choices=Status.ALL, help="only documents with this status for the annotator"
    )
    p.add_argument(
        "--annotator",
        metavar="NAME",
        help="whose suggestions (default: the login on a team corpus)",
    )
    p.add_argument(
        "--accept",
        action="store_true",
        help="make the suggestions the annotator's spans at once instead of pending ones",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_suggest)


def cmd_suggest(args: argparse.Namespace) -> int:
    store = open_store(args)
    who = args.annotator or store.login_name()
    if not who:
        raise AnnotatorError("whose suggestions? name the annotator with --annotator")
    args.annotator = who  # --status means the annotator's status
    ids = [d.id for d in store.documents(document_filter(args))]
    engine = SuggestionEngine(store)
    if not engine:
        raise AnnotatorError(
            f"schema '{store.schema().name}' has no suggestion sources: add a 'suggestions' "
            "block (see docs/SUGGESTIONS.md)"
        )
    bar = progress_bar(total=len(ids), unit=" docs", quiet=args.json, leave=True)
    try:
        report = suggest_documents(
            store, ids, who, accept=args.accept, engine=engine, progress=lambda _: bar.update(1)
        )
    finally:
        bar.close()
    if args.json:
        emit_json(asdict(report))
        return 0
    done = f"{report.accepted} spans accepted" if args.accept else f"{report.suggested} pending"
    print(f"{report.documents} documents, {done} for {who}")
    if report.frozen:
        print(f"  {report.frozen} documents left alone: reviewed or locked for {who}")
    return 0
