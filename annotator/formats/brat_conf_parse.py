"""brat's configuration file syntax (annotation.conf, visual.conf): ``[sections]``, one type
per line with ``|``-separated terms and comma-separated ``KEY:VALUE`` arguments, a hierarchy by
indentation, ``!`` abstract types, ``---`` separators, ``#`` comments and per-section macros
(``<NAME>=...``), read as brat's own server reads them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import SchemaError

_SECTION = re.compile(r"^\s*\[(.*)\]\s*$")
_SEPARATOR = re.compile(r"^\s*-+\s*$")
_MACRO = re.compile(r"^<([A-Za-z_-]+)>=\s*(.*?)\s*$")
_ARGUMENT = re.compile(r"^(\S*?):(\S*)$")
RESERVED = frozenset(
    f"<{n}>"
    for n in (
        "ANY ENTITY RELATION EVENT NONE EMPTY REL-TYPE URL URLBASE GLYPH-POS DEFAULT NORM "
        "OVERLAP OVL-TYPE INHERIT"
    ).split()
)
"""brat's reserved configuration strings; any other ``<...>`` must be a macro."""


@dataclass
class Entry:
    """One line of a configuration section: its terms (type name first), its arguments as
    (key, value) pairs, its line, whether it is abstract (``!``), and its children."""

    terms: list[str]
    args: list[tuple[str, str]]
    line: int
    abstract: bool
    children: list[Entry] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The type's name as annotations use it (its first term)."""
        return self.terms[0]

    def walk(self) -> Iterator[Entry]:
        """This entry and its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def read_text(path: Path) -> str:
    """The configuration file's text; a one-line error when it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SchemaError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaError(str(path), f"cannot read: {exc}") from None


def sections(text: str) -> dict[str, list[tuple[int, str]]]:
    """The lines of each ``[section]`` with their line numbers (``[spans]`` is ``[entities]``)."""
    current = ""
    found: dict[str, list[tuple[int, str]]] = {current: []}
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        match = _SECTION.match(line)
        if match:
            current = {"spans": "entities"}.get(match.group(1), match.group(1))
            found.setdefault(current, [])
        else:
            found[current].append((number, line))
    return found


def entries(
    lines: list[tuple[int, str]], file: str, tab_separated: bool = False, strict: bool = True
) -> list[Entry]:
    """The section's type hierarchy (its top-level entries), brat's way: ``#`` comments and
    ``---`` separators skipped, macros expanded, depth by the indent's length. ``strict``
    refuses arguments that are not ``key:value``; visual.conf is read leniently."""
    roots: list[Entry] = []
    last_at_depth: dict[int, Entry] = {}
    macros: dict[str, str] = {}
    for number, raw in lines:
        if not raw.strip() or raw.lstrip().startswith("#") or _SEPARATOR.match(raw):
            continue
        macro = _MACRO.match(raw)
        if macro:
            key = f"<{macro.group(1)}>"
            if key in RESERVED:
                raise SchemaError(file, f"{key} is reserved and cannot be redefined", number)
            macros[key] = macro.group(2)
            continue
        line = raw
        for key, value in macros.items():
            line = line.replace(key, value)
        pattern = r"^(\s*)([^\t]+)(?:\t(.*))?$" if tab_separated else r"^(\s*)(\S+)(?:\s+(.*))?$"
        match = re.match(pattern, line)
        terms = [t.strip() for t in match.group(2).split("|") if t.strip()] if match else []
        if match is None or not terms or terms[0] == "!":
            raise SchemaError(file, f"cannot read '{raw.strip()}'", number)
        indent, rest = match.group(1), match.group(3)
        depth = len(indent)
        args = _arguments(rest or "", file, number, strict)
        if ("<INHERIT>", "") in args:
            inherited = last_at_depth[depth - 1].args if depth - 1 in last_at_depth else []
            at = args.index(("<INHERIT>", ""))
            args[at : at + 1] = inherited
        abstract = terms[0].startswith("!")
        terms[0] = terms[0].removeprefix("!")
        entry = Entry(terms, args, number, abstract)
        if depth == 0:
            roots.append(entry)
        elif depth - 1 in last_at_depth:
            last_at_depth[depth - 1].children.append(entry)
        else:
            raise SchemaError(file, f"'{terms[0]}' is indented but has no parent", number)
        last_at_depth[depth] = entry
        for deeper in [d for d in last_at_depth if d > depth]:
            del last_at_depth[deeper]
    return roots


def _arguments(text: str, file: str, line: int, strict: bool) -> list[tuple[str, str]]:
    args = []
    for item in (a.strip() for a in text.split(",")):
        if item == "<INHERIT>":
            args.append((item, ""))
            continue
        if not item:
            continue
        match = _ARGUMENT.match(item)
        if match:
            args.append((match.group(1), match.group(2)))
        elif strict:
            raise SchemaError(file, f"cannot read argument '{item}' (expected KEY:VALUE)", line)
        for undefined in re.findall(r"<[^<>]*>", item):
            if strict and undefined not in RESERVED:
                raise SchemaError(
                    file, f"undefined macro {undefined} (macros belong to their section)", line
                )
    return args


def flat(roots: list[Entry]) -> Iterator[Entry]:
    """Every entry of a hierarchy, parents before their children, in file order."""
    for root in roots:
        yield from root.walk()
