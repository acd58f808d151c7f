"""WebAnno TSV 3.x escaping, as INCEpTION writes and reads it, and attribute names as features.

Feature values escape the reserved characters ``\\ [ ] | _ -> ; * TAB LF`` with a backslash
(``->`` as one unit). Text (``#Text=`` lines, token texts) escapes TAB, LF, FF, CR, BS and the
backslash as ``\\t \\n \\f \\r \\b \\\\``, and the other C0 control characters but VT by a
backslash in front of the raw character. Files of version 3.1 and older used Java escapes.

Values also escape CR as ``\\r`` here: INCEpTION writes a raw CR, which ends the line for any
line reader; INCEpTION reads ``\\r`` in a value as those two characters.
"""

from __future__ import annotations

import re

_VALUE_ESCAPE = re.compile(r"\\|\[|\]|\||_|->|;|\t|\n|\r|\*")
_VALUE_UNESCAPE = re.compile(r"\\(\\|\[|\]|\||_|->|;|t|n|r|\*)")
_VALUE_READABLE = {"\t": "t", "\n": "n", "\r": "r"}
_VALUE_CODES = {code: char for char, code in _VALUE_READABLE.items()}

# Control characters but TAB..CR are escaped by a backslash in front of the raw character.
_TEXT_READABLE = {"\t": "t", "\n": "n", "\f": "f", "\r": "r", "\b": "b", "\\": "\\"}
_TEXT_ESCAPE = re.compile(r"[\x00-\x07\x08\t\n\f\r\x0e-\x1f\\]")
_TEXT_UNESCAPE = re.compile(r"\\([tnfrb\\\x00-\x07\x0e-\x1f])")
_TEXT_CODES = {code: char for char, code in _TEXT_READABLE.items()}

_JAVA_UNESCAPE = re.compile(r"\\(u+[0-9a-fA-F]{4}|[0-3]?[0-7]{1,2}|.)", re.DOTALL)
_JAVA_CODES = {"t": "\t", "n": "\n", "f": "\f", "r": "\r", "b": "\b"}


def escape_value(value: str) -> str:
    """``value`` as a feature value cell."""
    return _VALUE_ESCAPE.sub(lambda m: "\\" + _VALUE_READABLE.get(m[0], m[0]), value)


def unescape_value(value: str) -> str:
    """The feature value that the cell ``value`` holds."""
    return _VALUE_UNESCAPE.sub(lambda m: _VALUE_CODES.get(m[1], m[1]), value)


def escape_text(text: str) -> str:
    """``text`` (one line of a sentence, or a token) as TSV 3.2+ writes it."""
    return _TEXT_ESCAPE.sub(lambda m: "\\" + _TEXT_READABLE.get(m[0], m[0]), text)


def unescape_text(text: str, minor: int) -> str:
    """The text that a ``#Text=`` line (or token cell) of a 3.``minor`` file holds."""
    if minor >= 2:
        return _TEXT_UNESCAPE.sub(lambda m: _TEXT_CODES.get(m[1], m[1]), text)
    return _JAVA_UNESCAPE.sub(_java_char, text)


def _java_char(m: re.Match[str]) -> str:
    code = m[1]
    if code[0] == "u":
        return chr(int(code[-4:], 16))
    if code[0].isdigit():
        return chr(int(code, 8))
    return _JAVA_CODES.get(code, code)


def split_unescaped(cell: str, separator: str) -> list[str]:
    """``cell`` split at each ``separator`` character that no backslash escapes; the pieces
    keep their escapes."""
    if separator not in cell:
        return [cell]
    pieces: list[str] = []
    start = 0
    i = 0
    n = len(cell)
    while i < n:
        ch = cell[i]
        if ch == "\\":
            i += 2
            continue
        if ch == separator:
            pieces.append(cell[start:i])
            start = i + 1
        i += 1
    pieces.append(cell[start:])
    return pieces


def split_suffix(piece: str) -> tuple[str, str | None]:
    """``piece`` without its unescaped ``[...]`` suffix (a disambiguation id, or the two ids
    of a relation's ends), and the suffix's content; None when there is none."""
    if not piece.endswith("]"):
        return piece, None
    opening = -1
    i = 0
    n = len(piece)
    while i < n:
        ch = piece[i]
        if ch == "\\":
            if i + 1 == n - 1:
                return piece, None  # the closing bracket is escaped
            i += 2
            continue
        if ch == "[":
            opening = i
        i += 1
    if opening < 0:
        return piece, None
    return piece[:opening], piece[opening + 1 : -1]


# Names INCEpTION refuses for features (compared ignoring case), and this app's own features.
RESTRICTED_NAMES = frozenset(
    name.lower()
    for name in (
        "address", "begin", "end", "coveredText", "booleanValue", "doubleValue", "byteValue",
        "CAS", "CASImpl", "class", "featureValue", "floatValue", "longValue", "lowLevelCas",
        "printRefs", "sofa", "stringValue", "type", "typeIndexId", "view",
        "label", "event", "roles",
    )
)  # fmt: skip


def feature_name(attribute: str) -> str:
    """The feature that carries ``attribute``: a restricted name (``type``) gets a trailing
    underscore (``type_``), and so does a name that already looks like one (``type_``)."""
    return f"{attribute}_" if attribute.rstrip("_").lower() in RESTRICTED_NAMES else attribute


def attribute_name(feature: str) -> str:
    """The attribute a feature carries: :func:`feature_name` undone."""
    restricted = feature.endswith("_") and feature.rstrip("_").lower() in RESTRICTED_NAMES
    return feature[:-1] if restricted else feature
