"""Duplicate detection: a content hash for exact copies, MinHash bands for near-duplicates.

Near-duplicates (syndicated wire copies with small edits) are found through locality-sensitive
hashing: each document's MinHash signature is cut into bands, and two documents sharing any band
are candidates, confirmed by the exact Jaccard similarity of their word shingles.
"""

from __future__ import annotations

import hashlib
import re
import zlib

from datasketch import MinHash

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SHINGLE = 3
THRESHOLD = 0.7  # Jaccard similarity of word 3-shingles at and above which a copy is flagged

_WORD = re.compile(r"\w+")
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=7, hashfunc=zlib.crc32)


def content_hash(text: str) -> str:
    """The SHA-256 of the normalised text: equal for exact duplicates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[bytes]:
    """The set of lower-cased word 3-grams of ``text``."""
    words = _WORD.findall(text.lower())
    return {
        " ".join(words[i : i + SHINGLE]).encode() for i in range(max(0, len(words) - SHINGLE + 1))
    }


def band_keys(text: str) -> list[int]:
    """The LSH band keys of ``text`` (signed 64-bit integers); empty for texts under 3 words."""
    grams = shingles(text)
    if not grams:
        return []
    mh = MinHash(
        num_perm=NUM_PERM,
        hashfunc=zlib.crc32,
        permutations=_TEMPLATE.permutations,
        scheme=_TEMPLATE.scheme,
    )
    mh.update_batch(list(grams))
    values = mh.hashvalues
    keys = []
    for b in range(BANDS):
        digest = hashlib.blake2b(
            values[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8, person=bytes([b]) * 16
        )
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return keys


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
