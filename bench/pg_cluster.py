"""A throwaway PostgreSQL cluster for the benchmarks that need one: the cluster the tests start
(``tests/pg_server.py``: fsync and synchronous commit off, thrown away at the end), as a context
manager that hands out fresh databases named by a prefix and a number.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count

import psycopg2
from psycopg2 import sql

from tests import pg_server


@dataclass
class Cluster:
    """A running throwaway cluster and the databases made on it."""

    server: pg_server.PgServer
    prefix: str

    def __post_init__(self) -> None:
        self._numbers = count(1)

    def fresh(self, template: str | None = None) -> tuple[str, str]:
        """A new database, empty or a copy of the database ``template``: its name and URL."""
        name = f"{self.prefix}_{next(self._numbers)}"
        if template is None:
            return name, self.server.create_database(name)
        conn = psycopg2.connect(self.server.url)
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with conn.cursor() as cur:
                cur.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(template)
                    )
                )
        finally:
            conn.close()
        return name, self.server.url_for(name)

    def drop(self, name: str) -> None:
        """Drop the database ``name``."""
        self.server.drop_database(name)


@contextmanager
def cluster(prefix: str) -> Iterator[Cluster]:
    """Start a throwaway cluster for the ``with`` block, stopped and removed after it; raises
    RuntimeError when PostgreSQL cannot start."""
    server = pg_server.start()
    if isinstance(server, str):
        raise RuntimeError(f"PostgreSQL did not start: {server}")
    try:
        yield Cluster(server, prefix)
    finally:
        server.stop()
