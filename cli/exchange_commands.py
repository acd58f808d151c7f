"""The export command and ``import --format``: annotations through the exchange formats, with
a progress bar on stderr and the report of what a format could not carry."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator import formats
from annotator.errors import AnnotatorError
from annotator.formats.model import ExportOptions, Format, ImportOptions, Report
from annotator.formats.split import parse_ratios
from annotator.schema_yaml import schema_to_yaml
from cli.commands import document_filter, open_store
from cli.output import emit_json
from cli.progress import progress_bar
from corpus.exchange import ExportRequest, export_corpus, import_annotations


def _print_report(report: Report, as_json: bool, verb: str) -> None:
    if as_json:
        emit_json(
            {
                "documents": report.documents,
                "spans": report.spans,
                "not_carried": dict(sorted(report.lost.items())),
                "notes": report.notes,
                "refused": [str(e) for e in report.errors],
            }
        )
        return
    print(f"{verb} {report.documents} document(s), {report.spans} span(s)")
    for line in report.lines()[1:]:
        print(f"  {line}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> int:
    store = open_store(args)
    options = ExportOptions(scheme=args.scheme or "bio", offsets=args.offsets, policy=args.policy)
    request = ExportRequest(
        format=args.format,
        out=Path(args.out),
        filter=document_filter(args),
        annotator=args.annotator,
        options=options,
        split=parse_ratios(args.split) if args.split else None,
        seed=args.seed,
        tokenizer=args.tokenizer,
    )
    with progress_bar(unit=" docs") as bar:
        report = export_corpus(store, request, lambda done: bar.update(done - bar.n))
    _print_report(report, args.json, "exported")
    return 1 if report.errors else 0


def cmd_import_annotations(args: argparse.Namespace) -> int:
    store = open_store(args)
    options = ImportOptions(
        offsets=args.offsets,
        scheme=args.scheme,
        max_bytes=int(args.max_size * 1024 * 1024),
    )
    with progress_bar(unit=" docs") as bar:
        report = import_annotations(
            store,
            args.format,
            [Path(p) for p in args.paths],
            annotator=args.annotator,
            extend_schema=args.extend_schema,
            options=options,
            progress=lambda done: bar.update(done - bar.n),
        )
    _print_report(report, args.json, "imported")
    return 1 if report.errors else 0


def _schema_format(name: str, needs: str) -> Format:
    fmt = formats.get(name)
    if getattr(fmt, f"schema_{needs}") is None:
        raise AnnotatorError(f"the {name} format has no schema configuration to {needs[:-2]}")
    return fmt


def cmd_schema_convert(args: argparse.Namespace) -> int:
    """A format's configuration (brat annotation.conf, a Label Studio config, a type system)
    as a schema in YAML, on stdout or into --out."""
    fmt = _schema_format(args.format, "reader")
    assert fmt.schema_reader is not None
    schema = fmt.schema_reader(Path(args.file))
    text = schema_to_yaml(schema)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_schema_export(args: argparse.Namespace) -> int:
    """The corpus's schema written as a format's configuration."""
    fmt = _schema_format(args.format, "writer")
    assert fmt.schema_writer is not None
    fmt.schema_writer(open_store(args).schema(), Path(args.out))
    print(f"wrote {args.out}")
    return 0
