"""Tagging schemes: spans of tokens to IOB1, BIO, BIOES and BILOU tags and back, tolerant
decoding of what real files hold, scheme guessing, and seqeval agreeing in strict mode."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, Entities

from annotator.errors import AnnotatorError
from annotator.formats.tagging import (
    SCHEMES,
    Chunk,
    SchemeGuess,
    decode,
    encode,
    parse_tag,
    scheme_name,
)

SEQEVAL = {"iob1": IOB1, "bio": IOB2, "bioes": IOBES, "bilou": BILOU}
CHUNKS = [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC"), (5, 8, "ORG")]


def test_each_scheme_encodes_as_its_definition_says() -> None:
    assert encode(9, CHUNKS, "bio") == [
        "B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG", "I-ORG", "I-ORG", "O",
    ]  # fmt: skip
    assert encode(9, CHUNKS, "iob1") == [
        "I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "I-ORG", "I-ORG", "O",
    ]  # fmt: skip
    assert encode(9, CHUNKS, "bioes") == [
        "B-PER", "E-PER", "S-PER", "O", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "O",
    ]  # fmt: skip
    assert encode(9, CHUNKS, "bilou") == [
        "B-PER", "L-PER", "U-PER", "O", "U-LOC", "B-ORG", "I-ORG", "L-ORG", "O",
    ]  # fmt: skip


def test_scheme_names_and_aliases() -> None:
    assert [scheme_name(n) for n in ("IOB2", "bio", "iobes", "BILOU", "iob1")] == [
        "bio", "bio", "bioes", "bilou", "iob1",
    ]  # fmt: skip
    with pytest.raises(AnnotatorError, match="unknown tagging scheme 'bioul'"):
        scheme_name("bioul")


def test_tags_parse_or_are_refused() -> None:
    assert parse_tag("O") == ("O", "")
    assert parse_tag("B-LOCpart") == ("B", "LOCpart")
    assert parse_tag("I-B-X") == ("I", "B-X")
    for bad in ("", "B-", "X-PER", "B_PER", "o", "PER", "0"):
        assert parse_tag(bad) is None


def test_decoding_tolerates_what_real_files_do_and_says_where() -> None:
    chunks, problems = decode(["O", "I-PER", "I-PER", "O"], "bio")
    assert chunks == [(1, 3, "PER")]
    assert [(p.index, p.reason) for p in problems] == [
        (1, "I-PER with no B-PER before it starts a span")
    ]
    assert decode(["I-PER", "I-LOC", "B-LOC"], "iob1") == (
        [(0, 1, "PER"), (1, 2, "LOC"), (2, 3, "LOC")],
        [],
    )
    chunks, problems = decode(["B-PER", "I-PER", "O", "E-LOC", "S-X"], "bioes")
    assert chunks == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "X")]
    assert [p.index for p in problems] == [1, 3]  # PER not ended; E-LOC with no B-LOC
    chunks, problems = decode(["B-PER", "L-PER", "E-LOC"], "bilou")
    assert chunks == [(0, 2, "PER"), (2, 3, "LOC")]
    assert [p.reason for p in problems] == [
        "E-LOC is not a bilou tag",
        "E-LOC with no B-LOC before it",
    ]
    chunks, problems = decode(["B-PER", "Q"], "bio")
    assert chunks == [(0, 1, "PER")] and "'Q' is not O" in problems[0].reason
    assert decode(["B-PER"], "iob1")[1][0].reason == "B-PER in iob1 only follows another PER span"


def test_the_guess_tells_the_schemes_apart() -> None:
    def guess(*sentences: list[str]) -> str:
        g = SchemeGuess()
        for tags in sentences:
            g.see(tags)
        return g.scheme

    assert guess(["I-ORG", "O", "I-PER"], ["I-LOC", "B-LOC"]) == "iob1"
    assert guess(["I-ORG", "O", "B-PER"]) == "bio"  # B- starting a span is BIO's mark
    assert guess(["B-ORG", "E-ORG", "S-PER"]) == "bioes"
    assert guess(["U-ORG", "O"]) == "bilou"
    assert guess(["O"], []) == "bio"
    both = SchemeGuess()
    both.see(["I-ORG"])
    other = SchemeGuess()
    other.see(["S-ORG"])
    assert both.scheme == "iob1" and both.merged(other).scheme == "bioes"


@st.composite
def chunked(draw: st.DrawFn) -> tuple[int, list[Chunk]]:
    """A sentence length and non-overlapping chunks on it (adjacent ones too)."""
    length = draw(st.integers(0, 30))
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=14)))
    chunks = []
    for a, b in itertools.pairwise(cuts):
        if draw(st.booleans()):
            chunks.append((a, b, draw(st.sampled_from(["PER", "LOC", "B-X", "LOCpart"]))))
    return length, chunks


@settings(max_examples=60, deadline=None)
@given(chunked(), st.sampled_from(SCHEMES))
def test_decode_inverts_encode_and_seqeval_agrees(sentence, scheme: str) -> None:
    length, chunks = sentence
    tags = encode(length, chunks, scheme)
    assert decode(tags, scheme) == (chunks, [])
    strict = Entities([tags], SEQEVAL[scheme]).entities[0]
    assert [(e.start, e.end, e.tag) for e in strict] == chunks
    guess = SchemeGuess()
    guess.see(tags)
    chunks_read, _problems = decode(tags, guess.scheme)
    assert chunks_read == chunks  # whatever the guess, the spans read are the same
