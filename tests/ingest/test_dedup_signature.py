"""MinHash signatures and LSH band keys: the stored values must not change between versions."""

from __future__ import annotations

import hashlib
import zlib

import numpy as np
from datasketch import MinHash

from rasid.ingest import dedup
from rasid.ingest.dedup import BANDS, NUM_PERM, ROWS, Signature, signature

TERMS = ["قتل", "ثلاثة", "مدني", "وأصيب", "سبعة", "آخر", "جراء", "قصف", "صاروخي", "استهدف", "حي", "الميدان", "في", "مدينة", "حلب", "صباح", "الثلاثاء"]


def _reference_keys(values: np.ndarray) -> list[tuple[int, bytes]]:
    return [
        (band, hashlib.blake2b(values[band * ROWS : (band + 1) * ROWS].tobytes(), digest_size=8).digest())
        for band in range(BANDS)
    ]


def test_signature_is_minhash_of_word_triples() -> None:
    sig = signature(TERMS)
    assert sig is not None
    reference = MinHash(num_perm=NUM_PERM, seed=dedup._SEED, hashfunc=lambda b: zlib.crc32(b))
    reference.update_batch([" ".join(TERMS[i : i + 3]).encode("utf-8") for i in range(len(TERMS) - 2)])
    assert np.array_equal(sig.values, reference.hashvalues)
    assert signature(TERMS[:4]) is None


def test_band_keys_hash_each_band_of_the_values_as_stored() -> None:
    sig = signature(TERMS)
    assert sig is not None
    assert sig.band_keys() == _reference_keys(sig.values)
    stored = Signature.from_bytes(sig.to_bytes())
    assert stored.band_keys() == _reference_keys(stored.values)
    other = signature([*TERMS[:-3], "دمشق", "ريف", "إدلب"])
    assert other is not None and other.band_keys() != sig.band_keys()


def test_band_keys_survive_storage() -> None:
    """A signature read back from the store gives the same LSH buckets as at ingest."""
    from rasid.ingest.dedup import Signature, signature

    words = ["قصفت", "الطائرات", "الحربية", "بلدة", "سرمين", "بريف", "إدلب", "الشرقي", "صباح", "اليوم"]
    original = signature(words)
    stored = Signature.from_bytes(original.to_bytes())
    assert stored.band_keys() == original.band_keys()
    assert stored.jaccard(original) == 1.0
