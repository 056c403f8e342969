"""Exact CRF inference over a CRFsuite model in numpy (the tagger's fast path).

CRFsuite's own tagger spends most of its time turning tens of feature strings per token
into C++ objects and looking each up in the model. A linear-chain CRF's state score is
a plain sum of weights, so the tagger here reads the weights once (`CrfWeights`), sums
them per word form once (the caller caches these sums), and runs Viterbi and
forward-backward over all sentences of a document at once (`viterbi`, `marginals`).
The result is the same labelling CRFsuite computes from the same feature strings.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# CRFsuite "crf1d" model layout: a header of 12 little-endian 32-bit fields, a feature
# chunk of (type, source, destination, weight) records, and two CQDB string tables.
_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("w", "<f8")])
_STATE, _TRANSITION = 0, 1


def _cqdb_strings(data: bytes, offset: int) -> list[str]:
    """Strings of a CQDB table by id (its backward array maps id -> record offset)."""
    chunk, _size, _flag, _order, count, back = struct.unpack_from("<4sIIIII", data, offset)
    if chunk != b"CQDB":
        raise ValueError("not a CRFsuite model: string table missing")
    out = [""] * count
    for k in range(count):
        rec = offset + struct.unpack_from("<I", data, offset + back + 4 * k)[0]
        ident, length = struct.unpack_from("<iI", data, rec)
        out[ident] = data[rec + 8 : rec + 7 + length].decode("utf-8")  # length counts a NUL
    return out


@dataclass(frozen=True, slots=True)
class CrfWeights:
    """Labels, per-attribute state weight vectors and the transition matrix of a model."""

    labels: tuple[str, ...]
    index: dict[str, int]  # attribute -> row of `matrix` (attributes without weights are left out)
    matrix: np.ndarray  # [1 + attributes, labels]; row 0 is all zero, for unknown attributes
    transitions: np.ndarray  # [from label, to label]

    @classmethod
    def read(cls, path: Path) -> CrfWeights:
        data = Path(path).read_bytes()
        magic, _size, kind, _ver, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs, *_ = _HEADER.unpack_from(
            data, 0
        )
        if magic != b"lCRF" or kind != b"FOMC":
            raise ValueError(f"{path}: not a CRFsuite linear-chain model")
        labels = _cqdb_strings(data, off_labels)
        attrs = _cqdb_strings(data, off_attrs)
        if len(labels) != n_labels or len(attrs) != n_attrs:
            raise ValueError(f"{path}: label/attribute tables do not match the header")
        count = struct.unpack_from("<I", data, off_feat + 8)[0]
        feats = np.frombuffer(data, dtype=_FEATURE, count=count, offset=off_feat + 12)
        table = np.zeros((n_attrs, n_labels))
        state = feats[feats["type"] == _STATE]
        table[state["src"], state["dst"]] = state["w"]
        trans = np.zeros((n_labels, n_labels))
        moves = feats[feats["type"] == _TRANSITION]
        trans[moves["src"], moves["dst"]] = moves["w"]
        used = np.flatnonzero(np.any(table != 0, axis=1))
        matrix = np.vstack([np.zeros((1, n_labels)), table[used]])
        return cls(tuple(labels), {attrs[a]: k for k, a in enumerate(used, 1)}, matrix, trans)

    def rows(self, features: Iterable[str]) -> list[int]:
        """Rows of `matrix` for attributes (0 for an attribute the model has no weight for)."""
        get = self.index.get
        return [get(f, 0) for f in features]

    def score(self, features: Iterable[str]) -> np.ndarray:
        """Summed state weights of a list of attributes (unknown ones weigh nothing)."""
        return self.matrix[self.rows(features)].sum(axis=0)

    def vector(self, feature: str) -> np.ndarray:
        return self.matrix[self.index.get(feature, 0)]

    def aligned(self, index: dict[str, int]) -> np.ndarray:
        """Weight rows in the order of another attribute numbering (row 0 zero, like `matrix`)."""
        out = np.zeros((1 + len(index), len(self.labels)))
        for attr, row in index.items():
            own = self.index.get(attr)
            if own is not None:
                out[row] = self.matrix[own]
        return out


def _stack(scores: Sequence[np.ndarray], width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Left-pad sentences to one length: (scores [S, T, L], offsets [S], linked [S, T]).

    `linked[s, t]` says whether position t of sentence s has a real predecessor; at the
    other positions the transition weights do not apply.
    """
    lengths = np.array([len(x) for x in scores])
    longest = int(lengths.max())
    padded = np.zeros((len(scores), longest, width))
    offsets = longest - lengths
    for s, x in enumerate(scores):
        padded[s, offsets[s] :] = x
    linked = np.arange(longest)[None, :] > offsets[:, None]
    return padded, offsets, linked


def viterbi(scores: Sequence[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Best label ids per sentence, all sentences decoded together (first maximum on ties)."""
    if not scores:
        return []
    padded, offsets, linked = _stack(scores, transitions.shape[0])
    n, longest, _ = padded.shape
    delta = padded[:, 0]
    back = np.zeros((longest, n, transitions.shape[0]), dtype=np.intp)
    rows = np.arange(n)
    moves = transitions * linked[:, :, None, None]  # [S, T, from, to]
    for t in range(1, longest):
        cand = delta[:, :, None] + moves[:, t]
        back[t] = cand.argmax(axis=1)
        delta = cand.max(axis=1) + padded[:, t]
    path = np.zeros((n, longest), dtype=np.intp)
    path[:, -1] = delta.argmax(axis=1)
    for t in range(longest - 1, 0, -1):
        path[:, t - 1] = back[t, rows, path[:, t]]
    return [path[s, offsets[s] :] for s in range(n)]


def marginals(scores: Sequence[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """P(label | sentence) per position [T, L] for each sentence (scaled forward-backward)."""
    if not scores:
        return []
    padded, offsets, linked = _stack(scores, transitions.shape[0])
    n, longest, width = padded.shape
    emit = np.exp(padded - padded.max(axis=2, keepdims=True))
    move = np.exp(transitions)
    alpha = np.empty_like(emit)
    a = emit[:, 0]
    alpha[:, 0] = a / a.sum(axis=1, keepdims=True)
    for t in range(1, longest):
        prev = alpha[:, t - 1]
        step = np.where(linked[:, t, None], prev @ move, prev.sum(axis=1, keepdims=True)) * emit[:, t]
        alpha[:, t] = step / step.sum(axis=1, keepdims=True)
    beta = np.empty_like(emit)
    beta[:, -1] = 1.0 / width
    for t in range(longest - 2, -1, -1):
        nxt = emit[:, t + 1] * beta[:, t + 1]
        step = np.where(linked[:, t + 1, None], nxt @ move.T, nxt.sum(axis=1, keepdims=True))
        beta[:, t] = step / step.sum(axis=1, keepdims=True)
    prob = alpha * beta
    prob /= prob.sum(axis=2, keepdims=True)
    return [prob[s, offsets[s] :] for s in range(n)]
