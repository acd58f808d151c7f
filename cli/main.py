"""Entry point of ``annotator``: argument parsing, and errors as one line on stderr."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import NoReturn

import peewee
import platformdirs

from annotator import formats
from annotator.document import Status
from annotator.errors import AnnotatorError
from annotator.formats.flat import POLICIES
from cli import (
    agreement_command,
    backup_command,
    commands,
    copy_command,
    exchange_commands,
    query_command,
    stats_command,
    suggest_command,
    team_commands,
)
from corpus.db import APP_NAME, first_database_error, first_line

EXAMPLES = """\
examples:
  annotator                                   open the desktop app on the default corpus
  annotator gui --annotator alice             ... annotating as alice
  annotator import articles/ --collection syria
  annotator import feed.jsonl --field text=body --field title=headline
  annotator list --status done --collection syria --json
  annotator search '"air strike" Aleppo -Idlib'
  annotator query --label Casualty --where kind=killed --where 'count>=10' --json
  annotator show 12 --json
  annotator stats
  annotator schema validate my-schema.yaml
  annotator --db team.db schema set my-schema.yaml
  annotator --db postgresql://alice@db.example.org/news list
  annotator export --format conll --scheme bilou --annotator alice --out train.conll
  annotator import --format brat brat-folder/ --annotator imported --extend-schema
  annotator suggest --collection syria --annotator alice   pre-annotate (shown in the editor)
  annotator --db postgresql://owner@db/news team setup     the database enforces the roles
  annotator --db postgresql://owner@db/news team add alice --role annotator
  annotator assign --collection syria --to alice,bob,carol --per-document 2
  annotator --db service=news queue                        my queue (libpq service file)
  annotator backup; annotator restore PATH                 online backup (pg_dump), restore

