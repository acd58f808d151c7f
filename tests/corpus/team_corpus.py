"""A team corpus on PostgreSQL as its owner sets one up: one document and the members, each with
a role and no password (tests log in as them through the test server)."""

from __future__ import annotations

from collections.abc import Mapping

from annotator.document import Document
from corpus import team_access
from corpus.resources import shipped_schema
from corpus.store import Store
from tests.conftest import close_bound_database


def open_team_corpus(
    pg_url: str, text: str, title: str, members: Mapping[str, str]
) -> tuple[Store, int]:
    """The owner's store on the new corpus at ``pg_url`` (the shipped schema, team access on,
    ``members`` by name and role) and the id of its document of ``text``."""
    close_bound_database()
    owner = Store.open(pg_url)
    owner.set_schema(shipped_schema())
    doc = owner.add_document(Document(text=text, title=title)).id
    team_access.enable(owner.db)
    for name, role in members.items():
        team_access.add_member(owner.db, name, role, password=None)
    return owner, doc
