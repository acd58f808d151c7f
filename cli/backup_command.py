"""``annotator backup [--out PATH]`` and ``annotator restore PATH [--yes]``: a whole corpus into
one file (SQLite's online backup, or pg_dump's archive) and back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import platformdirs

from annotator.errors import AnnotatorError
from corpus import db as dbmod


def add_parsers(sub: Any) -> None:
    """Register ``backup`` and ``restore`` on the subparsers ``sub``."""
    help_text = (
        "back up the corpus into one file while it is in use (SQLite's online backup, "
        "checked; pg_dump for PostgreSQL)"
    )
    p = sub.add_parser("backup", help=help_text, description=help_text)
    p.add_argument(
        "--out",
        metavar="PATH",
        help="the new file (default: a timestamped one in the user data folder's backups/)",
    )
    p.set_defaults(func=cmd_backup)

    help_text = (
        "replace the corpus by a backup, once no annotator window or command has it open "
        "(SQLite: the current file is kept beside it first; PostgreSQL: pg_restore --clean)"
    )
    p = sub.add_parser("restore", help=help_text, description=help_text)
    p.add_argument("path", metavar="PATH", help="a file made by 'annotator backup'")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_restore)


def backups_folder() -> Path:
    """Where backups go by default: ``backups/`` in the user data folder."""
    return platformdirs.user_data_path(dbmod.APP_NAME, appauthor=False) / "backups"


def ask(question: str) -> bool:
    """Ask ``question`` on the terminal; True only for an answer starting with y."""
    print(question, end=" ", file=sys.stderr, flush=True)
    try:
        return input().strip().lower().startswith("y")
    except EOFError:
        return False


def cmd_backup(args: argparse.Namespace) -> int:
    # Imported here: other commands start without the backup machinery.
    import psycopg2.extensions

    from corpus.backup import backup, stamped
    from corpus.migrations import schema_version

    url = dbmod.resolve_url(args.db)
    postgres = dbmod.is_postgres(url)
    path = Path(url).expanduser()
    if not postgres and not path.is_file():
        raise AnnotatorError(f"{path}: no corpus to back up")
    db = dbmod.connect(url)
    try:
        if schema_version(db) is None:
            raise AnnotatorError(f"{dbmod.redact(url)}: not a corpus, nothing to back up")
        if postgres:  # a valid libpq string: connect() read it
            name = str(psycopg2.extensions.parse_dsn(db.database).get("dbname") or "corpus")
            suffix = ".dump"
        else:
            name, suffix = path.stem, path.suffix or ".db"
        made = backup(db, args.out or stamped(backups_folder(), name, suffix))
    finally:
        db.close()
    print(made)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from corpus.backup import check_free, restore

    url = dbmod.resolve_url(args.db)
    check_free(url)  # before asking: a corpus in use cannot be restored anyway
    question = f"Replace the corpus {dbmod.redact(url)} by the backup {args.path}? [y/N]"
    if not args.yes and not ask(question):
        print("annotator: restore cancelled; the corpus is unchanged", file=sys.stderr)
        return 1
    kept = restore(url, args.path)
    print(f"restored {dbmod.redact(url)} from {args.path}")
    if kept is not None:
        print(f"the corpus as it was: {kept}")
    return 0
