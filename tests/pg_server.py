"""A throwaway PostgreSQL cluster for a test session: initdb in a fresh temp folder, start it on a
unix socket and a free port of 127.0.0.1, hand out empty databases, stop it and remove the folder.

When running as root the cluster belongs to the ``postgres`` system user (PostgreSQL refuses to
run as root), so the folder is made under /tmp, where that user can reach it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

START_TIMEOUT = 60  # seconds pg_ctl waits for the server to accept connections
OWNER = "postgres"  # the system user that runs the cluster when we are root

# The server's settings: reachable only through its own socket folder and the loopback port,
# and fast rather than durable (the cluster is thrown away).
_SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
"""

# initdb's locale options, best first: a linguistic collation (PostgreSQL 15+ built with ICU),
# then the C collation with UTF-8 character classes, then plain C.
_LOCALES = (
    ["--locale-provider=icu", "--icu-locale=en-US", "--locale=C.UTF-8"],
    ["--locale=C.UTF-8"],
    ["--locale=C"],
)


@dataclass
class PgServer:
    """A running throwaway cluster: its superuser URL, and databases made and dropped on demand."""

    folder: Path
    port: int
    pg_ctl: str
    run_as: list[str]
    started_in: float = 0.0
    _stopped: bool = field(default=False, repr=False)

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        """The libpq URL of the maintenance database ``postgres``."""
        return self.url_for("postgres")

    def url_for(self, name: str) -> str:
        """The libpq URL of the database ``name`` on this server."""
        return f"postgresql://{OWNER}@127.0.0.1:{self.port}/{name}"

    def _admin(self) -> psycopg2.extensions.connection:
        conn = psycopg2.connect(self.url)
        conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        return conn

    def create_database(self, name: str) -> str:
        """Create an empty database ``name``; returns its URL."""
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            conn.close()
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop the database ``name``, ending any connection a test left open to it."""
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    [name],
                )
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        finally:
            conn.close()

    def url_as(self, user: str, database: str) -> str:
        """The libpq URL of ``database`` for the login role ``user``."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def psql(
        self, user: str, database: str, command: str, password: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run one SQL ``command`` with the ``psql`` client as ``user``, as a person with that
        user's credentials would; its exit code, output and errors."""
        psql = shutil.which("psql") or str(Path(os.path.realpath(self.pg_ctl)).with_name("psql"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if password is not None:
            env["PGPASSWORD"] = password
        return subprocess.run(
            [
                psql,
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                command,
                self.url_as(user, database),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    def require_password(self, user: str) -> None:
        """Make ``user`` log in over TCP with a SCRAM password (everyone else stays trusted)."""
        hba = self.data_dir / "pg_hba.conf"
        rule = f"host all {user} 127.0.0.1/32 scram-sha-256\n"
        hba.write_text(rule + hba.read_text(encoding="utf-8"), encoding="utf-8")
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_reload_conf()")
        finally:
            conn.close()
        time.sleep(0.2)  # the postmaster rereads the file on its signal

    def pause(self) -> None:
        """Stop the server as an administrator's restart does: every connection cut, what was
        committed kept (an immediate stop could lose it here: commits are not synchronous)."""
        self._pg_ctl("-m", "fast", "stop")

    def resume(self) -> None:
        """Start the server paused by :meth:`pause` again, on the same port."""
        log = self.folder / "server.log"
        self._pg_ctl("-l", str(log), "-w", "-t", str(START_TIMEOUT), "start")

    def _pg_ctl(self, *args: str) -> None:
        done = _run([*self.run_as, self.pg_ctl, "-D", str(self.data_dir), *args], cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(
                f"pg_ctl {args[-1]} failed: {_last_lines(done.stdout + done.stderr)}"
            )

    def stop(self) -> None:
        """Stop the server at once (nothing in it is worth keeping) and remove its folder."""
        if self._stopped:
            return
        self._stopped = True
        try:
            _run([*self.run_as, self.pg_ctl, "-D", str(self.data_dir), "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def find_binaries() -> tuple[str, str] | None:
    """Paths of ``initdb`` and ``pg_ctl``: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl

    def version(bin_dir: str) -> tuple[int, ...]:
        found = re.search(r"/postgresql/([\d.]+)/bin$", bin_dir)
        return tuple(int(p) for p in found.group(1).split(".") if p) if found else ()

    for bin_dir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        candidates = os.path.join(bin_dir, "initdb"), os.path.join(bin_dir, "pg_ctl")
        if all(os.access(c, os.X_OK) for c in candidates):
            return candidates
    return None


def start() -> PgServer | str:
    """Start a throwaway cluster; returns it, or the reason it could not start as text."""
    began = time.monotonic()
    binaries = find_binaries()
    if binaries is None:
        return "no PostgreSQL server found (initdb and pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin)"
    initdb, pg_ctl = binaries

    run_as: list[str] = []
    owner: tuple[int, int] | None = None
    parent = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        runuser = shutil.which("runuser")
        try:
            entry = pwd.getpwnam(OWNER)
        except KeyError:
            return f"running as root, but there is no '{OWNER}' user to run PostgreSQL as"
        if runuser is None:
            return "running as root, but runuser is missing to run PostgreSQL as another user"
        run_as = [runuser, "-u", OWNER, "--"]
        owner = (entry.pw_uid, entry.pw_gid)
        # $TMPDIR may be private to root; /tmp is reachable by every user.
        parent = "/tmp"

    try:
        folder = Path(tempfile.mkdtemp(prefix="annotator-pg-", dir=parent))
    except OSError as exc:
        return f"cannot make a folder for the cluster: {exc}"
    try:
        result = _init_and_start(folder, initdb, pg_ctl, run_as, owner)
    except Exception as exc:  # any surprise becomes a reason to skip, never a crash
        result = f"{type(exc).__name__}: {exc}"
    if isinstance(result, PgServer):
        result.started_in = time.monotonic() - began
        return result
    shutil.rmtree(folder, ignore_errors=True)
    return result


def _init_and_start(
    folder: Path, initdb: str, pg_ctl: str, run_as: list[str], owner: tuple[int, int] | None
) -> PgServer | str:
    data_dir, socket_dir, log = folder / "data", folder / "socket", folder / "server.log"
    socket_dir.mkdir()
    if owner is not None:
        for path in (folder, socket_dir):
            os.chown(path, *owner)

    # UTF8 whatever the environment's locale: tests store emoji and Arabic. Users' servers mostly
    # sort text by a language's rules (en_US.UTF-8), not by code point as SQLite does; an ICU
    # en-US collation, where this PostgreSQL has one, makes tests meet that difference.
    for locale in _LOCALES:
        shutil.rmtree(data_dir, ignore_errors=True)
        args = ["-D", str(data_dir), "-A", "trust", "-U", OWNER, "-E", "UTF8", *locale]
        done = _run([*run_as, initdb, *args, "--no-sync"], cwd=folder)
        if done.returncode == 0:
            break
    else:
        return f"initdb failed: {_last_lines(done.stdout + done.stderr)}"

    for _ in range(3):  # a port picked free may be taken before the server binds it
        port = _free_port()
        conf = data_dir / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as fh:
            fh.write(_SETTINGS.format(port=port, socket_dir=socket_dir))
        options = ["-D", str(data_dir), "-l", str(log), "-w", "-t", str(START_TIMEOUT)]
        started = _run(
            [*run_as, pg_ctl, *options, "start"],
            cwd=folder,
            timeout=START_TIMEOUT + 30,
        )
        if started.returncode == 0:
            return PgServer(folder=folder, port=port, pg_ctl=pg_ctl, run_as=run_as)
        # Stop whatever half-started (say, a server slower than the timeout) before giving up.
        _run([*run_as, pg_ctl, "-D", str(data_dir), "-m", "immediate", "stop"], cwd=folder)
        server_log = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if "could not bind" not in server_log and "in use" not in server_log:
            break
    output = started.stdout + started.stderr + server_log
    return f"pg_ctl start failed: {_last_lines(output)}"


def _run(
    args: list[str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    # Our own PG* variables (PGDATA, PGPORT, ...) must not steer the throwaway cluster.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    try:
        return subprocess.run(
            args,
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(args, 1, "", f"{args[0]}: {exc}")


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _last_lines(text: str, n: int = 5) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-n:]) or "no output"
