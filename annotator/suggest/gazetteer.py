"""Gazetteers: term lists with a label and attribute values per term, matched by Aho-Corasick
(ahocorasick-rs) as whole words, leftmost-longest, with offsets into the original text."""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

import ahocorasick_rs

from annotator.collector import paused_gc
from annotator.document import AttributeValue
from annotator.errors import InputError
from annotator.suggest.model import Suggestion

_NO_ATTRIBUTES: Mapping[str, AttributeValue] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One term of a gazetteer: the text to find, the label to give it, attribute values."""

    term: str
    label: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # read-only, so that its suggestions can share it (a large gazetteer stays small)
        attributes = MappingProxyType(dict(self.attributes)) if self.attributes else _NO_ATTRIBUTES
        object.__setattr__(self, "attributes", attributes)


# Any white space but the plain space: matched as a plain space, one character for one, so that
# "fighter\njet" or "fighter\u00a0jet" is found as "fighter jet" with unchanged offsets.
_OTHER_SPACE = re.compile(r"[^\S ]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _plain_spaces(text: str) -> str:
    """``text`` with every white space character a plain space (line breaks, the commonest,
    by ``str.replace``, which is many times faster than a regular expression)."""
    text = text.replace("\n", " ")
    return _OTHER_SPACE.sub(" ", text) if _OTHER_SPACE.search(text) else text


def _is_mark(c: str) -> bool:
    """A combining mark: it belongs to the character before it, so it counts as part of a word."""
    return unicodedata.category(c)[0] == "M"


# The characters whose lower case is longer than one character: "İ" alone in Unicode 15 (a test
# checks); :func:`fold_case` finds any others itself.
_EXPANDING = "\u0130"


@cache
def _expanding() -> str:
    """Every character whose lower case is longer than one character (slow: once a process)."""
    return "".join(c for c in map(chr, range(sys.maxunicode + 1)) if len(c.lower()) != 1)


def fold_case(text: str) -> str:
    """``text`` in lower case, one character for one (so offsets stay those of ``text``).

    ``str.lower`` turns a few characters into two ("İ" becomes "i" and a combining dot); those
    take the first character of their lower case instead."""
    for c in _EXPANDING:
        if c in text:
            text = text.replace(c, c.lower()[0])
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    for c in _expanding():
        if c in text:
            text = text.replace(c, c.lower()[0])
    return text.lower()


# Arabic writes the conjunctions and prepositions "wa", "fa", "bi", "ka" and "li" (alone or two
# together) joined to the next word: "وحلب" is "and Aleppo". The term after them is a word.
_PROCLITICS = frozenset({"و", "ف", "ب", "ك", "ل", "وب", "وك", "ول", "فب", "فك", "فل"})
_ARABIC_LETTERS = ("\u0621", "\u064a")


def _after_proclitic(padded: str, before: int) -> bool:
    """Whether the match right after ``padded[before]`` is an Arabic word with only proclitics
    joined before it."""
    low, high = _ARABIC_LETTERS
    if not (low <= padded[before + 1] <= high and low <= padded[before] <= high):
        return False
    start = before
    while before - start < 2 and padded[start - 1].isalnum():
        start -= 1
    return not padded[start - 1].isalnum() and padded[start : before + 1] in _PROCLITICS


class Gazetteer:
    """A suggestion source over a list of entries; ``name`` is the source name its suggestions
    carry. The automaton is built once, here; :meth:`suggest` only searches it.

    Matches are whole words (no letter, digit or combining mark touches either end, but for
    Arabic proclitics such as "wa-" and "bi-" before an Arabic term), the
    leftmost-longest of overlapping ones win, and a term held by several entries (the same
    text with different labels, say) yields one suggestion per entry."""

    def __init__(
        self, name: str, entries: Iterable[GazetteerEntry], *, case_sensitive: bool = False
    ) -> None:
        self.name = name
        self.case_sensitive = case_sensitive
        by_key: dict[str, list[GazetteerEntry]] = {}
        for entry in entries:
            key = self._key(entry.term)
            if key:
                by_key.setdefault(key, []).append(entry)
        self._multiword = any(" " in key for key in by_key)
        self._entries = [tuple(found) for found in by_key.values()]  # by the key's index
        self._longest = max(map(len, by_key), default=0)
        self._automaton = (
            ahocorasick_rs.AhoCorasick(
                by_key,
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                store_patterns=False,
            )
            if by_key
            else None
        )
        self.size = sum(map(len, self._entries))

    def _key(self, term: str) -> str:
        key = " ".join(term.split())
        return key if self.case_sensitive else fold_case(key)

    def suggest(self, text: str) -> list[Suggestion]:
        """A suggestion for each entry of each leftmost-longest whole-word match in ``text``."""
        if not self.size or not text:
            return []
        with paused_gc():  # tens of thousands of suggestions, each pass a walk of the heap
            return self._suggest(text)

    def _suggest(self, text: str) -> list[Suggestion]:
        haystack = _plain_spaces(text) if self._multiword else text
        if not self.case_sensitive:
            haystack = fold_case(haystack)
        suggestions: list[Suggestion] = []
        name = self.name
        make = Suggestion.of_match
        entries = self._entries
        for key, start, end in self._whole_words(haystack, f" {text} "):
            for e in entries[key]:
                suggestions.append(make(start, end, e.label, e.attributes, name))
        return suggestions

    def _whole_words(self, haystack: str, padded: str) -> list[tuple[int, int, int]]:
        """The leftmost-longest whole-word matches (key, start, end) in ``haystack``, in order;
        ``padded`` is the text with a space either side.

        The automaton finds the leftmost-longest matches, whole words or not, in one scan.
        Where the scan's match is a whole word and the scan was at the same place as this
        choice (no match of the scan straddles it), it is this choice's match too; elsewhere
        (after a match inside a word, say "Grad" in "Gradual") the next choice is made by
        scanning a window of the text (:meth:`_next_in_window`) until the two meet again."""
        assert self._automaton is not None
        try:
            matches = self._automaton.find_matches_as_indexes(haystack)
        except UnicodeEncodeError:  # a lone surrogate: one character for one, as for the rest
            haystack = _SURROGATE.sub("\ufffd", haystack)
            matches = self._automaton.find_matches_as_indexes(haystack)
        chosen: list[tuple[int, int, int]] = []
        count = len(matches)
        at = i = 0
        while True:
            while i < count and matches[i][1] < at:
                i += 1
            if i == 0 or matches[i - 1][2] <= at:  # the scan's next match is the one from here
                if i == count:
                    return chosen
                match = matches[i]
                if _whole_word(padded, match[1], match[2]):
                    chosen.append(match)
                    at = match[2]
                    continue
                at = match[1]  # the longest match here is no whole word; a shorter one may be
            at = self._next_in_window(haystack, padded, at, chosen)

    def _next_in_window(
        self, haystack: str, padded: str, at: int, chosen: list[tuple[int, int, int]]
    ) -> int:
        """Add to ``chosen`` the first leftmost-longest whole-word match from ``at`` if it
        starts within a window of the text, and return where the next choice starts: after
        that match, or after the positions of the window where nothing could start."""
        assert self._automaton is not None
        find = self._automaton.find_matches_as_indexes
        longest = self._longest
        limit = at + 2 * longest + 64
        # every match that starts here or before is whole within the window
        settled = limit - longest if limit < len(haystack) else len(haystack)
        found = find(haystack[at:limit])
        if not found or at + found[0][1] > settled:
            return settled + 1
        key, start, end = found[0]
        start, end = at + start, at + end
        while True:
            if _whole_word(padded, start, end):
                chosen.append((key, start, end))
                return end
            # the next longest match from the same start, if any
            shorter = find(haystack[start : end - 1]) if end - 1 > start else []
            if not shorter or shorter[0][1] != 0:
                return start + 1
            key, end = shorter[0][0], start + shorter[0][2]


def _whole_word(padded: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words (``padded`` is ``text`` with a space either
    side): no letter, digit or combining mark touches it, but for Arabic proclitics."""
    before, after = padded[start], padded[end + 1]
    if after.isalnum() or (before.isalnum() and not _after_proclitic(padded, start)):
        return False
    return not (
        (before >= "\u0300" and _is_mark(before)) or (after >= "\u0300" and _is_mark(after))
    )


