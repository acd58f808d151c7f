"""Reading a JSON file a piece at a time (through ijson), knowing the line of each piece: the
parse events, whole values built from them, and the items of a top-level array.

Memory holds one line (or :data:`CHUNK` bytes of a longer one) and the value being built,
never the file. Bad input raises :class:`~annotator.errors.InputError` naming the file and
the line where it was found: bytes that are not UTF-8 (by byte offset), JSON syntax, and
values nested deeper than :data:`MAX_DEPTH` (readers that walk arrays and objects without
building them check their own depth).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from annotator.errors import InputError

CHUNK = 64 * 1024
"""Bytes given to the parser at most at once (a line, or part of a longer one)."""
MAX_DEPTH = 200
"""Deepest nesting of arrays and objects read; annotation files nest a few levels."""
STARTS = frozenset({"start_map", "start_array"})

Event = tuple[str, Any]
"""An ijson event: ``start_map``, ``map_key`` (the key), ``end_map``, ``start_array``,
``end_array``, or a scalar (``string``, ``number``, ``boolean``, ``null``) with its value."""


class JsonEvents:
    """The parse events of a UTF-8 JSON file (a byte order mark is skipped), pulled one at a
    time; :attr:`line` is the line of the last event pulled."""

    def __init__(self, f: BinaryIO, file: str) -> None:
        self.file = file
        self.line = 1
        self._events = self._read(f)

    def __iter__(self) -> Iterator[Event]:
        return self._events

    def __next__(self) -> Event:
        return next(self._events)

    def error(self, reason: str) -> InputError:
        """``reason`` at the file and the current line."""
        return InputError(self.file, reason, self.line)

    def value(self, event: Event, depth: int = 0) -> Any:
        """The whole value that ``event`` starts (the scalar itself, or the array or object
        built from the events up to its end), ``depth`` levels down in the file."""
        kind, data = event
        if kind == "start_map":
            top: Any = {}
        elif kind == "start_array":
            top = []
        else:
            return data
        stack: list[Any] = []
        container, key = top, None
        for kind, data in self._events:
            if kind == "map_key":
                key = data
                continue
            if kind == "end_map" or kind == "end_array":
                if not stack:
                    return top
                container = stack.pop()
                continue
            if kind == "start_map" or kind == "start_array":
                if len(stack) + depth >= MAX_DEPTH:
                    raise self.error("JSON nested too deeply")
                data = {} if kind == "start_map" else []
            if type(container) is list:
                container.append(data)
            else:
                container[key] = data
            if kind == "start_map" or kind == "start_array":
                stack.append(container)
                container = data
        raise self.error("not JSON: the file ends inside a value")  # the parser says so first

    def _read(self, f: BinaryIO) -> Iterator[Event]:
        found = ijson.sendable_list()
        parser = ijson.basic_parse_coro(found, use_float=True)
        utf8 = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        piece = f.readline(CHUNK)
        if piece.startswith(codecs.BOM_UTF8):
            piece, offset = piece[3:], 3
        while True:
            failure: InputError | None = None
            try:
                if piece:
                    _check_utf8(utf8, piece, offset)
                    parser.send(piece)
                else:
                    _check_utf8(utf8, b"", offset, final=True)
                    parser.close()
            except ijson.JSONError as exc:
                failure = self.error(f"not JSON: {_reason(exc)}")
            except UnicodeDecodeError as exc:
                failure = InputError(self.file, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            yield from found  # those before a failure too: the values they finish count
            del found[:]
            if failure is not None:
                raise failure
            if not piece:
                return
            offset += len(piece)
            self.line += piece.endswith(b"\n")
            piece = f.readline(CHUNK)


def _check_utf8(
    decoder: codecs.IncrementalDecoder, piece: bytes, offset: int, final: bool = False
) -> None:
    """Raise UnicodeDecodeError (its start counted from the start of the file) unless
    ``piece`` continues valid UTF-8."""
    pending = len(decoder.getstate()[0])
    try:
        decoder.decode(piece, final)
    except UnicodeDecodeError as exc:
        exc.start += offset - pending
        raise


def _reason(exc: Exception) -> str:
    """The parser's message in one line (``parse error: premature EOF`` and the like)."""
    text = str(exc)
    if text.startswith(("b'", 'b"')):  # some messages come as the repr of bytes
        text = text[2:].replace("\\n", "\n")
    first = text.split("\n", 1)[0]
    reason = (first.partition(" error: ")[2] or first).rstrip(".")
    return {"premature EOF": "the file ends inside a value"}.get(reason, reason)


def values(events: JsonEvents) -> Iterator[tuple[int, Any]]:
    """Each item of the array the file holds with the line it starts on, or, when the file
    holds another value, that value."""
    first = next(events, None)
    if first is None:
        return
    if first[0] != "start_array":
        yield events.line, events.value(first)
    else:
        for event in events:
            if event[0] == "end_array":
                break
            yield events.line, events.value(event, depth=1)
    for _ in events:  # the parser refuses anything after the value
        pass
