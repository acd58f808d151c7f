"""Backing up and restoring a whole corpus: SQLite's online backup API into a new file checked
with ``PRAGMA integrity_check``; ``pg_dump -Fc`` and ``pg_restore`` for PostgreSQL.

Every backup is written aside (``NAME.part``) and renamed when complete, so a file with the
backup's name is always a whole one. PostgreSQL passwords never reach a command line: the
client tools get one only in their environment (``PGPASSWORD``), and only if the URL had one.
A restore refuses while the corpus is in use: a SQLite file that a store has open
(:mod:`corpus.in_use`), a PostgreSQL database with other sessions connected.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import peewee as pw
import psycopg2
import psycopg2.extensions

from annotator.errors import AnnotatorError
from corpus import in_use
from corpus.db import first_line, is_postgres, redact

PG_TIMEOUT = 3600  # seconds a pg_dump or pg_restore may take before it is given up
AUTOMATIC_KEPT = 5  # automatic pre-upgrade backups kept per corpus

_log = logging.getLogger(__name__)


class ToolMissing(AnnotatorError):
    """pg_dump or pg_restore is neither on PATH nor in /usr/lib/postgresql/*/bin."""


def stamped(folder: Path, stem: str, suffix: str) -> Path:
    """A new file name in ``folder``: ``STEM-YYYYmmdd-HHMMSS.SUFFIX``, numbered if taken."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}-{stamp}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{stamp}-{number}{suffix}"
        number += 1
    return path


def backup(store_or_db: Any, target: str | Path) -> Path:
    """Copy the corpus of a store (or a bound peewee database) into the new file ``target``;
    returns its path. SQLite: the online backup API, then an integrity check of the copy;
    PostgreSQL: ``pg_dump -Fc``, then the archive's table of contents read back."""
    db: pw.Database = getattr(store_or_db, "db", store_or_db)
    target = Path(target).expanduser()
    if not isinstance(db, pw.SqliteDatabase):
        for tool in ("pg_dump", "pg_restore"):  # missing: said before anything is written
            _tool(tool)

    def write(part: Path) -> None:
        if isinstance(db, pw.SqliteDatabase):
            _sqlite_copy(db.connection(), part, target)
            _check_sqlite_corpus(part, shown=target)
        else:
            _pg_run("pg_dump", ["-Fc", "--no-password", f"--file={part}"], db.database, target)
            _check_pg_archive(part, shown=target)

    return _aside(target, write)


def restore(url: str, source: str | Path) -> Path | None:
    """Replace the corpus at ``url`` by the backup ``source``, once the backup is checked.

    SQLite: the current file is kept first beside itself as ``NAME.before-restore-STAMP.bak``
    (returned), then the backup is copied back with the online backup API. PostgreSQL:
    ``pg_restore --clean --if-exists --no-owner`` in one transaction (returns None).
    """
    source = Path(source).expanduser()
    if not source.is_file():
        raise AnnotatorError(f"{source}: no such backup file")
    if is_postgres(url):
        _check_pg_archive(source, shown=source)
        _refuse_other_sessions(url)
        args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--no-password"]
        _pg_run("pg_restore", [*args, str(source)], url, source)
        return None
    _check_sqlite_corpus(source, shown=source)
    current = Path(url).expanduser()
    kept = None
    with in_use.exclusive(current):
        if current.exists():
            kept = stamped(current.parent, f"{current.name}.before-restore", ".bak")
            live = _open_sqlite(current, read_only=True)
            try:
                _aside(kept, lambda part: _sqlite_copy(live, part, kept))
            finally:
                live.close()
        src = _open_sqlite(source, read_only=True)
        try:
            dest = sqlite3.connect(current, timeout=15)
            try:
                _sqlite_step(lambda: src.backup(dest), current)
            finally:
                dest.close()
        finally:
            src.close()
    return kept


def check_free(url: str) -> None:
    """Refuse in one line, as :func:`restore` would, while the corpus at ``url`` is in use, so
    that a user is not asked to confirm a restore that cannot run (the restore checks again)."""
    if is_postgres(url):
        _refuse_other_sessions(url)
        return
    current = Path(url).expanduser()
    if current.exists():
        with in_use.exclusive(current):
            pass


def prune_automatic(folder: Path, name: str, suffix: str) -> None:
    """Delete all but the newest :data:`AUTOMATIC_KEPT` automatic pre-upgrade backups of the
    corpus ``name`` in ``folder`` (``NAME.before-vN-STAMP[-K]SUFFIX``, named by
    :func:`stamped`), each deletion logged. No other file is touched, the user's own backups
    among them."""
    pattern = re.compile(
        rf"{re.escape(name)}\.before-v\d+-(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(suffix)}"
    )
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            found.append(((match[1], int(match[2] or 1)), path))  # newest: latest stamp, number
    found.sort(reverse=True)
    for _newness, path in found[AUTOMATIC_KEPT:]:
        try:
            path.unlink()
        except OSError as exc:
            _log.warning("cannot remove the old automatic backup %s: %s", path, exc.strerror)
            continue
        _log.info("removed the old automatic backup %s (%d newer kept)", path, AUTOMATIC_KEPT)


# -- SQLite ------------------------------------------------------------------------------------


def _aside(target: Path, write: Callable[[Path], None]) -> Path:
    """Have ``write`` fill ``TARGET.part``, then rename it ``target``; no part is left behind."""
    part = _start_file(target)
    try:
        write(part)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target


def _start_file(target: Path) -> Path:
    """Create ``target``'s aside file ``TARGET.part``, refusing an existing target, with the
    reason as one line when the folder cannot be written."""
    if target.exists():
        raise AnnotatorError(f"{target}: already exists; choose a new file for the backup")
    part = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part.unlink(missing_ok=True)  # left by an interrupted backup
        part.touch()
    except OSError as exc:
        raise AnnotatorError(f"{target}: cannot write the backup: {exc.strerror}") from None
    return part


def _open_sqlite(path: Path, read_only: bool) -> sqlite3.Connection:
    mode = "?mode=ro" if read_only else ""
    try:
        return sqlite3.connect(f"{path.resolve().as_uri()}{mode}", uri=True, timeout=15)
    except sqlite3.Error as exc:
        raise AnnotatorError(f"{path}: cannot open: {exc}") from None


def _sqlite_copy(source: sqlite3.Connection, part: Path, shown: Path) -> None:
    """The whole of ``source`` into the empty file ``part`` in one step of the backup API (one
    read transaction: a consistent snapshot while other connections write)."""
    copy = sqlite3.connect(part)
    try:
        _sqlite_step(lambda: source.backup(copy), shown)
        # One self-contained file, whatever the source's WAL mode: nothing in -wal/-shm beside.
        _sqlite_step(lambda: copy.execute("PRAGMA journal_mode = DELETE"), shown)
    finally:
        copy.close()


def _sqlite_step(step: Any, shown: Path) -> None:
    """Run ``step``, turning SQLite's errors (disk full, read-only folder) into one line."""
    try:
        step()
    except sqlite3.Error as exc:
        reason = str(exc)
        if "full" in reason:
            reason = "the disk is full"
        raise AnnotatorError(f"{shown}: the copy failed: {reason}") from None


def _check_sqlite_corpus(path: Path, shown: Path) -> None:
    """Refuse ``path`` unless it is a SQLite file that passes its integrity check and holds a
    corpus (its corpus_meta table with a schema version)."""
    conn = _open_sqlite(path, read_only=True)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise AnnotatorError(f"{shown}: the integrity check failed: {verdict}")
        version = conn.execute(
            "SELECT value FROM corpus_meta WHERE key = 'schema_version'"
        ).fetchone()
    except sqlite3.Error as exc:
        reason = "it holds no corpus" if "no such table" in str(exc) else str(exc)
        raise AnnotatorError(f"{shown}: not a corpus backup: {reason}") from None
    finally:
        conn.close()
    if version is None:
        raise AnnotatorError(f"{shown}: not a corpus backup: it has no schema version")


# -- PostgreSQL --------------------------------------------------------------------------------


def find_tool(name: str) -> str | None:
    """The path of the PostgreSQL client ``name``: on PATH, else the newest Debian/Ubuntu
    /usr/lib/postgresql/*/bin (a newer pg_dump reads older servers, not the reverse)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/(\d+)", path)
        return (int(match.group(1)),) if match else ()

    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)[::-1]:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """``url`` as a libpq string without its password, and the child environment: ours, plus
    PGPASSWORD when the URL had a password."""
    try:
        settings = psycopg2.extensions.parse_dsn(url)
    except psycopg2.ProgrammingError as exc:
        raise AnnotatorError(f"{redact(url)}: not a libpq connection string: {exc}") from None
    env = dict(os.environ)
    password = settings.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = password
    return psycopg2.extensions.make_dsn(**settings), env


