"""Exact and near-duplicate detection.

Exact: a SHA-256 of the normalised text (whitespace-insensitive; see ingest.runner), so
re-running on the same files adds nothing. Near: MinHash signatures (datasketch) over word 3-shingles, split
into LSH bands whose buckets are stored in the database. A new article is compared only
with the articles sharing a bucket, never with every stored article.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS  # 4 rows per band: pairs above ~0.5 Jaccard collide somewhere with high probability
NEAR_DUPLICATE_THRESHOLD = 0.6
SHINGLE = 3
_SEED = 17
assert SHINGLE == 3, "signature() builds its shingles as triples"


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # uint64, NUM_PERM

    def to_bytes(self) -> bytes:
        return self.values.astype(np.uint64).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        # Stored widened to 64 bits, but the hash values are 32-bit: narrow them back so that
        # band keys rebuilt from a stored signature match the buckets written at ingest.
        values = np.frombuffer(data, dtype=np.uint64)
        if values.size and int(values.max()) < 2**32:
            return cls(values.astype(np.uint32))
        return cls(values)

    def band_keys(self) -> list[tuple[int, bytes]]:
        # One conversion to bytes, then byte slices: the same bytes as converting each band's rows.
        data = self.values.tobytes()
        width = ROWS * self.values.itemsize
        blake2b = hashlib.blake2b
        return [
            (band, blake2b(data[band * width : (band + 1) * width], digest_size=8).digest())
            for band in range(BANDS)
        ]

    def jaccard(self, other: Signature) -> float:
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)


def _hash32(data: bytes) -> int:
    # CRC-32 is stable across runs (signatures are stored) and far cheaper than SHA-1.
    return zlib.crc32(data)


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=_hash32)


def signature(terms: Sequence[str]) -> Signature | None:
    """MinHash of word shingles; None for texts too short to compare meaningfully."""
    if len(terms) < SHINGLE + 2:
        return None
    # SHINGLE == 3: consecutive triples via zip, the same strings as joining slices of three.
    shingles = {f"{a} {b} {c}".encode() for a, b, c in zip(terms, terms[1:], terms[2:], strict=False)}
    # zlib.crc32 itself rather than the _hash32 wrapper: same values, no Python call per shingle.
    mh = MinHash(
        num_perm=NUM_PERM,
        seed=_SEED,
        hashfunc=zlib.crc32,
        permutations=_TEMPLATE.permutations,
        scheme=_TEMPLATE.scheme,
    )
    mh.update_batch(list(shingles))
    return Signature(mh.hashvalues.copy())
