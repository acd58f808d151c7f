"""The ``annotator`` commands: each takes the parsed arguments and returns an exit code."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict

from annotator.errors import AnnotatorError
from annotator.schema_yaml import load_schema_file, schema_to_dict, schema_to_yaml
from cli.output import document_json, emit_json, print_document, summary_json
from cli.progress import progress_bar
from corpus import db as dbmod
from corpus import seed
from corpus.filters import DocumentFilter
from corpus.ingest import ImportEvent, IngestOptions, import_paths
from corpus.store import Store


def open_store(args: argparse.Namespace, prepare: bool = True) -> Store:
    """Open the corpus named by --db (or $ANNOTATOR_DB, or the default one), ready to use."""
    default = not (args.db or os.environ.get(dbmod.ENV_VAR))
    store = Store.open(args.db)
    if prepare:
        seed.prepare(store, with_seeds=default)
    return store


def document_filter(args: argparse.Namespace) -> DocumentFilter:
    """The document filter given by the common filter options."""
    metadata = {}
    for item in getattr(args, "meta", None) or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise AnnotatorError(f"--meta takes KEY=VALUE, not {item!r}")
        metadata[key] = value
    return DocumentFilter(
        collection=args.collection,
        status=args.status,
        annotator=args.annotator,
        author=getattr(args, "author", None),
        language=getattr(args, "language", None),
        published_from=getattr(args, "since", None),
        published_to=getattr(args, "until", None),
        metadata=metadata,
    )


def cmd_gui(args: argparse.Namespace) -> int:
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    )
    if headless:
        raise AnnotatorError(
            "no display to open the window on (set DISPLAY, or QT_QPA_PLATFORM=offscreen to run without one)"
        )
    try:
        from ui.app import run
    except ImportError as exc:
        raise AnnotatorError(
            f"cannot start the desktop app: {exc} (on Debian or Ubuntu install the Qt system "
            "libraries listed in README.md, such as libegl1, libxkbcommon0 and libfontconfig1)"
        ) from None
    return run(open_store(args), annotator=getattr(args, "annotator", None))


def cmd_import(args: argparse.Namespace) -> int:
    if args.format:
        if args.collection or args.field:
            raise AnnotatorError("--collection and --field go with article imports, not --format")
        from cli.exchange_commands import cmd_import_annotations  # it imports this module

        return cmd_import_annotations(args)
    if args.annotator or args.extend_schema:
        raise AnnotatorError("--annotator and --extend-schema go with --format (annotations)")
    fields = {}
    for item in args.field or []:
        name, sep, key = item.partition("=")
        if not sep or name not in ("text", "title", "author", "published", "source", "language"):
            raise AnnotatorError(
                f"--field takes FIELD=KEY with FIELD one of text, title, author, published, source, language; not {item!r}"
            )
        fields[name] = key
    options = IngestOptions(max_bytes=int(args.max_size * 1024 * 1024), fields=fields)
    store = open_store(args)
    bar = progress_bar(unit=" articles", quiet=args.json)

    def progress(event: ImportEvent) -> None:
        bar.update(1)
        if args.events:  # called once the article's batch is committed: an acknowledgement
            print(json.dumps(asdict(event), ensure_ascii=False), flush=True)
        if event.outcome == "failed":
            bar.write(f"annotator: {event.where}: {event.message}", file=sys.stderr)

    try:
        report = import_paths(store, args.paths, args.collection, options, progress)
    finally:
        bar.close()
    if args.json:
        emit_json(asdict(report))
    else:
        print(
            f"imported {report.imported}, duplicates {report.duplicates}, "
            f"near-duplicates {report.near_duplicates}, failed {report.failed}"
        )
        for line in report.duplicate_details:
            print(f"  duplicate: {line}")
        for line in report.near_duplicate_details:
            print(f"  near-duplicate: {line}")
    return 1 if report.failed else 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    docs = store.documents(document_filter(args), limit=args.limit)
    if args.json:
        emit_json([summary_json(d) for d in docs])
        return 0
    for d in docs:
        details = ", ".join(x for x in (d.author, d.published) if x)
        extra = f"  [{', '.join(d.collections)}]" if d.collections else ""
        print(
            f"{d.id:>6}  {d.title or '(untitled)'}{f'  ({details})' if details else ''}{extra}  spans: {d.span_count}"
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    store = open_store(args)
    hits = store.search(" ".join(args.query), document_filter(args), limit=args.limit)
    if args.json:
        emit_json([asdict(h) for h in hits])
        return 0
    if not hits:
        print("no documents match", file=sys.stderr)
    for h in hits:
        print(f"{h.id:>6}  {h.title or '(untitled)'}\n        {' '.join(h.snippet.split())}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_store(args)
    data = document_json(store, args.id, args.annotator)
    if args.json:
        emit_json(data)
    else:
        print_document(data)
    return 0


def cmd_schema_validate(args: argparse.Namespace) -> int:
    schema = load_schema_file(args.file)
    print(
        f"{args.file}: valid schema '{schema.name}' with {len(schema.labels)} labels, {len(schema.relations)} relation types, {len(schema.events)} event types"
    )
    return 0


def cmd_schema_show(args: argparse.Namespace) -> int:
    store = open_store(args)
    schema = store.schema()
    if args.json:
        emit_json({**schema_to_dict(schema), "history": store.schema_history()})
    else:
        sys.stdout.write(schema_to_yaml(schema))
    return 0


def cmd_schema_set(args: argparse.Namespace) -> int:
    schema = load_schema_file(args.file)
    store = open_store(args, prepare=False)
    with open(args.file, encoding="utf-8-sig") as f:
        version = store.set_schema(schema, f.read())
    print(f"schema '{schema.name}' is now in force as version {version}")
    return 0
