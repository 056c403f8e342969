"""Exact CRF inference over a CRFsuite model in numpy (the tagger's fast path).

CRFsuite's own tagger spends most of its time turning tens of feature strings per token
into C++ objects and looking each up in the model. A linear-chain CRF's state score is
a plain sum of weights, so the tagger here reads the weights once (`CrfWeights`), sums
them per word form once (the caller caches these sums), and runs Viterbi and
forward-backward over all sentences of a document at once (`viterbi`, `marginals`).
The result is the same labelling CRFsuite computes from the same feature strings.

Memory does not grow with the input: Viterbi decodes in groups of bounded size, and a text
of more than `WINDOW_TOKENS` tokens is tagged in windows of sentences (`plan_windows`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Sequence
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


def _stack(scores: Sequence[np.ndarray], width: int, left: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pad sentences to one length: (scores [T, S, L], lengths [S]).

    Time is the leading axis so each step reads one contiguous slice. With `left` the
    sentences end together (padding first), else they start together (padding last).
    """
    lengths = np.fromiter(map(len, scores), dtype=np.intp, count=len(scores))
    longest = int(lengths.max())
    padded = np.zeros((longest, len(scores), width))
    for s, (x, n) in enumerate(zip(scores, lengths.tolist(), strict=True)):
        if left:
            padded[longest - n :, s] = x
        else:
            padded[:n, s] = x
    return padded, lengths