The corpus is --db PATH, --db postgresql://... or a libpq string such as service=NAME (with
passwords in ~/.pgpass, never on the command line), else $ANNOTATOR_DB, else the default file in
the user data folder. Run 'annotator COMMAND --help' for a command's options.
"""


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _filters(p: argparse.ArgumentParser, search: bool = False) -> None:
    p.add_argument("--collection", metavar="NAME", help="only documents in this collection")
    p.add_argument("--status", choices=Status.ALL, help="only documents with this status")
    p.add_argument("--annotator", metavar="NAME", help="the annotator whose status --status means")
    if search:
        p.add_argument("--author", help="only documents by this author")
        p.add_argument("--language", help="only documents in this language (code)")
        p.add_argument("--since", metavar="DATE", help="published on or after (YYYY-MM-DD)")
        p.add_argument("--until", metavar="DATE", help="published on or before (YYYY-MM-DD)")
        p.add_argument(
            "--meta",
            action="append",
            metavar="KEY=VALUE",
            help="metadata field equals value (repeatable)",
        )


def _format_options(p: argparse.ArgumentParser, tokens: bool) -> None:
    if tokens:  # an export makes tokens; an import takes those the file has
        p.add_argument(
            "--tokenizer",
            default="builtin",
            metavar="NAME",
            help="tokens of token formats: builtin (default), or spacy / spacy:LANG (needs spaCy)",
        )
    p.add_argument(
        "--scheme",
        choices=["iob1", "bio", "bioes", "bilou"],
        help="tagging scheme of token formats (conll, hf; export default bio)",
    )
    p.add_argument(
        "--offsets",
        choices=["codepoints", "utf16"],
        default="codepoints",
        help="how jsonl (doccano) offsets count (doccano's browser: utf16)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = Parser(
        prog="annotator",
        description="Annotate news articles by hand: a corpus of articles, a configurable schema, standard exports.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="corpus: a SQLite file path, a postgresql:// URL or a libpq string (service=NAME)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(
        name: str, func: Callable[[argparse.Namespace], int], help: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = command("gui", commands.cmd_gui, "open the desktop app (the default command)")
    p.add_argument(
        "--annotator",
        metavar="NAME",
        help="annotate as NAME (default: your login name); only NAME's spans are shown",
    )

    p = command(
        "import",
        commands.cmd_import,
        "import articles: .txt .md .html .json .jsonl .csv .pdf .docx files or folders",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (walked recursively)")
    p.add_argument(
        "--collection", metavar="NAME", help="put the imported articles in this collection"
    )
    p.add_argument(
        "--max-size",
        type=float,
        default=50,
        metavar="MB",
        help="refuse files (or records) over this size (default 50)",
    )
    p.add_argument(
        "--field",
        action="append",
        metavar="FIELD=KEY",
        help="take a document field from this record key in JSON/CSV (e.g. text=body)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--events",
        action="store_true",
        help="print each article's outcome as a JSON line once it is committed (for scripts)",
    )
    p.add_argument(
        "--format",
        choices=formats.names(),
        help="import annotations in this format (documents come with them) instead of articles",
    )
    p.add_argument(
        "--annotator", metavar="NAME", help="with --format: store the annotations as NAME's"
    )
    p.add_argument(
        "--extend-schema",
        action="store_true",
        help="with --format: add the labels, attributes and types the schema lacks",
    )
    _format_options(p, tokens=False)

    p = command(
        "export",
        exchange_commands.cmd_export,
        "export annotations: " + ", ".join(formats.names()),
    )
    p.add_argument("--format", required=True, choices=formats.names(), help="the format")
    p.add_argument("--out", required=True, metavar="PATH", help="the file (or folder) to write")
    _filters(p)
    p.add_argument(
        "--split",
        metavar="TRAIN,DEV,TEST",
        help="write train/dev/test parts into the folder --out, by document (e.g. 80,10,10)",
    )
    p.add_argument("--seed", type=int, default=0, help="the split's seed (default 0)")
    p.add_argument(
        "--policy",
        choices=sorted(POLICIES),
        default="longest",
        help="which of overlapping spans flat formats keep (default longest)",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _format_options(p, tokens=True)

    p = command("list", commands.cmd_list, "list documents")
    _filters(p)
    p.add_argument("--limit", type=int, metavar="N", help="at most N documents")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = command("search", commands.cmd_search, 'full-text search: words, "phrases", -excluded')
    p.add_argument("query", nargs="+", help="what to look for")
    _filters(p, search=True)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = command("show", commands.cmd_show, "show one document: metadata, text and annotations")
    p.add_argument("id", type=int, help="the document's id")
    p.add_argument("--annotator", metavar="NAME", help="only this annotator's annotations")
    p.add_argument("--json", action="store_true", help="print a JSON object")

    stats_command.add_parser(sub)

    p = command(
        "agreement",
        agreement_command.cmd_agreement,
        "agreement among annotators: kappas, alpha, span F1 and the label confusion matrix",
    )
    p.add_argument("--collection", metavar="NAME", help="only documents in this collection")
    p.add_argument(
        "--annotators",
        metavar="A,B,...",
        help="only these annotators, in this order (default: everyone, by name)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")

    schema = command(
        "schema", lambda a: schema.print_help() or 2, "validate, show or set the annotation schema"
    )
    schema_sub = schema.add_subparsers(dest="schema_command", metavar="ACTION", parser_class=Parser)
    p = schema_sub.add_parser(
        "validate", help="check a schema file", description="check a schema file"
    )
    p.add_argument("file")
    p.set_defaults(func=commands.cmd_schema_validate)
    p = schema_sub.add_parser(
        "show", help="print the corpus's schema", description="print the corpus's schema"
    )
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=commands.cmd_schema_show)
    p = schema_sub.add_parser(
        "set",
        help="make a schema file the corpus's schema",
        description="make a schema file the corpus's schema",
    )
    p.add_argument("file")
    p.set_defaults(func=commands.cmd_schema_set)
    help_text = "turn a format's configuration (brat annotation.conf, Label Studio config, UIMA type system) into a schema"
    p = schema_sub.add_parser("convert", help=help_text, description=help_text)
    p.add_argument("--format", required=True, choices=formats.names())
    p.add_argument("file")
    p.add_argument("--out", metavar="FILE", help="write the YAML here (default: stdout)")
    p.set_defaults(func=exchange_commands.cmd_schema_convert)
    help_text = "write the corpus's schema as a format's configuration"
    p = schema_sub.add_parser("export", help=help_text, description=help_text)
    p.add_argument("--format", required=True, choices=formats.names())
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=exchange_commands.cmd_schema_export)

    copy_command.add_parser(sub)
    backup_command.add_parsers(sub)
    query_command.add_parser(sub)
    suggest_command.add_parser(sub)
    team_commands.add_parsers(sub, Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every error ends as one line on stderr and a non-zero exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", commands.cmd_gui)
    try:
        return func(args)
    except AnnotatorError as exc:
        print(f"annotator: {exc}", file=sys.stderr)
        return 2
    except peewee.PeeweeException as exc:
        print(
            f"annotator: database error: {first_line(first_database_error(exc))}", file=sys.stderr
        )
        return 2
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (annotator list | head): nothing more to say
        return 1
    except OSError as exc:  # a path that cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"annotator: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("annotator: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        log = _log_crash()
        print(
            f"annotator: internal error: {type(exc).__name__}: {exc} (details in {log})",
            file=sys.stderr,
        )
        return 70


def _log_crash() -> str:
    """Write the current exception's traceback to the user log folder; returns the file."""
    folder = platformdirs.user_log_path(APP_NAME, appauthor=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "errors.log"
        with path.open("a", encoding="utf-8") as f:
            f.write(
                f"--- {datetime.now().isoformat()} {' '.join(sys.argv)}\n{traceback.format_exc()}\n"
            )
        return str(path)
    except OSError:
        logging.exception("internal error")
        return "stderr"


if __name__ == "__main__":
    sys.exit(main())
