"""Access control of a team corpus on PostgreSQL: the database itself decides who may change what.

Each member logs in as a PostgreSQL role of their own name, a member of one of three group
roles (:data:`GROUPS`). Row-level security on the annotation tables lets an annotator change
only their own annotation sets and, while the corpus is blind (the default), read only those;
curators and managers read and change all of them. Only managers change documents,
collections, the schema, the team and the queues. The corpus's owner, who runs
:func:`enable`, bypasses all of it, as PostgreSQL exempts a table's owner.

Passwords never reach the server in plain text: :func:`scram_verifier` hashes them first, as
libpq's ``PQencryptPasswordConn`` does, and members keep theirs in libpq's ``.pgpass``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata

import peewee as pw
from psycopg2 import sql

from annotator.errors import AnnotatorError
from corpus.assignments import check_role
from corpus.curation import GOLD
from corpus.models import Annotator

GROUPS = {
    "annotator": "corpus_annotators",
    "curator": "corpus_curators",
    "manager": "corpus_managers",
}
ANNOTATION_TABLES = ("annotation_set", "span", "relation", "event", "event_role", "suggestion")
MANAGED_TABLES = (
    "document",
    "document_band",
    "collection",
    "document_collection",
    "annotator",
    "assignment",
    "schema_version",
    "corpus_meta",
)
SCRAM_ITERATIONS = 4096  # PostgreSQL's default scram_iterations

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION annotator_me() RETURNS integer LANGUAGE sql STABLE
  AS $$ SELECT id FROM annotator WHERE name = current_user $$;
CREATE OR REPLACE FUNCTION annotator_privileged() RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT pg_has_role(current_user, 'corpus_curators', 'MEMBER')
            OR pg_has_role(current_user, 'corpus_managers', 'MEMBER') $$;
CREATE OR REPLACE FUNCTION annotator_blind() RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT coalesce((SELECT value FROM corpus_meta WHERE key = 'blind'), 'on') <> 'off' $$;
"""

_MINE = "(SELECT annotator_me())"
_PRIVILEGED = "(SELECT annotator_privileged())"
_OWN_SETS = f"(SELECT id FROM annotation_set WHERE annotator_id = {_MINE})"

# (table, who may read its rows, who may change them), as policy expressions.
_POLICIES = (
    (
        "annotation_set",
        f"annotator_id = {_MINE} OR {_PRIVILEGED} OR NOT (SELECT annotator_blind())",
        f"annotator_id = {_MINE} OR {_PRIVILEGED}",
    ),
    *(
        (
            table,
            "annotation_set_id IN (SELECT id FROM annotation_set)",  # the sets one may read
            f"annotation_set_id IN {_OWN_SETS} OR {_PRIVILEGED}",
        )
        for table in ("span", "relation", "event", "suggestion")
    ),
    (
        "event_role",
        "event_id IN (SELECT id FROM event)",
        f"event_id IN (SELECT id FROM event WHERE annotation_set_id IN {_OWN_SETS}) "
        f"OR {_PRIVILEGED}",
    ),
)


def _require_postgres(db: pw.Database) -> None:
    if not isinstance(db, pw.PostgresqlDatabase):
        raise AnnotatorError(
            "access control needs a PostgreSQL corpus (a SQLite file is one machine's: "
            "roles there say who does what, and anyone with the file can change it)"
        )


def enable(db: pw.Database) -> None:
    """Create the group roles, grants, functions and row-level security policies of a team
    corpus (again and again without harm). Run it as the corpus's owner."""
    _require_postgres(db)
    with db.atomic():
        for group in GROUPS.values():
            db.execute_sql(
                "DO $$ BEGIN CREATE ROLE " + group + " NOLOGIN; "
                "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
            )
        everyone = ", ".join(GROUPS.values())
        database = db.execute_sql("SELECT current_database()").fetchone()[0]
        _run(db, sql.SQL("GRANT CONNECT ON DATABASE {} TO " + everyone), [sql.Identifier(database)])
        db.execute_sql(f"GRANT USAGE ON SCHEMA public TO {everyone}")
        db.execute_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}")
        db.execute_sql(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {everyone}"
        )
        db.execute_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {everyone}")
        tables = ", ".join(ANNOTATION_TABLES)
        db.execute_sql(f"GRANT INSERT, UPDATE, DELETE ON {tables} TO {everyone}")
        managed = ", ".join(MANAGED_TABLES)
        db.execute_sql(f"GRANT INSERT, UPDATE, DELETE ON {managed} TO {GROUPS['manager']}")
        db.execute_sql(_FUNCTIONS)
        # Curators write the gold set: its annotator must exist, as only managers add them.
        Annotator.insert(name=GOLD).on_conflict_ignore().execute()
        _apply_policies(db, _POLICIES)


def _apply_policies(db: pw.Database, policies: tuple[tuple[str, str, str], ...]) -> None:
    for table, read, write in policies:
        db.execute_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        db.execute_sql(f"DROP POLICY IF EXISTS annotator_read ON {table}")
        db.execute_sql(f"DROP POLICY IF EXISTS annotator_write ON {table}")
        db.execute_sql(f"CREATE POLICY annotator_read ON {table} FOR SELECT USING ({read})")
        db.execute_sql(
            f"CREATE POLICY annotator_write ON {table} FOR ALL USING ({write}) WITH CHECK ({write})"
        )


def protect_suggestions(db: pw.Database) -> None:
    """On a team corpus made before suggestions existed, give their table the grants and
    policies of the other annotation tables (a migration step; nothing to do elsewhere)."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    query = "SELECT relrowsecurity FROM pg_class WHERE oid = 'span'::regclass"
    if not db.execute_sql(query).fetchone()[0]:
        return
    everyone = ", ".join(GROUPS.values())
    db.execute_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON suggestion TO {everyone}")
    db.execute_sql(f"GRANT USAGE, SELECT ON SEQUENCE suggestion_id_seq TO {everyone}")
    _apply_policies(db, tuple(p for p in _POLICIES if p[0] == "suggestion"))


def add_member(db: pw.Database, name: str, role: str, password: str | None) -> None:
    """Let ``name`` log in with ``role`` (a PostgreSQL role of that name, created or updated;
    its password set when one is given, hashed here) and record them in the corpus."""
    _require_postgres(db)
    check_role(role)
    name = name.strip()
    if not name:
        raise AnnotatorError("a member needs a name")
    who = sql.Identifier(name)
    with db.atomic():
        exists = db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        _run(db, sql.SQL("ALTER ROLE {} LOGIN" if exists else "CREATE ROLE {} LOGIN"), [who])
        if password is not None:
            _run(
                db,
                sql.SQL("ALTER ROLE {} PASSWORD {}"),
                [who, sql.Literal(scram_verifier(password))],
            )
        for group in GROUPS.values():
            _run(db, sql.SQL("REVOKE " + group + " FROM {}"), [who])
        _run(db, sql.SQL("GRANT " + GROUPS[role] + " TO {}"), [who])
        Annotator.insert(name=name, role=role).on_conflict(
            conflict_target=[Annotator.name], update={Annotator.role: role}
        ).execute()


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802, RFC 7677)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    prepared = unicodedata.normalize("NFKC", password)  # SASLprep's normalisation step
    salted = hashlib.pbkdf2_hmac("sha256", prepared.encode("utf-8"), salt, SCRAM_ITERATIONS)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def _run(db: pw.Database, statement: sql.Composable, parts: list[sql.Composable]) -> None:
    """Run a statement composed with quoted identifiers and literals on ``db``'s connection."""
    composed = statement.format(*parts)
    with db.connection().cursor() as cursor:
        cursor.execute(composed)
