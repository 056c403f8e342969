"""Phrase matching: every phrase set of the event lexicon found in an article in one pass.

A `PhraseSet` holds folded word forms matched with optional proclitics ("form*" also matches any
suffix); a `PhraseMatcher` matches all sets of a lexicon at once over the article's words, with
per-word and per-word-pair trial plans cached across articles. `Hit` is one phrase found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from rasid.text.fold import proclitic_splits
from rasid.text.normalize import normalize_word

_WORD_RE = re.compile(r"[^\W\d_]+|\d+")


class Hit(NamedTuple):
    """One phrase found (a tuple: tens of thousands are made per hundred articles)."""

    start: int  # where the form begins (after any proclitics)
    end: int
    form: str
    payload: Any = None
    word_start: int = -1  # where the whole word begins (with proclitics)


# Hits made in bulk skip the named tuple's Python-level constructor (all five fields given).
new_hit = tuple.__new__

_PROCLITICS = "(?:[وف])?(?:بال|كال|لل|ال|[بلك])?"


class PhraseSet:
    """Folded word forms matched with optional proclitics; "form*" also matches any suffix.

    One regex alternation per set, run once per article (see `DocIndex`): the regex engine in C
    beats any per-word loop in Python here.
    """

    def __init__(self, forms: Iterable[str], payloads: Mapping[str, Any] | None = None):
        exact: set[str] = set()
        stems: set[str] = set()
        self.payloads: dict[str, Any] = {}
        for raw in forms:
            form = " ".join(normalize_word(str(raw).strip()).split())
            if not form:
                continue
            key = form.rstrip("*")
            (stems if form.endswith("*") else exact).add(key)
            if payloads is not None and raw in payloads:
                self.payloads.setdefault(key, payloads[raw])
        self.words = frozenset(exact | stems)
        self.exact_forms, self.stem_forms = frozenset(exact), frozenset(stems)
        parts = []
        if exact:
            parts.append("(?P<x>" + _trie_regex(exact) + r")(?!\w)")
        if stems:
            parts.append("(?P<s>" + _trie_regex(stems) + r")\w*")
        self._re = re.compile(r"(?<!\w)" + _PROCLITICS + "(?:" + "|".join(parts) + ")") if parts else None
        self._has_exact = bool(exact)

    def find(self, folded: str, words: Sequence[tuple[int, int, str]] | None = None) -> list[Hit]:
        """Non-overlapping hits in `folded` (`words` is accepted for interface symmetry and unused)."""
        if self._re is None:
            return []
        out = []
        for m in self._re.finditer(folded):
            name = "x" if self._has_exact and m.group("x") is not None else "s"
            form = " ".join(m.group(name).split())
            out.append(Hit(m.start(name), m.end(), form, self.payloads.get(form), m.start()))
        return out

    def __contains__(self, word: object) -> bool:
        return word in self.words


_TOKEN_RE = re.compile(r"\w+")
# (core start in the token, form, following words to check, last word is a stem)
_Candidate_t = tuple[int, str, tuple[str, ...], bool]


class _SetIndex:
    """One PhraseSet's forms split into words, for the word-level matcher."""

    def __init__(self, ps: PhraseSet):
        self.ps = ps
        self.exact_single = frozenset(f for f in ps.exact_forms if " " not in f)
        self.stem_single = frozenset(f for f in ps.stem_forms if " " not in f)
        multi: dict[str, list[tuple[int, str, tuple[str, ...], bool]]] = {}
        for forms, stem in ((ps.exact_forms, False), (ps.stem_forms, True)):
            for f in forms:
                words = f.split(" ")
                if len(words) > 1:
                    multi.setdefault(words[0], []).append((len(f), f, tuple(words[1:]), stem))
        self.multi = multi


