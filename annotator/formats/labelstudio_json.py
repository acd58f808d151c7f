"""Reading a big JSON array one element at a time: Label Studio exports are one array of tasks,
and an import must not hold them all. Each element comes with the line it starts on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

CHUNK = 1 << 16
_SPACE = re.compile(r"[ \t\r\n]*")


class JsonStreamError(Exception):
    """The stream is not a JSON array (or object): the reason and the line where it broke."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(f"{line}: {reason}")
        self.reason = reason
        self.line = line


def json_items(stream: TextIO) -> Iterator[tuple[int, Any]]:
    """Each element of the top-level array in ``stream`` with its first line; a top-level
    object counts as an array of one. Raises :class:`JsonStreamError` where the JSON breaks."""
    return _Items(stream).items()


class _Items:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.line = 1  # the line of buf[pos]
        self.eof = False

    def items(self) -> Iterator[tuple[int, Any]]:
        first = self._next_char()
        if first == "{":
            yield self.line, self._value()
        elif first == "[":
            self.pos += 1
            yield from self._elements()
        else:
            found = "nothing" if not first else repr(first)
            raise JsonStreamError(f"expected a JSON array of tasks, found {found}", self.line)
        if self._next_char():
            raise JsonStreamError("text after the end of the JSON value", self.line)

    def _elements(self) -> Iterator[tuple[int, Any]]:
        if self._next_char() == "]":
            self.pos += 1
            return
        while True:
            if not self._next_char():
                raise JsonStreamError("the array is not closed (file cut short?)", self.line)
            yield self.line, self._value()
            after = self._next_char()
            self.pos += 1
            if after == "]":
                return
            if after != ",":
                found = "the end of the file" if not after else repr(after)
                raise JsonStreamError(
                    f"expected ',' or ']' between tasks, found {found}", self.line
                )

    def _more(self) -> bool:
        """Read the next chunk (at least as much as is buffered, so retries stay linear)."""
        if self.eof:
            return False
        chunk = self.stream.read(max(CHUNK, len(self.buf) - self.pos))
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def _next_char(self) -> str:
        """Skip white space; the next character, or "" at the end of the stream."""
        while True:
            match = _SPACE.match(self.buf, self.pos)
            end = match.end() if match else self.pos
            self.line += self.buf.count("\n", self.pos, end)
            self.pos = end
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def _value(self) -> Any:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                line = self.line + self.buf.count("\n", self.pos, exc.pos)
                raise JsonStreamError(f"not valid JSON: {exc.msg}", line) from None
            except (ValueError, RecursionError) as exc:  # a huge number, a deep nesting
                raise JsonStreamError(f"not valid JSON: {exc}", self.line) from None
            # A value that reaches the end of the buffer may go on in the next chunk (a number).
            if end == len(self.buf) and self._more():
                continue
            self.line += self.buf.count("\n", self.pos, end)
            self.pos = end
            return value
