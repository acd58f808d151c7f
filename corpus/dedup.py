"""Duplicate detection: a content hash for exact copies, MinHash for near-duplicates.

Near-duplicates (syndicated wire copies with small edits) are found through locality-sensitive
hashing: each document's MinHash signature is cut into bands, and documents sharing a band are
candidates. Candidates are screened by the similarity their stored signatures estimate, and the
few that pass are confirmed by the exact Jaccard similarity of their word shingles.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
THRESHOLD = 0.7  # Jaccard similarity of word 3-shingles at and above which a copy is flagged
SCREEN = 0.45  # estimated similarity below which a candidate is not worth an exact check

_WORD = re.compile(r"\w+")
_SAMPLE = 4  # fingerprints keep the shingles whose hash is divisible by this (consistent sampling)
_MIN_SAMPLED = 16  # shorter texts keep every shingle
_MIX1, _MIX2, _LOW32 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(29)
_BAND_MIX = np.uint64(0xFF51AFD7ED558CCD)
_BAND_SALT = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0xC4CEB9FE1A85EC53)
_SEED = 7  # of the MinHash permutations
_CHUNK_BYTES = 1 << 18  # texts fingerprinted in one pass: about 15 MB of arrays


def content_hash(text: str) -> str:
    """The SHA-256 of the normalised text: equal for exact duplicates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[bytes]:
    """The set of lower-cased word 3-grams of ``text``."""
    words = _WORD.findall(text.lower())
    return {
        " ".join(words[i : i + SHINGLE]).encode() for i in range(max(0, len(words) - SHINGLE + 1))
    }


@dataclass(frozen=True)
class Fingerprint:
    """A text's MinHash signature (64 unsigned 32-bit values, as bytes) and its LSH band keys."""

    signature: bytes
    bands: tuple[int, ...]


_BASE = np.uint64(0x100000001B3)  # odd, so invertible modulo 2**64
_BASE_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 32]] = True


