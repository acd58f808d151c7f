"""Sentences of tagged tokens, shared by the CoNLL and Hugging Face formats: a document's spans
as token tags (export), and sentences of tokens and tags back into a document (import).

Export: a sentence ends at each line break of the text; spans that a token format cannot hold
(off token boundaries, across a line break, discontinuous, overlapping) are left out and
counted. Import: the text is the tokens joined by single spaces, sentences by line breaks.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, pairwise
from pathlib import Path

from annotator.document import Document, Span
from annotator.errors import AnnotatorError, InputError
from annotator.formats.flat import POLICIES, flatten
from annotator.formats.model import AnnotatedDocument, ExportOptions, Report
from annotator.formats.tagging import Chunk, decode, encode, scheme_name
from annotator.tokenizer import TOKEN_PATTERN, Token

_LINE_BREAK = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACE = re.compile(r"\s")
_TOKEN_SPLIT = re.compile(f"({TOKEN_PATTERN.pattern})")  # the built-in tokenizer's, capturing

Sentence = tuple[list[str], list[str]]
"""One sentence: its tokens' texts and their tags."""

_Candidate = tuple[int, int, int, Span]
"""A span a token format can carry: its first token, end token, sentence, and the span."""


def checked_scheme(options: ExportOptions) -> str:
    """The options' scheme, canonical; an unknown scheme or policy is refused before writing."""
    if options.policy not in POLICIES:
        raise AnnotatorError(
            f"unknown policy '{options.policy}' (expected one of {', '.join(POLICIES)})"
        )
    return scheme_name(options.scheme)


def tagged_sentences(
    doc: AnnotatedDocument,
    options: ExportOptions,
    scheme: str,
    report: Report,
    where: str,
    spaced_labels: bool = False,
) -> list[Sentence]:
    """``doc`` as sentences of tokens and tags in ``scheme``; what the tags cannot carry is
    counted in ``report`` (``where`` names the format in the reasons). Labels with whitespace
    are left out unless ``spaced_labels`` (a tag column cannot hold them; JSON can)."""
    text = doc.text
    starts, ends, texts = token_bounds(text, options.tokenize)
    count = len(texts)
    # bounds[k] is the first token of sentence k; the last entry closes the last sentence
    bounds = sorted(
        {0, count, *(bisect_left(starts, m.start()) for m in _LINE_BREAK.finditer(text))}
    )
    candidates: list[_Candidate] = []
    in_order = True  # sorted and apart, as the corpus gives spans: no flattening needed
    previous_end = 0
    label_ok: dict[str, bool] = {}
    for span in doc.spans:
        start, end, label = span.start, span.end, span.label
        first, last = bisect_left(starts, start), bisect_left(ends, end)
        ok = label_ok.get(label)
        if ok is None:
            ok = label_ok[label] = bool(label) and (spaced_labels or not _SPACE.search(label))
        if span.fragments:
            report.lose(f"discontinuous spans ({where} tags contiguous tokens)")
        elif not ok:
            report.lose(f"spans whose label is empty or has a space ({where} tags cannot)")
        elif count in (first, last) or starts[first] != start or ends[last] != end:
            report.lose("spans not on token boundaries")
        elif (sentence := bisect_right(bounds, first)) != bisect_right(bounds, last):
            report.lose("spans across a line break (a sentence ends there)")
        else:
            in_order = in_order and previous_end <= first
            previous_end = last + 1
            candidates.append((first, last + 1, sentence - 1, span))
    if not in_order:
        candidates = _apart(candidates, options.policy, report)
    report.spans += len(candidates)

    per_sentence: list[list[Chunk]] = [[] for _ in bounds]
    attributes = notes = 0
    for first, end, sentence, span in candidates:
        offset = bounds[sentence]
        per_sentence[sentence].append((first - offset, end - offset, span.label))
        attributes += len(span.attributes)
        notes += bool(span.note)
    report.lose(f"attributes ({where} has no place for them)", attributes)
    report.lose(f"notes ({where} has no place for them)", notes)
    report.lose(f"relations ({where} has no place for them)", len(doc.relations))
    report.lose(f"events ({where} has no place for them)", len(doc.events))
    return [
        (texts[a:b], encode(b - a, per_sentence[k], scheme))
        for k, (a, b) in enumerate(pairwise(bounds))
        if a < b
    ]


def token_bounds(
    text: str, tokenizer: Callable[[str], Iterable[Token]] | None
) -> tuple[list[int], list[int], list[str]]:
    """The tokens of ``text`` as three lists: starts, ends and texts (whitespace tokens that a
    tokenizer such as spaCy's keeps are left out). The built-in tokenizer's pattern runs
    directly, without a Token per token, which keeps a large export fast."""
    if tokenizer is None:
        # [gap, token, gap, ..., token, gap]: the running lengths are the tokens' bounds
        pieces = _TOKEN_SPLIT.split(text)
        marks = list(accumulate(map(len, pieces)))
        return marks[0:-1:2], marks[1::2], pieces[1::2]
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    for token in tokenizer(text):
        if not token.text.strip():
            continue
        if _SPACE.search(token.text) or text[token.start : token.end] != token.text:
            raise AnnotatorError(
                f"the tokenizer gave {token.text!r} at {token.start}..{token.end}, "
                "which is not a slice of the text without whitespace"
            )
        spans.append((token.start, token.end))
        texts.append(token.text)
    return [a for a, _ in spans], [b for _, b in spans], texts


