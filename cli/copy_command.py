"""``annotator copy --from URL --to URL``: a whole corpus into a new database, SQLite or
PostgreSQL either way, with a progress bar on stderr and the counts and checksums compared."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from cli.output import emit_json
from cli.progress import progress_bar

if TYPE_CHECKING:
    from corpus.copy import CopyProgress, CopyReport


def add_parser(sub: Any) -> None:
    """Register the ``copy`` command on the subparsers ``sub``."""
    help_text = (
        "copy a whole corpus into a new SQLite file or an empty PostgreSQL database "
        "(either way), then compare counts and checksums"
    )
    p = sub.add_parser("copy", help=help_text, description=help_text)
    p.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="URL",
        help="the corpus to copy: a SQLite file path or a postgresql:// URL",
    )
    p.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="URL",
        help="where to: a new SQLite file, or an existing empty PostgreSQL database",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_copy)


def report_json(report: CopyReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    return {
        "source": report.source,
        "target": report.target,
        "seconds": round(report.seconds, 3),
        "documents": report.documents,
        "indexed": report.indexed,
        "matches": report.matches,
        "tables": {
            t.table: {
                "rows": t.source_rows,
                "copied": t.target_rows,
                "checksum": t.source_checksum,
                "copy_checksum": t.target_checksum,
                "matches": t.matches,
            }
            for t in report.tables
        },
    }


def print_report(report: CopyReport, as_json: bool) -> None:
    """The counts and checksums, as a table or as JSON, on stdout."""
    if as_json:
        emit_json(report_json(report))
        return
    width = max((len(t.table) for t in report.tables), default=5)
    print(f"copied {report.source} -> {report.target} in {report.seconds:.1f} s")
    for t in report.tables:
        verdict = "ok" if t.matches else f"DIFFERS ({t.target_rows} rows, {t.target_checksum[:16]})"
        print(
            f"  {t.table:<{width}}  {t.source_rows:>10}  sha256 {t.source_checksum[:16]}  {verdict}"
        )
    print(f"search index: {report.indexed} of {report.documents} documents")
    matched = sum(t.matches for t in report.tables)
    print(f"checksums: {matched} of {len(report.tables)} tables match")


def cmd_copy(args: argparse.Namespace) -> int:
    # Imported here: every other command starts without psycopg2 and the copy machinery.
    from corpus.copy import CopyMismatch, copy_corpus

    bar = progress_bar(unit=" rows", unit_scale=True)

    def progress(event: CopyProgress) -> None:
        if bar.total != event.total:
            bar.total = event.total
        bar.set_description(f"{event.phase} {event.table}", refresh=False)
        bar.update(event.done - bar.n)

    try:
        report = copy_corpus(args.source, args.target, progress)
    except CopyMismatch as exc:
        bar.close()
        print_report(exc.report, args.json)
        raise
    finally:
        bar.close()
    if report.cancelled:
        print("annotator: the copy was cancelled; the target was left as it was", file=sys.stderr)
        return 1
    print_report(report, args.json)
    return 0
