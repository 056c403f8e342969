"""The scan prefilter: token positions where a time expression may start, decided on bare word
strings before any token object is built (`_scan` parses only there)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from rasid.text.numbers import lexicon, variants
from rasid.text.timex.lexicon import time_lexicon


@dataclass(frozen=True)
class _Triggers:
    """What a token must look like for `Parser.parse` to possibly match there (the scan prefilter)."""

    openers: frozenset[str]  # clitic-free forms that can start an expression alone
    leads: frozenset[str]  # forms that start one only before another trigger ("في الساعة")
    phrase_next: dict[str, frozenset[str]]  # first word of a lexicon phrase -> its second words


@lru_cache(maxsize=1)
def _triggers() -> _Triggers:
    lex, nlex = time_lexicon(), lexicon()
    # Every table `parse` looks up at the first token of an expression (see the rules below).
    phrase_tables: list[Any] = [
        lex.now,
        lex.relative_days,
        lex.holidays or {},
        lex.hijri_months or {},
        lex.months,
        lex.pod_nouns,
        lex.within,
        lex.clock_names or {},
    ]
    openers = set(lex.weekdays) | set(lex.month_parts) | lex.year_words | lex.clock_words | lex.last_prefix
    openers |= {"ال" + w for w, (_, count) in lex.units.items() if count == 1}  # r_period: "الأسبوع"
    openers |= set(nlex.ordinals) | set(nlex.ordinal_compound_units)  # ordinal days and hours
    openers |= lex.scan_openers
    phrase_next: dict[str, set[str]] = {}
    for table in phrase_tables:
        for phrase in table:
            if len(phrase) == 1:
                openers.add(phrase[0])
            else:
                phrase_next.setdefault(phrase[0], set()).add(phrase[1])
    return _Triggers(
        frozenset(openers), lex.scan_leads, {k: frozenset(v) for k, v in phrase_next.items()}
    )


_NO_NEXT: frozenset[str] = frozenset()
# word -> (can open alone, is a lead, second words of phrases it starts); memoised per surface form.
_WORD_ROLES: dict[str, tuple[bool, bool, frozenset[str]]] = {}
_NO_ROLE: tuple[bool, bool, frozenset[str]] = (False, False, _NO_NEXT)  # most words: shared, tested by identity


def _word_roles(word: str) -> tuple[bool, bool, frozenset[str]]:
    got = _WORD_ROLES.get(word)
    if got is not None:
        return got
    trig, words = _triggers(), lexicon().words
    forms = [f for f, _ in variants(word)]
    # Digits start numeric dates and clock times; number words ("الثالثة", "ثلاث") start clock
    # times through `_parse_words`, which strips a second proclitic itself.
    opener = (
        word[0].isdigit()
        or (word[0] == "." and len(word) > 1)
        or any(f in trig.openers for f in forms)
        or any(v in words for f in forms for v, _ in variants(f))
    )
    lead = any(f in trig.leads for f in forms)
    nexts: frozenset[str] = _NO_NEXT
    for f in forms:
        if f in trig.phrase_next:
            nexts = nexts | trig.phrase_next[f]
    if len(_WORD_ROLES) > 100_000:  # unbounded vocabularies: keep the memo bounded (size: issue 17's measure)
        _WORD_ROLES.clear()
    got = _WORD_ROLES[word] = (opener, lead, nexts) if (opener or lead or nexts) else _NO_ROLE
    return got


def start_candidates(words: Sequence[str]) -> list[bool]:
    """Token positions where an expression may start; `Parser.parse` fails everywhere else."""
    n = len(words)
    out = [False] * n
    known = list(map(_WORD_ROLES.get, words))  # C-level lookups; new words are rare
    roles = (
        [r or _word_roles(w) for w, r in zip(words, known, strict=True)]
        if None in known
        else cast(list[tuple[bool, bool, frozenset[str]]], known)
    )
    follows = False  # whether position i + 1 is a candidate
    for i in range(n - 1, -1, -1):
        role = roles[i]
        if role is _NO_ROLE:
            follows = False
            continue
        opener, lead, nexts = role
        ok = opener or (
            i + 1 < n and ((lead and follows) or (bool(nexts) and words[i + 1] in nexts))
        )
        out[i] = follows = ok
    return out
