"""Errors a user can act on: each renders as one line naming the file, the line and the reason."""

from __future__ import annotations


class AnnotatorError(Exception):
    """A problem the user can fix; ``str()`` is a one-line message fit for stderr or a dialog."""


class InputError(AnnotatorError):
    """Bad input at a known place: ``file:line: reason`` (line omitted when unknown)."""

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {reason}")


class SchemaError(InputError):
    """A schema file that does not validate."""
