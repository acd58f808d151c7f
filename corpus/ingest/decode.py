"""Bytes to text for imported files: BOMs, UTF-8, then charset-normalizer's best guess."""

from __future__ import annotations

import codecs

from annotator.errors import InputError

# Among equally clean decodings, the encodings news text most often comes in.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SAMPLE = 1 << 20


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` (the start of a file) is binary rather than text: a NUL byte outside UTF-16/32."""
    return b"\x00" in data[:8192] and not any(data.startswith(bom) for bom, _ in _BOMS)


def detect_encoding(data: bytes, file: str) -> str:
    """The encoding ``data`` is written in; refuses binary or undecodable data."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if looks_binary(data):
        raise InputError(file, "binary file, not text")
    sample = data[:SAMPLE]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A sample cut through a multi-byte character is still UTF-8.
        if exc.start >= len(sample) - 3 and len(data) > SAMPLE:
            return "utf-8"
    from charset_normalizer import from_bytes  # loaded on the first file that needs it

    results = from_bytes(sample)
    best = results.best()
    if best is None:
        raise InputError(file, "cannot tell the text encoding (is it text?)")
    western = [r for r in results if r.encoding in _WESTERN and r.chaos <= best.chaos]
    return (western[0] if western else best).encoding


def decode(data: bytes, file: str) -> str:
    """The text of a whole file's bytes, in its detected encoding."""
    encoding = detect_encoding(data, file)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(file, f"not valid {encoding} text at byte {exc.start}") from None
