"""Team commands: ``team setup|add|list|blind`` for the members and their roles, ``assign`` and
``unassign`` for the queues, ``queue`` for one annotator's documents."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from annotator.errors import AnnotatorError
from cli.commands import open_store
from cli.output import emit_json
from corpus import team_access
from corpus.assignments import ROLES
from corpus.filters import DocumentFilter
from corpus.store import Store


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Register ``team``, ``assign``, ``unassign`` and ``queue`` on the subparsers ``sub``."""
    help_text = "the team of a corpus: members, their roles, access control on PostgreSQL"
    team = sub.add_parser("team", help=help_text, description=help_text)
    team.set_defaults(func=lambda _args: team.print_help() or 2)
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", parser_class=parser_class)

    help_text = (
        "PostgreSQL: let the database enforce the roles (group roles, grants, row-level "
        "security); run it as the corpus's owner, again after an upgrade"
    )
    p = actions.add_parser("setup", help=help_text, description=help_text)
    p.set_defaults(func=cmd_setup)

    help_text = "add a member or change their role (PostgreSQL: also their login role)"
    p = actions.add_parser("add", help=help_text, description=help_text)
    p.add_argument("name")
    p.add_argument("--role", choices=ROLES, default="annotator")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the member's password from the first line of stdin (else prompt for it)",
    )
    how.add_argument(
        "--no-password",
        action="store_true",
        help="set no password (the server authenticates them otherwise: peer, certificate)",
    )
    p.set_defaults(func=cmd_add)

    help_text = "list the members, their roles and how far their queues have got"
    p = actions.add_parser("list", help=help_text, description=help_text)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    help_text = "whether annotators see only their own annotations (on, the default) or all"
    p = actions.add_parser("blind", help=help_text, description=help_text)
    p.add_argument("state", choices=("on", "off"))
    p.set_defaults(func=cmd_blind)

    help_text = (
        "put documents into annotators' queues: by hand (--documents), by collection, "
        "round-robin, or N annotators a document (--per-document) for agreement"
    )
    p = sub.add_parser("assign", help=help_text, description=help_text)
    _documents(p)
    p.add_argument("--to", required=True, metavar="A,B,...", help="the annotators, in turn")
    p.add_argument(
        "--per-document",
        type=int,
        metavar="N",
        help="how many of them each document goes to (default: all of them)",
    )
    p.set_defaults(func=cmd_assign)

    help_text = "take documents out of queues (the annotations made stay)"
    p = sub.add_parser("unassign", help=help_text, description=help_text)
    _documents(p)
    p.add_argument("--from", dest="annotators", metavar="A,B,...", help="default: everyone's")
    p.set_defaults(func=cmd_unassign)

    help_text = "list the documents in an annotator's queue, with their status"
    p = sub.add_parser("queue", help=help_text, description=help_text)
    p.add_argument("--annotator", metavar="NAME", help="default: the database user (PostgreSQL)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_queue)


def _documents(p: argparse.ArgumentParser) -> None:
    p.add_argument("--documents", metavar="ID,ID,...", help="these documents")
    p.add_argument("--collection", metavar="NAME", help="the documents of this collection")


def _names(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").split(",") if n.strip()]


def _document_ids(store: Store, args: argparse.Namespace) -> list[int]:
    if bool(args.documents) == bool(args.collection):
        raise AnnotatorError("name the documents with either --documents or --collection")
    if args.collection:
        ids = [s.id for s in store.documents(DocumentFilter(collection=args.collection))]
        if not ids:
            raise AnnotatorError(f"no documents in the collection '{args.collection}'")
        return ids
    try:
        return [int(part) for part in _names(args.documents)]
    except ValueError:
        raise AnnotatorError(f"--documents takes ids like 1,2,3, not {args.documents!r}") from None


def cmd_setup(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    team_access.enable(store.db)
    print("access control is on: members log in as themselves ('annotator team add NAME')")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    if not store.is_postgres:
        store.set_role(args.name, args.role)
        print(f"{args.name} is a{'n' if args.role[0] in 'aeiou' else ''} {args.role}")
        return 0
    password: str | None = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not args.no_password:
        password = getpass.getpass(f"password for {args.name}: ")
    if password == "":
        raise AnnotatorError("an empty password is not a password (use --no-password)")
    team_access.add_member(store.db, args.name, args.role, password)
    print(f"{args.name} can log in as a{'n' if args.role[0] in 'aeiou' else ''} {args.role}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    members = store.members()
    if args.json:
        emit_json({"blind": store.blind(), "members": [vars(m) for m in members]})
        return 0
    width = max([len(m.name) for m in members] + [4])
    print(f"{'name':<{width}}  {'role':<9}  assigned  done")
    for m in members:
        print(f"{m.name:<{width}}  {m.role:<9}  {m.assigned:>8}  {m.done:>4}")
    print(f"annotators see {'only their own' if store.blind() else 'everyone'}'s annotations")
    return 0


def cmd_blind(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    store.set_blind(args.state == "on")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    added = store.assign(_document_ids(store, args), _names(args.to), args.per_document)
    print(f"{added} new assignment{'' if added == 1 else 's'}")
    return 0


def cmd_unassign(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    names = _names(args.annotators) or None
    removed = store.unassign(_document_ids(store, args), names)
    print(f"{removed} assignment{'' if removed == 1 else 's'} removed")
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    store = open_store(args, prepare=False)
    who = args.annotator or store.login_name()
    if not who:
        raise AnnotatorError("whose queue? name them with --annotator")
    rows = [
        (s.id, s.status or "new", s.title)
        for s in store.documents(DocumentFilter(assigned_to=who), annotator=who)
    ]
    if args.json:
        emit_json([{"id": i, "status": st, "title": t} for i, st, t in rows])
        return 0
    for doc_id, status, title in rows:
        print(f"{doc_id}\t{status}\t{title}")
    return 0
