"""Errors a user can act on: each renders as one line naming the file, the line and the reason."""

from __future__ import annotations

import re

# Control characters (a newline would split the line) and bidirectional controls (an RTL
# override would reorder what the terminal shows), as they may appear in file names.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control and bidirectional characters escaped (``\\n``, ``\\u202e``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class AnnotatorError(Exception):
    """A problem the user can fix; ``str()`` is a one-line message fit for stderr or a dialog."""


class EditConflict(AnnotatorError):
    """An edit refused because another client changed the data since the editor read it: a
    span changed or deleted, or the same span or link added, elsewhere."""


class InputError(AnnotatorError):
    """Bad input at a known place: ``file:line: reason`` (line omitted when unknown)."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        where = printable(f"{file}:{line}" if line is not None else file)
        super().__init__(f"{where}: {' '.join(reason.splitlines())}")


class SchemaError(InputError):
    """A schema file that does not validate."""
