"""Document hints of the second CRF pass: what the first pass said about a word's other occurrences.

`hints_from_bases` is the mechanism behind `ner_crf.document_hints`: for each word (clitic-stripped
base) the roles the first pass gave its *other* occurrences within a window of sentences, as
hint strings (`hint_strings`). Only a base met at least twice in the text can have hints, so the
text's bases are counted first (in C) and only those tokens are visited.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence

from rasid.extract.ner_infer import iob_spans

_NAME_LIKE = re.compile("[\u0621-\u064aA-Za-z]{2,}")
_name_like: dict[str, bool] = {}  # base -> whether `_NAME_LIKE` matches it (a bounded cache)
_NAME_LIKE_CACHE = 50_000  # bound: hit rate vs size on real text, see docs/RESULTS.md (issue 17)


def roles(labels: Sequence[str]) -> list[str]:
    """Per token 'TYPE:S|B|I|E' inside a span, else 'O'."""
    out = ["O"] * len(labels)
    for i, j, etype in iob_spans(labels):
        for k in range(i, j):
            out[k] = f"{etype}:{'S' if j - i == 1 else 'B' if k == i else 'E' if k == j - 1 else 'I'}"
    return out


@functools.lru_cache(maxsize=4096)
def hint_strings(seen: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """Hints from the role counts of a word's other occurrences (sorted `(role, count)` pairs)."""
    if not seen:
        return ()
    types: dict[str, int] = {}
    hints = []
    for role, n in seen:
        etype = role.split(":", 1)[0]
        types[etype] = types.get(etype, 0) + n
        if etype != "O":
            hints.append(f"d:{role}")
    hints.extend(f"d:{etype}" for etype in sorted(types))
    best = max(types.items(), key=lambda kv: (kv[1], kv[0]))[0]
    share = types[best] / sum(types.values())
    hints.append(f"dmaj={best}:{'all' if share == 1 else 'most'}")
    return tuple(hints)


def _repeated_names(bases_per_sent: Sequence[Sequence[str]]) -> set[str]:
    """The name-like bases met more than once in the text (no other base can have hints)."""
    counts = Counter(b for bases in bases_per_sent for b in bases)
    name_like = _name_like
    out = set()
    for b, n in counts.items():
        if n < 2:
            continue
        flag = name_like.get(b)
        if flag is None:
            if len(name_like) >= _NAME_LIKE_CACHE:
                name_like.clear()
            flag = name_like[b] = _NAME_LIKE.fullmatch(b) is not None
        if flag:
            out.add(b)
    return out


def hints_from_bases(
    bases_per_sent: Sequence[Sequence[str]], first_pass: Sequence[Sequence[str]], window: int
) -> list[list[tuple[str, ...]]]:
    """`document_hints` from the words' bases: a tuple of hint strings per token."""
    if len(bases_per_sent) != len(first_pass):
        raise ValueError("bases and first-pass labels differ in their number of sentences")
    repeated = _repeated_names(bases_per_sent)
    occurrences: dict[str, list[tuple[int, int, str]]] = {}
    for s, (bases, labels) in enumerate(zip(bases_per_sent, first_pass, strict=True)):
        if len(bases) != len(labels):
            raise ValueError("a sentence's bases and labels differ in length")
        here = [i for i, b in enumerate(bases) if b in repeated]
        if not here:
            continue
        # Most sentences have no entity: every role is 'O' without building spans.
        if labels.count("O") == len(labels):
            for i in here:
                occurrences.setdefault(bases[i], []).append((s, i, "O"))
        else:
            found = roles(labels)
            for i in here:
                occurrences.setdefault(bases[i], []).append((s, i, found[i]))
    out: list[list[tuple[str, ...]]] = [[()] * len(b) for b in bases_per_sent]
    for occ in occurrences.values():
        if len(occ) == 1:
            continue
        if occ[-1][0] - occ[0][0] <= window:
            # Every occurrence is in every other's window: counts are the totals minus
            # itself, so occurrences with the same role get the same hints.
            totals: dict[str, int] = {}
            for _, _, role in occ:
                totals[role] = totals.get(role, 0) + 1
            by_role: dict[str, tuple[str, ...]] = {}
            for s, i, role in occ:
                got = by_role.get(role)
                if got is None:
                    seen = dict(totals)
                    seen[role] -= 1
                    got = by_role[role] = hint_strings(tuple(sorted((r, n) for r, n in seen.items() if n)))
                out[s][i] = got
            continue
        windowed_hints(occ, window, out)
    return out


def windowed_hints(occ: Sequence[tuple[int, int, str]], window: int, out: list[list[tuple[str, ...]]]) -> None:
    """Hints of a word's occurrences (in sentence order) from the others within `window` sentences.

    A sliding window of role counts: linear in the occurrences, where comparing every pair was
    quadratic (a frequent word of a long text occurs tens of thousands of times).
    """
    if all(o[2] == "O" for o in occ):
        _windowed_outside(occ, window, out)
        return
    counts: dict[str, int] = {}
    lo = hi = 0
    for s, i, role in occ:
        while hi < len(occ) and occ[hi][0] <= s + window:
            counts[occ[hi][2]] = counts.get(occ[hi][2], 0) + 1
            hi += 1
        while occ[lo][0] < s - window:
            counts[occ[lo][2]] -= 1
            lo += 1
        counts[role] -= 1  # not itself
        out[s][i] = hint_strings(tuple(sorted((r, n) for r, n in counts.items() if n)))
        counts[role] += 1


def _windowed_outside(occ: Sequence[tuple[int, int, str]], window: int, out: list[list[tuple[str, ...]]]) -> None:
    """`windowed_hints` of a word the first pass never put in an entity: its hints depend only on how
    many other occurrences its window holds."""
    lo = hi = 0
    size = len(occ)
    for s, i, _role in occ:
        while hi < size and occ[hi][0] <= s + window:
            hi += 1
        while occ[lo][0] < s - window:
            lo += 1
        others = hi - lo - 1
        out[s][i] = hint_strings((("O", others),) if others else ())