class PhraseMatcher:
    """All phrase sets of a lexicon matched in one pass over an article's words.

    Gives the same hits as each set's regex (same proclitic order, exact forms before stems,
    longest first, no overlaps within a set) but looks words up in a cache instead of running one
    regex per set over the text: an article's words repeat across articles, the sets do not
    change, so the per-word work is mostly one dict look-up.
    """

    _CACHE_LIMIT = 200_000

    def __init__(self, sets: Iterable[PhraseSet]):
        self.sets: list[_SetIndex] = []
        self.slot: dict[int, int] = {}
        for ps in sets:
            if id(ps) not in self.slot:
                self.slot[id(ps)] = len(self.sets)
                self.sets.append(_SetIndex(ps))
        # Forms of all sets by word: which sets hold each, so a new word costs a few look-ups.
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._multi: dict[str, list[tuple[int, int, str, tuple[str, ...], bool]]] = {}
        for k, si in enumerate(self.sets):
            for f in si.exact_single:
                self._exact.setdefault(f, []).append(k)
            for f in si.stem_single:
                self._stems.setdefault(f, []).append(k)
            for first, items in si.multi.items():
                self._multi.setdefault(first, []).extend((k, n, f, rest, stem) for n, f, rest, stem in items)
        # Exact forms before stems (the regex tries them first), longest first within each.
        for group in self._multi.values():
            group.sort(key=lambda c: (c[4], -c[1]))
        self._stem_lengths = sorted({len(f) for f in self._stems}, reverse=True)
        self._cache: dict[str, tuple[tuple[int, list[_Candidate_t]], ...]] = {}
        self._plans: dict[str, tuple[_Row, ...]] = {}
        self._bare: set[str] = set()  # words known to start no form
        self._pair_plans: dict[tuple[str, str], tuple[_Row, ...]] = {}

    def __contains__(self, ps: object) -> bool:
        return id(ps) in self.slot

    def _candidates(self, token: str) -> tuple[tuple[int, list[_Candidate_t]], ...]:
        per_set: dict[int, list[_Candidate_t]] = {}
        for cut in proclitic_splits(token):
            core = token[cut:]
            multi = self._multi.get(core, ())
            for k, _n, f, rest, stem in multi:
                if not stem:
                    per_set.setdefault(k, []).append((cut, f, rest, False))
            for k in self._exact.get(core, ()):
                per_set.setdefault(k, []).append((cut, core, (), False))
            for k, _n, f, rest, stem in multi:
                if stem:
                    per_set.setdefault(k, []).append((cut, f, rest, True))
            for n in self._stem_lengths:
                if n <= len(core):
                    for k in self._stems.get(core[:n], ()):
                        per_set.setdefault(k, []).append((cut, core[:n], (), True))
        return tuple(sorted(per_set.items()))

    def _lookup(self, token: str) -> tuple[tuple[int, list[_Candidate_t]], ...]:
        found = self._cache.get(token)
        if found is None:
            found = self._candidates(token)
            if len(self._cache) > self._CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = found
        return found

    def _plan(self, token: str) -> tuple[_Row, ...]:
        """What `token` may start, in trial order, or `_NEEDS_NEXT` when that depends on the next word."""
        found = self._lookup(token)
        if any(rest for _k, cands in found for _c, _f, rest, _s in cands):
            return _NEEDS_NEXT
        # Without multi-word forms the first candidate of each set always matches.
        return tuple((k, c[0], c[1], self.sets[k].ps.payloads.get(c[1]), 0, c[2], c[3]) for k, c in
                     ((k, cands[0]) for k, cands in found))

    def _plan_before(self, token: str, following: str) -> tuple[_Row, ...]:
        """The trial rows of `token` followed by the word `following` (\"\" if none).

        A candidate whose next word does not fit is dropped here, once per word pair; one whose
        whole form is already matched by the two words (kind 0/1) ends its set's trials.
        """
        rows: list[_Row] = []
        for k, cands in self._lookup(token):
            payloads = self.sets[k].ps.payloads
            for cut, form, rest, stem in cands:
                if not rest:
                    rows.append((k, cut, form, payloads.get(form), 0, rest, stem))
                    break
                first = rest[0]
                if not (following.startswith(first) if (stem and len(rest) == 1) else following == first):
                    continue
                rows.append((k, cut, form, payloads.get(form), 1 if len(rest) == 1 else 2, rest, stem))
                if len(rest) == 1:
                    break
        return tuple(rows)

    def find_all(self, folded: str, words: list[tuple[int, int, str]] | None = None) -> list[list[Hit]]:
        """Hits of every set in `folded`.

        With `words`, the same pass over the text's \\w+ runs also fills it with the text's words
        (letter or digit runs: a run that is all letters is one word) as (start, end, text).
        """
        out: list[list[Hit]] = [[] for _ in self.sets]
        free = [0] * len(self.sets)  # where each set may match next (its hits do not overlap)
        plans = self._plans
        pairs = self._pair_plans
        next_word = _NEXT_WORD_RE.match
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(folded)]
        if words is not None:
            # A run of letters only, or of digits only, is one word; split the others ("ب15").
            pos = 0
            for i in [i for i, t in enumerate(tokens) if not (t[2].isalpha() or t[2].isdecimal())]:
                words.extend(tokens[pos:i])
                ts, _te, text = tokens[i]
                words.extend((ts + w.start(), ts + w.end(), w.group()) for w in _WORD_RE.finditer(text))
                pos = i + 1
            words.extend(tokens[pos:])
        bare = self._bare
        # Most words start no form of any set: they are left out before the loop.
        for start, end, token in [t for t in tokens if t[2] not in bare]:
            rows = plans.get(token)
            if rows is None:
                rows = self._plan(token)
                if len(plans) > self._CACHE_LIMIT:
                    plans.clear()
                    bare.clear()
                plans[token] = rows
                if not rows:
                    bare.add(token)
                    continue
            if rows is _NEEDS_NEXT:
                # Multi-word forms start here: the trials depend on the next word.
                nm = next_word(folded, end)
                following, fend = (nm.group(1), nm.end()) if nm else ("", -1)
                key = (token, following)
                rows = pairs.get(key)
                if rows is None:
                    rows = self._plan_before(token, following)
                    if len(pairs) > self._CACHE_LIMIT:
                        pairs.clear()
                    pairs[key] = rows
            elif not rows:
                continue
            for k, cut, form, payload, kind, rest, stem in rows:
                if start < free[k]:
                    continue  # (also skips the set's later rows once it matched here)
                if kind == 0:
                    stop = end
                elif kind == 1:
                    stop = fend
                else:
                    stop = _match_rest(folded, end, rest, stem)
                    if stop < 0:
                        continue
                out[k].append(new_hit(Hit, (start + cut, stop, form, payload, start)))
                free[k] = stop
        return out


