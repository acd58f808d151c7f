"""Fingerprints for near-duplicate detection: the same values as those stored by earlier
versions (which computed the MinHash with datasketch, one text at a time), whether the texts
are fingerprinted one by one or many at once."""

from __future__ import annotations

import hashlib

import pytest

from corpus import dedup

WIRE = "Russian jets struck al-Bab on Wednesday, killing nine civilians, the monitor said. " * 3
MIXED = (
    "قصفت طائرات روسية مدينة الباب يوم الأربعاء، ما أسفر عن مقتل تسعة مدنيين. "
    "Über 12 Tote; CRLF\r\nand TABS\there "
) * 20

# Computed by the earlier implementation (datasketch's MinHash): a corpus it fingerprinted
# must keep matching the texts imported now.
KNOWN = {
    "Shelling near Aleppo": (
        "9289a87c4f459750f6c5389449c3aff6",
        (-8529230806450794856, -7952592991954934365, -5953949964362942803),
    ),
    WIRE: (
        "a1c823c994aca538837590d9f422b988",
        (-8105632457936395742, -5521990884885289102, -5166351562260655672),
    ),
    MIXED: (
        "2040ac7263eeceba12d76d9d9f0fea8b",
        (-8986078806533714566, -8630503289425091448, -7515111947059117215),
    ),
}


@pytest.mark.parametrize("text", list(KNOWN))
def test_fingerprints_equal_those_of_the_earlier_implementation(text: str) -> None:
    fp = dedup.fingerprint(text)
    assert fp is not None
    signature, first_bands = KNOWN[text]
    assert hashlib.sha256(fp.signature).hexdigest()[:32] == signature
    assert fp.bands[:3] == first_bands and len(fp.bands) == dedup.BANDS


def test_many_texts_at_once_give_each_its_own_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["", "two words", *KNOWN, "x" * 3000, WIRE.upper(), "a b c", " \t\n "]
    alone = [dedup.fingerprint(text) for text in texts]
    assert [k for k, fp in enumerate(alone) if fp is None] == [0, 1, 5, 8]
    assert dedup.fingerprints(texts) == alone
    monkeypatch.setattr(dedup, "_CHUNK_BYTES", 100)  # a pass per text or two, some longer
    assert dedup.fingerprints(texts) == alone


def test_a_near_copy_is_found_and_an_unrelated_text_is_not() -> None:
    edited = WIRE.replace("nine", "ten", 1)
    fp, copy = dedup.fingerprint(WIRE), dedup.fingerprint(edited)
    other = dedup.fingerprint(MIXED)
    assert fp is not None and copy is not None and other is not None
    assert set(fp.bands) & set(copy.bands)
    candidates = [(1, other.signature), (2, fp.signature)]
    texts = {1: MIXED, 2: WIRE}
    near, similarity = dedup.nearest(
        edited, copy.signature, candidates, lambda ids: [(i, texts[i]) for i in ids]
    )
    assert near == 2 and dedup.THRESHOLD <= similarity < 1
