"""Token tagging schemes shared by the token formats (CoNLL, Hugging Face): spans of tokens to
tags and back, for IOB1, BIO (IOB2), BIOES (IOBES) and BILOU.

A chunk is ``(first token, end token exclusive, label)``. Decoding is tolerant of what real
files do (an ``I-`` with no ``B-`` before it starts a span in BIO; a BIOES span cut short by
``O`` still counts) and says where a sequence broke the scheme's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.errors import AnnotatorError

Chunk = tuple[int, int, str]

SCHEMES = ("iob1", "bio", "bioes", "bilou")
_ALIASES = {
    "iob1": "iob1",
    "bio": "bio",
    "iob2": "bio",
    "bioes": "bioes",
    "iobes": "bioes",
    "bilou": "bilou",
}

PREFIXES = {"iob1": "BI", "bio": "BI", "bioes": "BIES", "bilou": "BILU"}
"""The prefixes each scheme uses, in the order tag lists name them."""

_END = {"bioes": "E", "bilou": "L"}
_SINGLE = {"bioes": "S", "bilou": "U"}
_ALL_PREFIXES = frozenset("BIESLU")


def scheme_name(name: str) -> str:
    """The scheme called ``name`` (iob1, bio or iob2, bioes or iobes, bilou), canonical."""
    scheme = _ALIASES.get(name.strip().lower())
    if scheme is None:
        raise AnnotatorError(
            f"unknown tagging scheme '{name}' (expected one of {', '.join(SCHEMES)})"
        )
    return scheme


def parse_tag(tag: str) -> tuple[str, str] | None:
    """``("O", "")`` for O, ``(prefix, label)`` for a tag like ``B-PER``; None when the tag is
    neither O nor one of B-, I-, E-, S-, L-, U- followed by a label."""
    if tag == "O":
        return ("O", "")
    if len(tag) > 2 and tag[1] == "-" and tag[0] in _ALL_PREFIXES:
        return (tag[0], tag[2:])
    return None


def encode(length: int, chunks: Sequence[Chunk], scheme: str) -> list[str]:
    """The tags of ``length`` tokens carrying ``chunks`` (in order, not overlapping)."""
    tags = ["O"] * length
    end_prefix = _END.get(scheme)
    previous_end, previous_label = -1, ""
    for start, end, label in chunks:
        if scheme == "iob1":
            # IOB1 marks B- only where a chunk directly follows one of the same label.
            first = "B" if previous_end == start and previous_label == label else "I"
            tags[start:end] = [f"{first}-{label}"] + [f"I-{label}"] * (end - start - 1)
        elif end_prefix is None:
            tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
        elif end - start == 1:
            tags[start] = f"{_SINGLE[scheme]}-{label}"
        else:
            inside = [f"I-{label}"] * (end - start - 2)
            tags[start:end] = [f"B-{label}", *inside, f"{end_prefix}-{label}"]
        previous_end, previous_label = end, label
    return tags


@dataclass(frozen=True)
class Problem:
    """A place where a tag sequence broke the scheme: the token's index and what was wrong."""

    index: int
    reason: str


def decode(tags: Sequence[str], scheme: str) -> tuple[list[Chunk], list[Problem]]:
    """The chunks the tags carry, and the problems met; every prefix is read by its meaning
    whatever the scheme (so a mixed file still yields its spans), but a prefix the scheme does
    not use, or a sequence it forbids, is a problem. A tag :func:`parse_tag` refuses counts as
    O (and is a problem)."""
    chunks: list[Chunk] = []
    problems: list[Problem] = []
    allowed = PREFIXES[scheme]
    needs_end = scheme in _END
    open_start, open_label = -1, ""

    def close(at: int, ended: bool) -> None:
        nonlocal open_start
        if open_start < 0:
            return
        chunks.append((open_start, at, open_label))
        if needs_end and not ended:
            problems.append(Problem(at - 1, f"{open_label} span not ended by {_END[scheme]}-"))
        open_start = -1

    for i, tag in enumerate(tags):
        parsed = parse_tag(tag)
        if parsed is None:
            problems.append(Problem(i, f"tag '{tag}' is not O or B-/I-/E-/S-/L-/U- and a label"))
            parsed = ("O", "")
        prefix, label = parsed
        if prefix != "O" and prefix not in allowed:
            problems.append(Problem(i, f"{tag} is not a {scheme} tag"))
        continuing = open_start >= 0 and open_label == label
        if prefix == "O":
            close(i, False)
        elif prefix == "I":
            if not continuing:
                close(i, False)
                if scheme != "iob1":
                    problems.append(Problem(i, f"{tag} with no B-{label} before it starts a span"))
                open_start, open_label = i, label
        elif prefix == "B":
            if scheme == "iob1" and not continuing:
                problems.append(Problem(i, f"{tag} in iob1 only follows another {label} span"))
            close(i, False)
            open_start, open_label = i, label
        elif prefix in "EL":
            if continuing:
                close(i + 1, True)
            else:
                close(i, False)
                if needs_end:
                    problems.append(Problem(i, f"{tag} with no B-{label} before it"))
                chunks.append((i, i + 1, label))
        else:  # S, U
            close(i, False)
            chunks.append((i, i + 1, label))
    close(len(tags), False)
    return chunks, problems


class SchemeGuess:
    """Guesses a file's scheme from its tags, fed one sentence at a time: BILOU when it has L-
    or U-, BIOES when it has E- or S-, IOB1 when spans start with I- and never with B-, else BIO."""

    def __init__(self) -> None:
        self._prefixes: set[str] = set()
        self._i_starts = 0
        self._b_starts = 0

    def see(self, tags: Sequence[str]) -> None:
        """Take one sentence's tags into account."""
        previous = ""
        for tag in tags:
            parsed = parse_tag(tag)
            if parsed is None or parsed[0] == "O":
                previous = ""
                continue
            prefix, label = parsed
            self._prefixes.add(prefix)
            if label != previous:
                if prefix == "I":
                    self._i_starts += 1
                elif prefix == "B":
                    self._b_starts += 1
            previous = label

    def merged(self, other: SchemeGuess) -> SchemeGuess:
        """A guess from the tags both this guess and ``other`` have seen."""
        guess = SchemeGuess()
        guess._prefixes = self._prefixes | other._prefixes
        guess._i_starts = self._i_starts + other._i_starts
        guess._b_starts = self._b_starts + other._b_starts
        return guess

    @property
    def scheme(self) -> str:
        """The scheme the tags seen so far look like."""
        if self._prefixes & {"L", "U"}:
            return "bilou"
        if self._prefixes & {"E", "S"}:
            return "bioes"
        if self._i_starts and not self._b_starts:
            return "iob1"
        return "bio"