# One trial of a token: (set, core start in the token, form, payload, kind, following words, stem):
# kind 0 is a one-word form, 1 a form the next word completes, 2 a longer form still to check.
_Row = tuple[int, int, str, Any, int, tuple[str, ...], bool]
_NEEDS_NEXT: tuple[_Row, ...] = ((-1, 0, "", None, -1, (), False),)  # a marker, compared by identity


_NEXT_WORD_RE = re.compile(r"\s+(\w+)")


def _match_rest(folded: str, pos: int, rest: Sequence[str], stem: bool) -> int:
    """End of a multi-word form whose first word ends at `pos`, or -1 (words apart by whitespace only)."""
    for j, word in enumerate(rest, start=1):
        m = _NEXT_WORD_RE.match(folded, pos)
        if m is None:
            return -1
        tok = m.group(1)
        if not (tok.startswith(word) if (stem and j == len(rest)) else tok == word):
            return -1
        pos = m.end()
    return pos


def _trie_regex(forms: Iterable[str]) -> str:
    """One regex for a set of forms, factored by shared prefixes.

    Python's engine tries the branches of a flat alternation one by one at every word; a prefix
    tree lets it drop all forms but a few after the first letters. Longer continuations come
    before stopping, so the longest fitting form wins, as in a longest-first alternation.
    """
    trie: dict[str, Any] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        ends = "" in node
        if len(alts) == 1 and not ends:
            return alts[0]
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if ends else body

    return build(trie)