def _tool(name: str) -> str:
    program = find_tool(name)
    if program is None:
        raise ToolMissing(
            f"{name} not found (neither on PATH nor in /usr/lib/postgresql/*/bin): "
            "install PostgreSQL's client tools"
        )
    return program


def _pg_run(tool: str, args: list[str], url: str, shown: Path) -> None:
    """Run the client ``tool`` on the database ``url``; its last error line as an error."""
    program = _tool(tool)
    dsn, env = _connection(url)
    try:
        done = subprocess.run(
            [program, *args, f"--dbname={dsn}"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=PG_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AnnotatorError(f"{shown}: {tool} failed: {exc}") from None
    if done.returncode != 0:
        raise AnnotatorError(f"{shown}: {tool} failed: {_reason(done.stderr)}")


def _reason(stderr: str) -> str:
    """The telling line of a client tool's error output."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines or ["no output"]
    reason = errors[0].split("error: ", 1)[-1]
    if "No space left" in reason or f"[Errno {errno.ENOSPC}]" in reason:
        return "the disk is full"
    return reason


def _refuse_other_sessions(url: str) -> None:
    """Refuse in one line while other sessions (apps, commands) are connected to the database
    of ``url``: ``pg_restore --clean`` would contend with them, and they would go on with what
    they cached of the corpus it replaces."""
    try:
        conn = psycopg2.connect(url)
    except psycopg2.Error as exc:
        raise AnnotatorError(f"{redact(url)}: cannot connect: {first_line(exc)}") from None
    try:
        with conn.cursor() as cur:
            # Other roles' sessions show no backend_type to a role that is not privileged;
            # background workers (autovacuum) have no user.
            cur.execute(
                "SELECT application_name FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND usesysid IS NOT NULL"
                " AND coalesce(backend_type, 'client backend') = 'client backend'"
            )
            names = [str(row[0] or "") for row in cur.fetchall()]
    finally:
        conn.close()
    if not names:
        return
    apps = sorted({name for name in names if name})
    sessions = f"{len(names)} other session{'s are' if len(names) > 1 else ' is'} connected"
    named = f" ({', '.join(apps)})" if apps else ""
    raise AnnotatorError(
        f"{redact(url)}: {sessions} to the corpus{named}; close the annotator windows and "
        "commands using it, then restore again"
    )


def _check_pg_archive(path: Path, shown: Path) -> None:
    """Refuse ``path`` unless pg_restore reads it as an archive holding a corpus."""
    done = subprocess.run(
        [_tool("pg_restore"), "--list", str(path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=PG_TIMEOUT,
    )
    if done.returncode != 0:
        raise AnnotatorError(f"{shown}: not a corpus backup: {_reason(done.stderr)}")
    if not re.search(r"TABLE DATA \S+ corpus_meta ", done.stdout):
        raise AnnotatorError(f"{shown}: not a corpus backup: it holds no corpus_meta table")
