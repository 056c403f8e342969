"""Attribute numbers of a word form's CRF features, found without building the feature strings.

`FeatureExtractor._build_form` (rasid.extract.ner_crf) spells a form's features as strings such
as "p2=ال" or "-1:cl=و"; CRFsuite training needs them. Tagging only needs each string's
number in the models' attribute numbering, so `FormRows` splits that numbering by feature
template (the part before the first '=') and looks each value up in its template's table:
the same numbers, in the same order, as looking up the strings `_build_form` builds.
`sum_segments` then sums weight rows in exactly the order `ndarray.sum(axis=0)` adds them, so the
scores are bit for bit those of the string path. Forms are looked up together, one template
(column) at a time, so the per-form work is a few slices, not a Python call per feature.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

# Neighbour offsets whose words are features of a token (the order of `ner_crf.OFFSETS`).
_OFFSETS = (-2, -1, 1, 2)


class FormRows:
    """Per-template tables of an attribute numbering (attribute string -> number, 0: unknown)."""

    def __init__(self, index: Mapping[str, int]):
        templates: dict[str, dict[str, int]] = {}
        for attr, number in index.items():
            name, eq, value = attr.partition("=")
            if eq:
                templates.setdefault(name, {})[value] = number
        self._bias = index.get("bias", 0)
        empty: dict[str, int] = {}
        get = templates.get
        self._w, self._n, self._b = get("w", empty), get("n", empty), get("b", empty)
        self._cl, self._sh, self._len = get("cl", empty), get("sh", empty), get("len", empty)
        # k = 1..4: prefix and suffix tables of the normalised form and of the base.
        self._affix = [
            (get(f"p{k}", empty), get(f"s{k}", empty), get(f"bp{k}", empty), get(f"bs{k}", empty)) for k in range(1, 5)
        ]
        self._levels = templates  # "c0", "c1", ... looked up by level as they come
        self._near = [
            (get(f"{d}:b", empty), get(f"{d}:cl", empty), get(f"{d}:c1", empty), get(f"{d}:n", empty), get(f"{d}:sh", empty))
            for d in _OFFSETS
        ]
        self._empty = empty

    def padded(
        self,
        tokens: Sequence[str],
        analyse: Callable[[str], tuple[str, str, str, str]],
        cluster: Callable[[str, str], Sequence[str]],
    ) -> tuple[np.ndarray, np.ndarray]:
        """The numbers of the features `_build_form` gives each of `tokens`, column by column:
        (own [tokens, columns], as neighbours [tokens x 4 offsets, 5]).

        `analyse` is `ner_crf._analyse` (normalised form, proclitics, base, shape) and
        `cluster(normalised form, base)` gives a form's cluster ids, coarse to fine. A column holds
        one feature template, in `_build_form`'s order; a form without that feature (a word too short
        for a 4-letter prefix) has 0 there, whose weight row is zero: summed in column order
        (`sum_segments`), a row gives what summing only the form's own features in order gives.
        """
        n = len(tokens)
        found = [analyse(t) for t in tokens]
        ws = [a[0] for a in found]
        bs = [a[2] for a in found]
        cls = [a[1] for a in found]
        shapes = [a[3] for a in found]
        clusters = [cluster(a[0], a[2]) for a in found]

        def look(table: Mapping[str, int], keys: Sequence[str | None]) -> list[int]:
            return list(map(table.get, keys, itertools.repeat(0)))  # type: ignore[arg-type]

        own = [
            [self._bias] * n,
            look(self._w, tokens),
            look(self._n, ws),
            look(self._b, bs),
            look(self._cl, cls),
            look(self._sh, shapes),
            look(self._len, [str(min(len(b), 8)) for b in bs]),
        ]
        for k, (pre, suf, bpre, bsuf) in enumerate(self._affix, 1):
            own.append(look(pre, [w[:k] if len(w) > k else None for w in ws]))
            own.append(look(suf, [w[-k:] if len(w) > k else None for w in ws]))
            own.append(look(bpre, [b[:k] if len(b) > k else None for b in bs]))
            own.append(look(bsuf, [b[-k:] if len(b) > k else None for b in bs]))
        for level in range(max(map(len, clusters), default=0)):
            table = self._levels.get(f"c{level}", self._empty)
            own.append(look(table, [c[level] if len(c) > level else None for c in clusters]))
        fine = [(c[1] if len(c) > 1 else c[0]) if c else None for c in clusters]
        near = np.zeros((n, len(_OFFSETS), 5), dtype=np.intp)
        for j, (d, (nb, ncl, nc1, nn, nsh)) in enumerate(zip(_OFFSETS, self._near, strict=True)):
            near[:, j, 0] = look(nb, bs)
            near[:, j, 1] = look(ncl, cls)
            near[:, j, 2] = look(nc1, fine)
            if abs(d) == 1:
                near[:, j, 3] = look(nn, ws)
                near[:, j, 4] = look(nsh, shapes)
        own_rows = np.array(own, dtype=np.intp).T if n else np.zeros((0, 1), dtype=np.intp)
        return own_rows, near.reshape(n * len(_OFFSETS), 5)


def sum_segments(matrix: np.ndarray, padded: np.ndarray) -> np.ndarray:
    """Per row of `padded`, the sum of those rows of `matrix` [segments, labels].

    Added column by column from the first, as `matrix[rows].sum(axis=0)` adds them (np.add.reduceat
    adds in another order); the padding adds row 0 of `matrix`, which is all zero.
    """
    total = matrix[padded[:, 0]]
    for t in range(1, padded.shape[1]):
        total += matrix[padded[:, t]]
    return total


class FormNumbering:
    """Numbers of the word forms whose weight sums a tagger keeps in its score tables, at most `limit`.

    When a text's forms might not fit, the numbering restarts with the forms texts used most
    recently (up to half the limit) renumbered 0, 1, ...: `take_fresh` hands the scorers their old
    numbers, so they move those rows instead of analysing and summing common words again.
    """

    def __init__(self, base_of: Callable[[str], str], limit: int = 50_000):
        self.base_of = base_of  # a token's base (clitics stripped): bigram and list features read it
        self.limit = limit
        self.numbered: dict[str, int] = {}
        self.bases: list[str] = []
        self.generation = 0  # bumped when the numbering restarts
        self._fresh: list[str] = []  # tokens numbered since the last `take_fresh`
        self._used = np.zeros(1024, dtype=np.int64)  # per form: when a text last used it (`touch`)
        self._clock = 0
        # Since the last `take_fresh`: (generation the scorers hold, their numbers of the kept forms).
        self._carry: tuple[int, np.ndarray] | None = None

    def make_room(self, count: int) -> None:
        """Restart the numbering if `count` more forms might not fit (call before numbering a text)."""
        if len(self.bases) + count <= self.limit:
            return
        keep = min(self.limit // 2, self.limit - count)
        scored = len(self.bases) - len(self._fresh)  # forms the scorers have rows for
        kept = np.zeros(0, dtype=np.intp)
        if keep > 0 and scored:
            kept = np.sort(np.argsort(-self._used[:scored], kind="stable")[:keep])
        by_number = [""] * len(self.bases)
        for tok, k in self.numbered.items():
            by_number[k] = tok
        order = kept.tolist()
        self.numbered = {by_number[k]: new for new, k in enumerate(order)}
        self.bases = [self.bases[k] for k in order]
        used = np.zeros(max(1024, 2 * len(order)), dtype=np.int64)
        used[: len(order)] = self._used[kept]
        self._used = used
        self._fresh = []
        # Kept forms were numbered in the generation the scorers hold, or carried into this one.
        self._carry = (self.generation, kept) if self._carry is None else (self._carry[0], self._carry[1][kept])
        self.generation += 1

    def form_id(self, tok: str) -> int:
        """The number of `tok`'s form; a new form is queued for `take_fresh`."""
        found = self.numbered.get(tok)
        if found is None:
            found = self.numbered[tok] = len(self.bases)
            self.bases.append(self.base_of(tok))
            self._fresh.append(tok)
        return found

    def touch(self, ids: np.ndarray) -> None:
        """A text used the forms `ids` (the most recently used ones survive a restart)."""
        if len(self.bases) > len(self._used):
            grown = np.zeros(2 * len(self.bases), dtype=np.int64)
            grown[: len(self._used)] = self._used
            self._used = grown
        self._clock += 1
        self._used[ids] = self._clock

    def take_fresh(self) -> tuple[int, int, list[str], tuple[int, np.ndarray] | None]:
        """(generation, number of the first, tokens) of the forms numbered since the last call, and
        the carry of a restart since then: (the generation before, each kept form's number in it)."""
        fresh, self._fresh = self._fresh, []
        carry, self._carry = self._carry, None
        return self.generation, len(self.bases) - len(fresh), fresh, carry