def viterbi(scores: Sequence[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Best label ids per sentence, all sentences decoded together (first maximum on ties).

    Sentences are stacked longest first and start together, so at each step the ones still
    running are a prefix of the rows: a step touches only those, and decoding many documents
    in one call costs about as many numpy calls as decoding their longest sentences. Every
    sentence goes through exactly the operations it would alone (row-wise adds and argmaxes),
    so the labels do not depend on what it is decoded with.
    """
    if not scores:
        return []
    lengths = [len(x) for x in scores]
    order = sorted(range(len(scores)), key=lengths.__getitem__, reverse=True)
    out: list[np.ndarray] = [np.empty(0, dtype=np.intp)] * len(scores)
    # Decoded in groups of at most `_VITERBI_CELLS` padded steps (longest sentence x sentences), so
    # memory stays bounded however many sentences come at once; a sentence's labels do not depend
    # on its group.
    first = 0
    while first < len(order):
        rows = max(1, _VITERBI_CELLS // lengths[order[first]])
        group = order[first : first + rows]
        for s, path in zip(group, _viterbi_sorted([scores[s] for s in group], transitions), strict=True):
            out[s] = path
        first += rows
    return out


# Padded steps (sentence length x sentences) decoded at once: ~5 MB per work array of 9 labels.
_VITERBI_CELLS = 1 << 16


def _viterbi_sorted(scores: Sequence[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """`viterbi` of sentences given longest first."""
    width = transitions.shape[0]
    n = len(scores)
    ordered = [len(x) for x in scores]
    longest = ordered[0]
    padded = np.zeros((longest, n, width))
    for r, x in enumerate(scores):
        padded[: ordered[r], r] = x
    # running[t]: how many rows (longest first) are still inside their sentence at step t.
    running = (n - np.cumsum(np.bincount(np.array(ordered), minlength=longest + 1))[:-1]).tolist()
    delta = np.empty_like(padded)  # best score of a path ending in each label, per step
    delta[0] = padded[0]
    back = np.empty((longest, n * width), dtype=np.intp)
    # cand[s * width + to, from]: numpy's argmax over a row is much quicker than its max
    # over an axis, so the maximum is read back at the argmax (the same number).
    cand = np.empty((n * width, width))
    into = np.transpose(transitions).copy()
    cells = cand.reshape(-1)
    cell_start = np.arange(n * width) * width
    at = np.empty(n * width, dtype=np.intp)
    previous = delta[:, :, None, :]
    add = np.add
    for t in range(1, longest):
        k = running[t]
        kw = k * width
        rows = cand[:kw]
        add(previous[t - 1, :k], into, out=rows.reshape(k, width, width))
        best = back[t, :kw]
        rows.argmax(axis=1, out=best)
        where = at[:kw]
        add(best, cell_start[:kw], out=where)
        add(cells[where].reshape(k, width), padded[t, :k], out=delta[t, :k])
    # Walk back from the last step: a sentence ending at step t starts from its best last label
    # there; the ones running on follow their back pointers.
    path = np.empty((longest, n), dtype=np.intp)
    row_start = np.arange(n) * width
    after = 0  # rows still running at step t + 1
    for t in range(longest - 1, -1, -1):
        k = running[t]
        if k > after:
            path[t, after:k] = delta[t, after:k].argmax(axis=1)
        if after:
            path[t, :after] = back[t + 1][row_start[:after] + path[t + 1, :after]]
        after = k
    by_row = path.T
    return [by_row[r, : ordered[r]].copy() for r in range(n)]


def marginals(scores: Sequence[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """P(label | sentence) per position [T, L] for each sentence (scaled forward-backward).

    The forward pass runs over the sentences aligned at their starts and the backward
    pass over them aligned at their ends, so neither needs a per-step mask.
    """
    if not scores:
        return []
    move = np.exp(transitions)
    move_t = np.ascontiguousarray(move.T)
    width = transitions.shape[0]
    emit_f, lengths = _stack(scores, width, left=False)
    emit_f -= emit_f.max(axis=2, keepdims=True)
    np.exp(emit_f, out=emit_f)
    longest = emit_f.shape[0]
    alpha = np.empty_like(emit_f)
    a = emit_f[0]
    alpha[0] = a / a.sum(axis=1, keepdims=True)
    total = np.add.reduce
    for t in range(1, longest):
        step = np.matmul(alpha[t - 1], move, out=alpha[t])
        step *= emit_f[t]
        step /= total(step, axis=1, keepdims=True)
    emit_b, _ = _stack(scores, width, left=True)
    emit_b -= emit_b.max(axis=2, keepdims=True)
    np.exp(emit_b, out=emit_b)
    beta = np.empty_like(emit_b)
    beta[-1] = 1.0 / width
    for t in range(longest - 2, -1, -1):
        np.multiply(emit_b[t + 1], beta[t + 1], out=beta[t])
        step = np.matmul(beta[t], move_t)
        np.divide(step, total(step, axis=1, keepdims=True), out=beta[t])
    out = []
    for s, k in enumerate(lengths.tolist()):
        prob = alpha[:k, s] * beta[longest - k :, s]
        prob /= prob.sum(axis=1, keepdims=True)
        out.append(prob)
    return out


# Document features look at other sentences this far before and after (ANERcorp has no
# article boundaries, and a name is usually repeated within a few dozen sentences).
DOC_WINDOW = 30
# Texts of more tokens than this are tagged in windows (`plan_windows`); every article of the
# realnews corpus is shorter (its longest, 34,000 characters, has ~7,000 tokens).
WINDOW_TOKENS = 10_000
# Tokens of a window's own sentences; it reads as many again at most on each side.
_WINDOW_CORE = 4_000
# A "sentence" longer than this is no prose (a page without punctuation): it is tagged in pieces.
_LONGEST_SENTENCE = 2_000


def iob_spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token spans [i, j) with their type; an I- without a matching open span starts a new one."""
    spans: list[tuple[int, int, str]] = []
    if labels.count("O") == len(labels):  # most sentences: nothing to scan
        return spans
    start, etype = -1, ""
    for i, label in enumerate([*labels, "O"]):
        prefix, _, kind = label.partition("-")
        continues = prefix == "I" and kind == etype and start >= 0
        if start >= 0 and not continues:
            spans.append((start, i, etype))
            start, etype = -1, ""
        if prefix in ("B", "I") and not continues:
            start, etype = i, kind
    return spans


def sentence_ranges(sentence_ids: Sequence[int]) -> list[tuple[int, int]]:
    """[first, end) token indices of each run of tokens with one sentence number."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for j in range(1, len(sentence_ids)):
        if sentence_ids[j] != sentence_ids[j - 1]:
            ranges.append((start, j))
            start = j
    if sentence_ids:
        ranges.append((start, len(sentence_ids)))
    return ranges


def cut_long_sentences(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """`ranges` with every sentence longer than `_LONGEST_SENTENCE` tokens cut into pieces."""
    return [(a, min(a + _LONGEST_SENTENCE, b)) for start, b in ranges for a in range(start, b, _LONGEST_SENTENCE)]


def plan_windows(ranges: Sequence[tuple[int, int]], context: int = DOC_WINDOW) -> Iterator[tuple[int, int, int, int]]:
    """Windows over a long text's sentences: (lo, first, last, hi) indices into `ranges`.

    Sentences first..last-1 (about `_WINDOW_CORE` tokens) are the window's own; lo..first-1 and
    last..hi-1 are up to `context` sentences on each side (fewer if they are very long), which
    the document features of the window's own words read.
    """
    first = 0
    while first < len(ranges):
        last = first + 1
        while last < len(ranges) and ranges[last][1] - ranges[first][0] <= _WINDOW_CORE:
            last += 1
        lo = first
        while lo > max(0, first - context) and ranges[first][0] - ranges[lo - 1][0] <= _WINDOW_CORE:
            lo -= 1
        hi = last
        while hi < min(len(ranges), last + context) and ranges[hi][1] - ranges[last - 1][1] <= _WINDOW_CORE:
            hi += 1
        yield lo, first, last, hi
        first = last


def decoded_spans(
    groups: Sequence[Sequence[tuple[int, int, int]]], decoded: Sequence[tuple[list[str], list[float]]]
) -> list[tuple[int, int, str, float]]:
    """Character spans (start, end, type, mean marginal) of decoded sentences."""
    spans: list[tuple[int, int, str, float]] = []
    for group, (labels, conf) in zip(groups, decoded, strict=True):
        for i, j, etype in iob_spans(labels):
            score = sum(conf[i:j]) / (j - i)
            spans.append((group[i][0], group[j - 1][1], etype, round(score, 4)))
    return spans
