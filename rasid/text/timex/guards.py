"""Rule guards: which rules can start at a token (`rule_mask`), per-word memos of the forms the
rules look up, and the per-position memo of rule results (`memo_rule`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from rasid.text.numbers import Tok, lexicon, word_variants
from rasid.text.timex.lexicon import time_lexicon
from rasid.text.timex.values import Parse


class Memoised(Protocol):
    """What `memo_rule` needs of the parser (the core satisfies it; named here to keep core above guards)."""

    n: int
    toks: Sequence[Tok]
    _memo: dict[tuple[int, int], Parse | None]


_P = TypeVar("_P", bound=Memoised)

# Rules tried by `Parser.parse`, in order (the first of equally long matches wins).
PARSE_ORDER = (
    "r_now", "r_nth", "r_holiday", "r_hijri", "r_relative_day", "r_pod_noun", "r_calendar", "r_weekday",
    "r_period", "r_ago", "r_within", "r_clock", "r_range", "r_since", "r_numeric",
)

# One bit per rule, for `rule_mask`.
RULE_BITS = {
    name: 1 << k
    for k, name in enumerate(
        ("r_now", "r_holiday", "r_relative_day", "r_pod_noun", "r_within", "r_since", "r_ago", "r_numeric",
         "r_period", "r_weekday", "r_nth", "r_hijri", "r_calendar", "r_clock", "r_range")
    )
}


@lru_cache(maxsize=1)
def _rule_triggers() -> dict[str, frozenset[str]]:
    """For each rule, the clitic-free forms its first token must have (besides digits and number
    words, see `rule_mask`). Read off the rules: each set lists every word the rule looks up at
    its own position before it can match; `test_rule_guards_are_necessary` checks this."""
    lex, nlex = time_lexicon(), lexicon()

    def first(table: Any) -> set[str]:
        return {p[0] for p in table}

    ordinal = set(nlex.ordinals) | set(nlex.ordinal_compound_units)
    weekdays = set(lex.weekdays)
    months = first(lex.months)
    parts = set(lex.month_parts)
    return {
        "r_now": frozenset(first(lex.now)),
        "r_holiday": frozenset(first(lex.holidays or {})),
        "r_relative_day": frozenset(first(lex.relative_days)),
        "r_pod_noun": frozenset(first(lex.pod_nouns)),
        "r_within": frozenset(first(lex.within)),
        "r_since": frozenset({"منذ"}),
        "r_ago": frozenset({"قبل", "منذ", "بعد", "في"}),
        "r_numeric": frozenset(),
        "r_period": frozenset({"هذا", "هذه"} | {"ال" + w for w, (_, count) in lex.units.items() if count == 1}),
        "r_weekday": frozenset({"يوم", "هذا", "هذه"} | weekdays),
        "r_nth": frozenset(ordinal | weekdays | {"اليوم", "الاسبوع"}),
        "r_hijri": frozenset(parts | ordinal | {"شهر"} | first(lex.hijri_months or {})),
        "r_calendar": frozenset(
            {"يوم", "اليوم", "شهر", "الشهر", "من", "في"} | weekdays | parts | ordinal | months | lex.year_words
        ),
        "r_clock": frozenset(
            first(lex.clock_names or {}) | {"عند", "حوالي", "بحدود", "قرابه", "نحو", "في"} | lex.clock_words | ordinal
        ),
        "r_range": frozenset({"من", "بين", "شهر", "الشهر"} | ordinal | months),
    }


@lru_cache(maxsize=1)
def _trigger_bits() -> dict[str, int]:
    """`_rule_triggers` inverted: each trigger form -> the bits of the rules it may start."""
    bits: dict[str, int] = {}
    for name, words in _rule_triggers().items():
        for w in words:
            bits[w] = bits.get(w, 0) | RULE_BITS[name]
    return bits


# Rules that can start at a digit token / at a cardinal number word (via `ParserCore.number`).
_DIGIT_RULES = ("r_numeric", "r_hijri", "r_calendar", "r_clock", "r_range")
_MASKS: dict[str, int] = {}


def rule_mask(word: str) -> int:
    """Bits of the rules that may match at a token with this text; the others surely return None."""
    got = _MASKS.get(word)
    if got is not None:
        return got
    form_bits = _trigger_bits()
    mask = 0
    for f, _ in word_variants(word):
        mask |= form_bits.get(f, 0)
    if word[0].isdigit() or (word[0] == "." and len(word) > 1):
        for name in _DIGIT_RULES:
            mask |= RULE_BITS[name]
    if word in time_lexicon().last_prefix:
        mask |= RULE_BITS["r_nth"]
    if may_be_number_word(word):
        mask |= RULE_BITS["r_clock"]
    if len(_MASKS) > 100_000:
        _MASKS.clear()
    _MASKS[word] = mask
    return mask


def memo_rule(rule: Callable[[_P, int], Parse | None]) -> Callable[[_P, int], Parse | None]:
    """Rules are pure functions of the token position and call each other at the same positions
    (ranges, clock times after dates, month anchors): compute each (rule, position) once. A rule
    whose first-token guard (`rule_mask`) fails is not run at all."""
    name = rule.__name__
    bit = RULE_BITS[name]

    def wrapped(self: _P, i: int) -> Parse | None:
        if i >= self.n:
            return None
        w = self.toks[i][0]
        mask = _MASKS.get(w)
        if mask is None:
            mask = rule_mask(w)
        if not mask & bit:
            return None
        key = (bit, i)
        memo = self._memo
        if key in memo:
            return memo[key]
        got = memo[key] = rule(self, i)
        return got

    wrapped.__name__ = name
    wrapped.__doc__ = rule.__doc__
    wrapped.__wrapped__ = rule  # type: ignore[attr-defined]
    return wrapped


# `word_forms` memo; `ParserCore.forms` reads it directly (it runs for every word every rule looks at).
FORMS: dict[str, tuple[str, ...]] = {}
_ORDINAL_FORMS: dict[str, bool] = {}


def may_be_ordinal(word: str) -> bool:
    """`_parse_ordinal` starts by looking the word's forms up in the two ordinal tables."""
    got = _ORDINAL_FORMS.get(word)
    if got is None:
        nlex = lexicon()
        got = any(f in nlex.ordinals or f in nlex.ordinal_compound_units for f in word_forms(word))
        if len(_ORDINAL_FORMS) > 100_000:
            _ORDINAL_FORMS.clear()
        _ORDINAL_FORMS[word] = got
    return got


def word_forms(word: str) -> tuple[str, ...]:
    """The word and its clitic-stripped forms (`variants` without the clitic lengths), memoised."""
    got = FORMS.get(word)
    if got is None:
        if len(FORMS) > 100_000:
            FORMS.clear()
        got = FORMS[word] = tuple(v for v, _ in word_variants(word))
    return got


_NUMBER_WORDS: dict[str, bool] = {}


def may_be_number_word(word: str) -> bool:
    """`_parse_words` from any form of the word starts by finding a form of that form among the
    number words (a clitic can be stripped twice: "وبثلاثة")."""
    got = _NUMBER_WORDS.get(word)
    if got is None:
        words = lexicon().words
        got = any(v in words for f in word_forms(word) for v, _ in word_variants(f))
        if len(_NUMBER_WORDS) > 100_000:
            _NUMBER_WORDS.clear()
        _NUMBER_WORDS[word] = got
    return got