def _words(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The start of each white-space-separated word of UTF-8 bytes, and a 64-bit polynomial
    hash of it, vectorised.

    With Q[i] = sum(b[j] * BASE**-j for j < i), a word b[s:e] hashes to (Q[e] - Q[s]) * BASE**(e-1),
    the usual rolling hash, all modulo 2**64 (numpy's uint64 arithmetic wraps). The hash does
    not depend on where the word is, so texts joined by a space hash their words as alone.
    """
    space = _SPACE[data]
    edges = np.flatnonzero(np.diff(np.concatenate(([True], space, [True])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        return starts, np.empty(0, dtype=np.uint64)
    powers, powers_inv = _powers(len(data))
    prefix = np.empty(len(data) + 1, dtype=np.uint64)
    prefix[0] = 0
    np.multiply(data, powers_inv[: len(data)], out=prefix[1:])
    np.cumsum(prefix[1:], out=prefix[1:])
    hashes: np.ndarray = (prefix[ends] - prefix[starts]) * powers[ends - 1]
    return starts, hashes


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < n (at least)."""
    if n <= _CHUNK_BYTES:
        return _chunk_powers()
    return _powers_upto(n)


@cache
def _chunk_powers() -> tuple[np.ndarray, np.ndarray]:
    return _powers_upto(_CHUNK_BYTES)


def _powers_upto(n: int) -> tuple[np.ndarray, np.ndarray]:
    powers = np.full(n, _BASE, dtype=np.uint64)
    powers[0] = 1
    inverse = np.full(n, _BASE_INV, dtype=np.uint64)
    inverse[0] = 1
    return np.cumprod(powers), np.cumprod(inverse)


@cache
def _template() -> MinHash:
    # Imported on first use: datasketch brings scipy (half a second, 60 MB), which commands
    # that make no fingerprints never need.
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=int)


def _signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash of one text's shingle hashes, by datasketch, as 32-bit values."""
    template = _template()
    mh = type(template)(
        num_perm=NUM_PERM,
        hashfunc=int,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    mh.update_batch(hashes.tolist())
    values: np.ndarray = mh.hashvalues.astype(np.uint32)
    return values


def fingerprint(text: str) -> Fingerprint | None:
    """The fingerprint of ``text``, or None for texts under three words."""
    return fingerprints([text])[0]


def fingerprints(texts: list[str]) -> list[Fingerprint | None]:
    """The fingerprints of many texts: their shingles hashed in one pass over a chunk of
    them, each signature computed by datasketch (a bulk import fingerprints a batch at once)."""
    found: list[Fingerprint | None] = []
    chunk: list[bytes] = []
    size = 0
    for text in texts:
        data = text.lower().encode("utf-8")
        if chunk and size + len(data) > _CHUNK_BYTES:
            found += _fingerprint_chunk(chunk)
            chunk, size = [], 0
        chunk.append(data)
        size += len(data) + 1
    if chunk:
        found += _fingerprint_chunk(chunk)
    return found


def _fingerprint_chunk(texts: list[bytes]) -> list[Fingerprint | None]:
    """The fingerprints of lower-cased UTF-8 texts, in one pass over them joined by spaces.

    A text's shingles are the hashes of its word 3-grams (no 3-gram runs into the next
    text), sampled consistently when it has many: keeping only hashes divisible by 4 keeps the
    same shingles in every text, so the Jaccard similarity of two sampled sets estimates that
    of the full sets. A text keeps them all when fewer than 16 would be left. Its signature
    is the MinHash of those shingles, cut into bands, each band's values folded into one
    salted 64-bit key.
    """
    n = len(texts)
    found: list[Fingerprint | None] = [None] * n
    text_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    word_starts, words = _words(np.frombuffer(b" ".join(texts), dtype=np.uint8))
    if len(words) < SHINGLE:
        return found
    text_of_word = np.searchsorted(text_starts, word_starts, side="right") - 1
    mixed = (words[:-2] * _MIX1 + words[1:-1]) * _MIX2 + words[2:]
    mixed ^= mixed >> _SHIFT
    within = text_of_word[:-2] == text_of_word[2:]
    hashes = ((mixed[within] * _BAND_MIX >> np.uint64(32)) & _LOW32).astype(np.uint32)
    owner = text_of_word[:-2][within]
    sampled = hashes % np.uint32(_SAMPLE) == 0
    keeps_all = np.bincount(owner[sampled], minlength=n) < _MIN_SAMPLED
    kept = sampled | keeps_all[owner]
    hashes, owner = hashes[kept], owner[kept]
    if not len(hashes):
        return found
    firsts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    ends = np.append(firsts[1:], len(owner))
    signatures = np.stack([_signature(hashes[s:e]) for s, e in zip(firsts, ends, strict=True)])
    rows = signatures.reshape(len(firsts), BANDS, ROWS).astype(np.uint64)
    keys = np.broadcast_to(_BAND_SALT, (len(firsts), BANDS))
    for r in range(ROWS):
        keys = (keys ^ rows[:, :, r]) * _BAND_MIX
        keys ^= keys >> _SHIFT
    signed = keys.view(np.int64).tolist()  # band keys are stored as signed 64-bit integers
    for k, text in enumerate(owner[firsts].tolist()):
        found[text] = Fingerprint(signatures[k].tobytes(), tuple(sorted(set(signed[k]))))
    return found


def estimated_similarity(a: bytes, b: bytes) -> float:
    """The Jaccard similarity two signatures estimate (the share of equal values)."""
    x, y = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(x == y)) / NUM_PERM if len(x) == len(y) == NUM_PERM else 0.0


def nearest(
    text: str,
    signature: bytes,
    candidates: Iterable[tuple[int, bytes]],
    texts: Callable[[list[int]], Iterable[tuple[int, str]]],
) -> tuple[int | None, float]:
    """The most similar to ``text`` of the candidate documents (id and signature) at or above
    :data:`THRESHOLD`, with its similarity, or (None, 0.0).

    Chance band collisions are common in a large corpus: candidates are screened by the
    similarity their signatures estimate, and only those at :data:`SCREEN` or above have
    their texts read (``texts`` gives them, by id in id order) and compared exactly.
    """
    best: tuple[int | None, float] = (None, 0.0)
    likely = [
        doc_id for doc_id, other in candidates if estimated_similarity(signature, other) >= SCREEN
    ]
    if not likely:
        return best
    mine = shingles(text)
    for doc_id, other_text in texts(likely):
        similarity = jaccard(mine, shingles(other_text))
        if similarity >= THRESHOLD and similarity > best[1]:
            best = (doc_id, similarity)
    return best


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