def _apart(candidates: list[_Candidate], policy: str, report: Report) -> list[_Candidate]:
    """The candidates to write, in text order, none overlapping: those :func:`flatten` keeps
    under ``policy`` (the others are counted).

    Overlaps come in small clusters (runs of spans each overlapping one before it), and spans
    of different clusters never clash, so flattening each cluster on its own keeps exactly what
    flattening them all at once keeps, for a fraction of the cost.
    """
    candidates = sorted(candidates, key=lambda c: (c[0], c[1]))
    kept: list[_Candidate] = []
    dropped = 0
    start = 0  # the first candidate of the cluster being gathered
    reach = 0  # the furthest end of its spans
    for i, candidate in enumerate([*candidates, None]):
        if candidate is not None and i > start and candidate[3].start < reach:
            reach = max(reach, candidate[3].end)
            continue
        cluster = candidates[start:i]
        if len(cluster) == 1:
            kept.append(cluster[0])
        elif cluster:
            keep, drop = flatten([c[3] for c in cluster], policy)
            kept.extend(cluster[k] for k in keep)
            dropped += len(drop)
        if candidate is not None:
            start, reach = i, candidate[3].end
    report.lose(f"overlapping spans (policy '{policy}' kept another)", dropped)
    return kept


class TagNotes:
    """Notes on one file's broken tag sequences: the first few with file and line, then a count."""

    def __init__(self, file: str, report: Report, limit: int = 20) -> None:
        self.file = file
        self.report = report
        self.limit = limit
        self.count = 0

    def add(self, line: int, reason: str) -> None:
        """Note that the tags at ``line`` broke the scheme (the span was read anyway)."""
        self.count += 1
        if self.count <= self.limit:
            self.report.note(f"{self.file}:{line}: {reason}")

    def finish(self) -> None:
        """Note how many problems were not listed one by one."""
        if self.count > self.limit:
            self.report.note(f"{self.file}: {self.count - self.limit} more broken tag sequences")


class DocumentBuilder:
    """Builds one document from sentences of tokens with one or more tag columns (GermEval's
    nested column gives further spans, which may overlap the first column's)."""

    def __init__(self, scheme: str, notes: TagNotes) -> None:
        self.scheme = scheme
        self.notes = notes
        self.pieces: list[str] = []
        self.length = 0
        self.spans: list[Span] = []

    def add(
        self, tokens: Sequence[str], columns: Sequence[Sequence[str]], lines: Sequence[int]
    ) -> None:
        """Add a sentence: its tokens, each tag column (one tag per token) and each token's line."""
        if not tokens:
            return
        if self.pieces:
            self.pieces.append("\n")
            self.length += 1
        starts = []
        for i, token in enumerate(tokens):
            if i:
                self.pieces.append(" ")
                self.length += 1
            starts.append(self.length)
            self.pieces.append(token)
            self.length += len(token)
        for tags in columns:
            chunks, problems = decode(tags, self.scheme)
            for problem in problems:
                self.notes.add(lines[problem.index], problem.reason)
            for first, end, label in chunks:
                last = end - 1
                self.spans.append(Span(starts[first], starts[last] + len(tokens[last]), label))

    @property
    def empty(self) -> bool:
        """Whether no token was added yet."""
        return not self.pieces

    def build(self, name: str, source: str) -> AnnotatedDocument | None:
        """The document so far, read from ``source`` (None when it has no token)."""
        if not self.pieces:
            return None
        spans = tuple(sorted(dict.fromkeys(self.spans), key=lambda s: (s.start, s.end, s.label)))
        text = "".join(self.pieces)
        return AnnotatedDocument(Document(text=text, title=name, source=source), name, spans)


def files_in(
    paths: Sequence[Path], suffixes: tuple[str, ...], max_bytes: int, report: Report
) -> Iterator[Path]:
    """The files to read: each file given, and the files with ``suffixes`` under each folder
    (sorted); files over ``max_bytes`` are refused."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                Path(root, name)
                for root, _dirs, names in os.walk(path)
                for name in names
                if name.lower().endswith(suffixes) and Path(root, name).is_file()
            )
        else:
            found = [path]
        for file in found:
            try:
                size = file.stat().st_size
            except OSError as exc:
                report.refuse(InputError(str(file), f"cannot be read: {exc.strerror}"))
                continue
            if size > max_bytes:
                report.refuse(InputError(str(file), f"{size} bytes, over the limit of {max_bytes}"))
                continue
            yield file
