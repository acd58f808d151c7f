"""CoNLL-2003 style token files: ``-DOCSTART- -X- O O`` before each document, one token per line
as ``token -X- _ TAG``, a blank line after each sentence (a line of the text).

The tags follow ``--scheme`` (iob1, bio, bioes or bilou). Reading is in
:mod:`annotator.formats.conll_read`.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import repeat
from pathlib import Path

from annotator.formats.conll_read import read
from annotator.formats.conll_sentences import checked_scheme, tagged_sentences
from annotator.formats.model import AnnotatedDocument, ExportOptions, Format, Report

DOCSTART = "-DOCSTART- -X- O O"
_COLUMNS = " -X- _ "  # between a token and its tag: no POS, no chunk


def write(
    docs: Iterable[AnnotatedDocument], out: Path, options: ExportOptions, report: Report
) -> None:
    """Write ``docs`` to the CoNLL file ``out``, one document at a time."""
    scheme = checked_scheme(options)
    with out.open("w", encoding="utf-8", newline="\n") as file:
        for doc in docs:
            parts = [DOCSTART, "\n\n"]
            for tokens, tags in tagged_sentences(doc, options, scheme, report, "CoNLL"):
                parts.append("\n".join(map("".join, zip(tokens, repeat(_COLUMNS), tags))))
                parts.append("\n\n")
            file.write("".join(parts))
            report.documents += 1
    report.note("CoNLL carries tokens, not the text: reading it back joins them with single spaces")


FORMAT = Format(
    name="conll",
    title="CoNLL-2003 (one token per line, IOB tags)",
    suffix=".conll",
    write=write,
    read=read,
)