_INT = re.compile(r"[-+]?\d+")
_FLOAT = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _value(cell: str) -> AttributeValue:
    """A cell's value: None when empty, an int or a float when it is a number, else the text."""
    cell = cell.strip()
    if not cell:
        return None
    if _INT.fullmatch(cell):
        return int(cell)
    if _FLOAT.fullmatch(cell):
        return float(cell)
    return cell


def read_gazetteer(path: str | Path) -> list[GazetteerEntry]:
    """The entries of a gazetteer file: tab-separated, a header ``term, label, attributes...``,
    one entry a line, ``#`` comment lines and blank lines skipped. An empty cell leaves its
    attribute unset; numbers become ints or floats (the schema types them later)."""
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(file, "no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(file, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    header: list[str] | None = None
    entries: list[GazetteerEntry] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = _header(cells, file, number)
            continue
        if len(cells) > len(header):
            raise InputError(file, f"{len(cells)} columns but the header has {len(header)}", number)
        term, label = [*cells, "", ""][:2]
        if not term.strip():
            raise InputError(file, "the term is empty", number)
        if not label.strip():
            raise InputError(file, f"the label of '{term.strip()}' is empty", number)
        attributes = {
            name: value
            for name, cell in zip(header[2:], cells[2:], strict=False)
            if (value := _value(cell)) is not None
        }
        entries.append(GazetteerEntry(term.strip(), label.strip(), attributes))
    if header is None:
        raise InputError(file, "no header line (term<TAB>label<TAB>attributes...)")
    return entries


def _header(cells: list[str], file: str, line: int) -> list[str]:
    names = [c.strip() for c in cells]
    if names[:2] != ["term", "label"]:
        raise InputError(file, "the header must start with 'term<TAB>label'", line)
    seen: set[str] = set()
    for name in names[2:]:
        if not name:
            raise InputError(file, "an attribute column has no name in the header", line)
        if name in seen:
            raise InputError(file, f"attribute column '{name}' appears twice", line)
        seen.add(name)
    return names
