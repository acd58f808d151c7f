"""Team work in the store: members' roles and the queues of documents managers assign them.

Mixed into :class:`corpus.store.Store`. On PostgreSQL with access control on (see
:mod:`corpus.team_access`) the database itself refuses these writes to anyone but a manager; on
SQLite, a file on one machine, roles say who does what and the window follows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import peewee as pw

from annotator.document import Status
from annotator.errors import AnnotatorError
from corpus.models import AnnotationSet, Annotator, Assignment, CorpusMeta, Document

ROLES = ("annotator", "curator", "manager")
"""Annotators label their queue blind; curators see everyone's work and make the gold set;
managers also assign documents and change the corpus."""
BLIND_KEY = "blind"  # in corpus_meta: "off" lets annotators see each other's annotations


@dataclass(frozen=True)
class Member:
    """One person of the team, with their role and how far their queue has got."""

    name: str
    role: str
    assigned: int
    done: int


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else a clear error."""
    if role not in ROLES:
        raise AnnotatorError(f"unknown role '{role}' (expected one of {', '.join(ROLES)})")
    return role


class AssignmentsMixin:
    """Roles and queues (needs ``db`` and ``annotator_id()``)."""

    db: pw.Database
    annotator_id: Callable[[str], int]

    def set_role(self, name: str, role: str) -> None:
        """Give the annotator ``name`` (created on first use) the role ``role``."""
        check_role(role)
        with self.db.atomic():
            Annotator.update(role=role).where(Annotator.id == self.annotator_id(name)).execute()

    def role(self, name: str) -> str:
        """The role of ``name``: an annotator unless made a curator or manager."""
        role = Annotator.select(Annotator.role).where(Annotator.name == name).scalar()
        return str(role or "annotator")

    def blind(self) -> bool:
        """Whether annotators see only their own annotations (the default)."""
        row = CorpusMeta.get_or_none(CorpusMeta.key == BLIND_KEY)
        return row is None or row.value != "off"

    def set_blind(self, blind: bool) -> None:
        """Make annotators see only their own annotations, or everyone's."""
        value = "on" if blind else "off"
        with self.db.atomic():
            CorpusMeta.insert(key=BLIND_KEY, value=value).on_conflict(
                conflict_target=[CorpusMeta.key], update={CorpusMeta.value: value}
            ).execute()

    def members(self) -> list[Member]:
        """Everyone with a role or a queue, sorted by name."""
        assigned = pw.fn.COUNT(Assignment.document)
        done = pw.fn.COUNT(AnnotationSet.id)
        finished = AnnotationSet.status.in_((Status.DONE, Status.REVIEWED, Status.LOCKED))
        query = (
            Annotator.select(Annotator.name, Annotator.role, assigned, done)
            .join(Assignment, pw.JOIN.LEFT_OUTER)
            .join(
                AnnotationSet,
                pw.JOIN.LEFT_OUTER,
                on=(
                    (AnnotationSet.document == Assignment.document)
                    & (AnnotationSet.annotator == Annotator.id)
                    & finished
                ),
            )
            .group_by(Annotator.id, Annotator.name, Annotator.role)
        )
        members = [Member(str(n), str(r), int(a), int(d)) for n, r, a, d in query.tuples()]
        return sorted(members, key=lambda m: m.name.casefold())

    def assign(
        self, doc_ids: Iterable[int], annotators: Sequence[str], per_document: int | None = None
    ) -> int:
        """Put each document into the queues of ``per_document`` of ``annotators`` (all of them
        by default), taking them in turn (round-robin); returns how many assignments are new.

        One annotator with a list of documents is assignment by hand; several with
        ``per_document`` below their number share the documents out, each document going to
        that many of them so that their work overlaps for agreement.
        """
        names = list(dict.fromkeys(a.strip() for a in annotators if a.strip()))
        if not names:
            raise AnnotatorError("name at least one annotator to assign documents to")
        per = len(names) if per_document is None else per_document
        if not 1 <= per <= len(names):
            raise AnnotatorError(
                f"each document can go to 1 to {len(names)} of the annotators named, not {per}"
            )
        ids = list(dict.fromkeys(doc_ids))
        known = set(Document.select(Document.id).where(Document.id.in_(ids)).scalars())
        missing = [i for i in ids if i not in known]
        if missing:
            raise AnnotatorError(f"no document with id {missing[0]}")
        with self.db.atomic():
            people = [self.annotator_id(n) for n in names]
            rows = [
                (doc_id, people[(turn * per + k) % len(people)])
                for turn, doc_id in enumerate(ids)
                for k in range(per)
            ]
            added = 0
            for chunk in pw.chunked(rows, 500):
                query = Assignment.insert_many(
                    chunk, fields=[Assignment.document, Assignment.annotator]
                )
                added += int(query.on_conflict_ignore().as_rowcount().execute())
            return added

    def unassign(self, doc_ids: Iterable[int], annotators: Sequence[str] | None = None) -> int:
        """Take documents out of the queues of ``annotators`` (everyone's by default); their
        annotations stay. Returns how many assignments were removed."""
        ids = list(doc_ids)
        removed = 0
        with self.db.atomic():
            for chunk in pw.chunked(ids, 500):
                query = Assignment.delete().where(Assignment.document.in_(chunk))
                if annotators is not None:
                    people = Annotator.select(Annotator.id).where(Annotator.name.in_(annotators))
                    query = query.where(Assignment.annotator.in_(people))
                removed += int(query.execute())
        return removed

    def queue(self, annotator: str) -> list[int]:
        """The ids of the documents assigned to ``annotator``, in corpus order."""
        query = (
            Assignment.select(Assignment.document)
            .join(Annotator)
            .where(Annotator.name == annotator)
            .order_by(Assignment.document)
        )
        return [int(i) for i in query.scalars()]

    def assignees(self, doc_id: int) -> list[str]:
        """Who has the document in their queue, sorted by name."""
        query = (
            Annotator.select(Annotator.name).join(Assignment).where(Assignment.document == doc_id)
        )
        return sorted((str(n) for n in query.scalars()), key=str.casefold)
