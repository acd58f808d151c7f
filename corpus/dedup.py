"""Duplicate detection: a content hash for exact copies, MinHash for near-duplicates.

Near-duplicates (syndicated wire copies with small edits) are found through locality-sensitive
hashing: each document's MinHash signature is cut into bands, and documents sharing a band are
candidates. Candidates are screened by the similarity their stored signatures estimate, and the
few that pass are confirmed by the exact Jaccard similarity of their word shingles.
"""

from __future__ import annotations

import hashlib
import re
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
_SHIFT, _SAMPLE_U = np.uint64(29), np.uint64(_SAMPLE)
_BAND_MIX = np.uint64(0xFF51AFD7ED558CCD)
_BAND_SALT = np.arange(1, BANDS + 1, dtype=np.uint64) * np.uint64(0xC4CEB9FE1A85EC53)


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


def _word_hashes(data: np.ndarray) -> np.ndarray:
    """A 64-bit polynomial hash of each white-space-separated word of UTF-8 bytes, vectorised.

    With Q[i] = sum(b[j] * BASE**-j for j < i), a word b[s:e] hashes to (Q[e] - Q[s]) * BASE**(e-1),
    the usual rolling hash, all modulo 2**64 (numpy's uint64 arithmetic wraps).
    """
    space = _SPACE[data]
    edges = np.flatnonzero(np.diff(np.concatenate(([True], space, [True])).astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    if not len(starts):
        return np.empty(0, dtype=np.uint64)
    inverse = np.full(len(data), _BASE_INV, dtype=np.uint64)
    inverse[0] = 1
    powers_inv = np.cumprod(inverse)
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(data.astype(np.uint64) * powers_inv)))
    powers = np.full(len(data), _BASE, dtype=np.uint64)
    powers[0] = 1
    powers = np.cumprod(powers)
    hashes: np.ndarray = (prefix[ends] - prefix[starts]) * powers[ends - 1]
    return hashes


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the text's word 3-grams (words split at white space, lower-cased),
    sampled consistently for long texts.

    Keeping only hashes divisible by 4 keeps the same shingles in every text, so the Jaccard
    similarity of two sampled sets estimates that of the full sets. Repeats are left in: they
    do not change a MinHash.
    """
    words = _word_hashes(np.frombuffer(text.lower().encode("utf-8"), dtype=np.uint8))
    if len(words) < SHINGLE:
        return np.empty(0, dtype=np.uint64)
    mixed = (words[:-2] * _MIX1 + words[1:-1]) * _MIX2 + words[2:]
    mixed ^= mixed >> _SHIFT
    hashes = (mixed * _BAND_MIX >> np.uint64(32)) & _LOW32
    sampled = hashes[hashes % _SAMPLE_U == 0]
    result: np.ndarray = sampled if len(sampled) >= _MIN_SAMPLED else hashes
    return result


@cache
def _template() -> MinHash:
    # Imported on first use: datasketch brings scipy (half a second, 60 MB), which commands
    # that make no fingerprints never need.
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=7, hashfunc=int)


def fingerprint(text: str) -> Fingerprint | None:
    """The fingerprint of ``text``, or None for texts under three words."""
    hashes = shingle_hashes(text)
    if not len(hashes):
        return None
    template = _template()
    mh = type(template)(
        num_perm=NUM_PERM,
        hashfunc=int,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    mh.update_batch(hashes.tolist())
    values = mh.hashvalues.astype(np.uint32)
    # Each band's ROWS values folded into one salted 64-bit key.
    rows = values.reshape(BANDS, ROWS).astype(np.uint64)
    keys = _BAND_SALT.copy()
    for r in range(ROWS):
        keys = (keys ^ rows[:, r]) * _BAND_MIX
        keys ^= keys >> _SHIFT
    bands = sorted({int(k) - (1 << 64) if k >= (1 << 63) else int(k) for k in keys.tolist()})
    return Fingerprint(values.tobytes(), tuple(bands))


def fingerprints(texts: list[str]) -> list[Fingerprint | None]:
    """The fingerprints of many texts (what a bulk import's worker process computes)."""
    return [fingerprint(text) for text in texts]


def estimated_similarity(a: bytes, b: bytes) -> float:
    """The Jaccard similarity two signatures estimate (the share of equal values)."""
    x, y = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(x == y)) / NUM_PERM if len(x) == len(y) == NUM_PERM else 0.0


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
