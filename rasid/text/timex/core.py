"""The parser core: the tokens of one text and the small matchers every rule uses (words and their
clitic-free forms, lexicon phrases, numbers, ordinals, months, years, weekdays, modifiers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, overload

from rasid.text.numbers import Tok, is_digit, lexicon, parse_digits, word_variants
from rasid.text.timex.guards import FORMS, may_be_number_word, may_be_ordinal, word_forms
from rasid.text.timex.lexicon import time_lexicon
from rasid.text.timex.values import Parse, Val, field_value

# id(table) -> (table, its phrases by first word); the table is kept to check the id is still its own.
_INDEXES: dict[int, tuple[object, dict[str, list[tuple[str, ...]]]]] = {}


def _first_word_index(table: dict[tuple[str, ...], Any] | frozenset[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases of a lexicon table grouped by first word (phrase lookup runs at every token)."""
    hit = _INDEXES.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in table:
        index.setdefault(p[0], []).append(p)
    if len(_INDEXES) > 64:  # ad-hoc tables: keep the cache bounded
        _INDEXES.clear()
    _INDEXES[id(table)] = (table, index)
    return index


_AB = "اب"  # folded "آب" (August), also "father" and the tail of "باب"


class TokView(Sequence[Tok]):
    """`toks[start:]`, optionally with its first token replaced, without copying the tail (number
    words are re-parsed from a clitic-free first form at many positions of long texts)."""

    __slots__ = ("_first", "_start", "_toks")

    def __init__(self, first: Tok | None, toks: Sequence[Tok], start: int) -> None:
        self._first = first
        self._toks = toks
        self._start = start

    def __len__(self) -> int:
        return max(0, len(self._toks) - self._start)

    @overload
    def __getitem__(self, k: int) -> Tok: ...

    @overload
    def __getitem__(self, k: slice) -> Sequence[Tok]: ...

    def __getitem__(self, k: int | slice) -> Tok | Sequence[Tok]:
        if isinstance(k, slice):
            return [self[x] for x in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        if not 0 <= k < len(self):
            raise IndexError(k)
        if k == 0 and self._first is not None:
            return self._first
        return self._toks[self._start + k]


class ParserCore:
    """One text's tokens, the lexicons and per-position memos; the rules are in `Parser`."""

    def __init__(self, toks: Sequence[Tok]) -> None:
        self.toks = toks
        self.n = len(toks)
        self.lex = time_lexicon()
        self.nlex = lexicon()
        self.seconds = 0  # seconds of the last clock_hour match ("15:23:24")
        self._memo: dict[tuple[int, int], Parse | None] = {}
        self._numbers: dict[int, tuple[int, int] | None] = {}
        self._ordinals: dict[int, tuple[int, int] | None] = {}

    if TYPE_CHECKING:
        # The rules, bound by `Parser`; declared here so rule modules type against the core alone
        # (importing `Parser` back would make a cycle).
        r_now: Callable[[int], Parse | None]
        r_relative_day: Callable[[int], Parse | None]
        r_weekday: Callable[[int], Parse | None]
        r_period: Callable[[int], Parse | None]
        r_ago: Callable[[int], Parse | None]
        r_calendar: Callable[[int], Parse | None]
        r_numeric: Callable[[int], Parse | None]
        r_holiday: Callable[[int], Parse | None]
        r_hijri: Callable[[int], Parse | None]
        r_nth: Callable[[int], Parse | None]
        r_pod_noun: Callable[[int], Parse | None]
        r_clock: Callable[[int], Parse | None]
        r_within: Callable[[int], Parse | None]
        r_since: Callable[[int], Parse | None]
        r_range: Callable[[int], Parse | None]

    def release(self) -> None:
        """Drop the memo tables once the scan is done.

        Parses hold resolvers that close over the parser, and the parser's memo holds the
        parses: a reference cycle per article (~400 objects with the article's tokens) that
        only the cyclic collector could free. Emptied, they go by reference counting.
        """
        self._memo.clear()
        self._numbers.clear()
        self._ordinals.clear()

    def word(self, i: int) -> str:
        return self.toks[i][0] if i < self.n else ""

    def forms(self, i: int) -> tuple[str, ...]:
        if i >= self.n:
            return ()
        w = self.toks[i][0]
        got = FORMS.get(w)
        if got is None:  # memoised: every rule asks for the same words' clitic-stripped forms
            got = word_forms(w)
        return got

    def phrase(self, i: int, table: dict[tuple[str, ...], Any] | frozenset[tuple[str, ...]]) -> tuple[int, Any]:
        best: tuple[int, Any] = (0, None)
        if i >= self.n:
            return best
        hit = _INDEXES.get(id(table))
        index = hit[1] if hit is not None and hit[0] is table else _first_word_index(table)
        for first in self.forms(i):
            if first not in index:
                continue
            for p in index[first]:
                k = len(p)
                if k <= best[0] or i + k > self.n:
                    continue
                if all(self.toks[i + j][0] == p[j] for j in range(1, k)):
                    best = (k, table[p] if isinstance(table, dict) else p)
        return best

    def is_(self, i: int, *words: str) -> bool:
        return any(map(words.__contains__, self.forms(i)))

    def number(self, i: int) -> tuple[int, int] | None:
        """An integer (digits or cardinal words) at i → (value, end)."""
        if i in self._numbers:
            return self._numbers[i]
        got = self._numbers[i] = self._number(i)
        return got

    def _number(self, i: int) -> tuple[int, int] | None:
        if i >= self.n:
            return None
        t = self.toks[i]
        if is_digit(t):
            v = parse_digits(t[0])
            if v is None or v != int(v) or "," in t[0]:
                return None
            return int(v), i + 1
        if not may_be_number_word(t[0]):
            return None
        from rasid.text.numbers import _parse_words  # shared word-number grammar

        for form, _k in word_variants(t[0]):
            hit = _parse_words(self.nlex, TokView((form, 0, 0), self.toks, i), 0)
            if hit:
                return int(hit[0]), i + hit[1]
        return None

    def ordinal(self, i: int) -> tuple[int, int] | None:
        from rasid.text.numbers import _parse_ordinal

        if i >= self.n:
            return None
        if i in self._ordinals:
            return self._ordinals[i]
        if not may_be_ordinal(self.toks[i][0]):
            self._ordinals[i] = None
            return None
        hit = _parse_ordinal(self.nlex, self.toks, i)
        got = self._ordinals[i] = (int(hit[0]), hit[1]) if hit else None
        return got

    def day_number(self, i: int) -> tuple[int, int] | None:
        hit = self.ordinal(i)
        if hit is None and i < self.n and is_digit(self.toks[i]):
            hit = self.number(i)
        if hit and 1 <= hit[0] <= 31:
            return hit
        return None

    def month(self, i: int) -> tuple[int, int] | None:
        """Month name ("آذار", "شهر مايو/ آيار", "شهر 3", "الشهر التاسع") → (month, end)."""
        j = i
        if self.is_(j, "شهر", "الشهر"):
            j += 1
        k, m = self.phrase(j, self.lex.months)
        if k:
            end = j + k
            paired = False
            # "مايو/ آيار", "آذار /مارس": a second name of the same month.
            if self.word(end) == "/":
                k2, m2 = self.phrase(end + 1, self.lex.months)
                if k2 and m2 == m:
                    end = end + 1 + k2
                    paired = True
            if k == 1 and not paired and self._bare_ab(i, j, end):
                return None
            return m, end
        if j > i:
            num = self.number(j) or (self.ordinal(j) if self.word(i).startswith("ال") else None)
            if num and 1 <= num[0] <= 12:
                return num[0], num[1]
        return None

    def _bare_ab(self, i: int, j: int, end: int) -> bool:
        """True when the month word at j is "آب"/"اب" without anything saying it is a month.

        "اب" is also "father", and "باب" ("باب الهوى", "باب النيرب") folds to ب+اب: a proclitic
        ب never opens this month, and the bare name needs "شهر" before it, a day number before it,
        or a year or a past/next modifier after it ("آب/أغسطس" is handled by the caller).
        """
        forms = self.forms(j)
        if _AB not in forms or any((f,) in self.lex.months for f in forms if f != _AB):
            return False
        if "ب" in self.word(j)[: -len(_AB)]:
            return True
        if j > i:  # "شهر آب"
            return False
        k = i - 1 if self.is_(i - 1, "من", "في") else i
        if any((dn := self.day_number(s)) is not None and dn[1] == k for s in range(max(0, k - 3), k)):
            return False  # "5 آب", "الخامس من آب"
        # "آب 2019", "آب الماضي"
        return self.year(end, bare=True) is None and self.modifier(end) is None

    def year(self, i: int, bare: bool) -> tuple[int, int] | None:
        j = i
        if self.is_(j, "من", "في") and self.word(j + 1) in self.lex.year_words:
            j += 1
        has_word = any(f in self.lex.year_words for f in self.forms(j))
        if has_word:
            j += 1
        elif not bare:
            return None
        if j < self.n and is_digit(self.toks[j]) and len(self.toks[j][0]) == 4:
            y = field_value(self.toks[j][0])  # (None for "1.55")
            if y is not None and 1000 <= y <= 2200:
                end = j + 1
                if self.word(end) == "م":
                    end += 1
                return y, end
        return None

    def weekday(self, i: int) -> tuple[int, int] | None:
        for f, k in word_variants(self.word(i)):
            wd = self.lex.weekdays.get(f)
            if wd is None:
                continue
            # "جمعة"/"أحد" without ال are ordinary words unless after يوم or before a week phrase.
            bare = f in self.lex.ambiguous_weekdays and not (k == 0 and self.is_(i - 1, "يوم"))
            if bare and not self.is_(i + 1, "الاسبوع", "من"):
                continue
            return wd, i + 1
        return None

    def modifier(self, i: int) -> str | None:
        for f in self.forms(i):
            if f in self.lex.modifiers:
                return self.lex.modifiers[f]
        return None

    def any_weekday(self, i: int) -> tuple[int, int] | None:
        """A weekday word, also the bare forms ("ثلاثاء") that `weekday` leaves to context."""
        for f in self.forms(i):
            if f in self.lex.weekdays:
                return self.lex.weekdays[f], i + 1
        return None

    def gregorian_or_hijri_year(self, i: int) -> tuple[int, bool, int] | None:
        """A year after a month or holiday → (year, is_hijri, end). 1300-1600 is read as Hijri."""
        yr = self.year(i, bare=True)
        if yr is None:
            return None
        y, end = yr
        hijri = 1300 <= y <= 1600
        if self.is_(end, "هـ", "ه", "هجري", "هجريه", "للهجره"):
            hijri, end = True, end + 1
        return y, hijri, end

    def pod_val(self, day: dt.datetime, pod: str, base: Val | None = None) -> Val:
        h0, h1, _ = self.lex.pod_hours[pod]
        s = day.replace(hour=h0, minute=0, second=0)
        e = day.replace(hour=0, minute=0, second=0) + dt.timedelta(hours=h1)
        v = Val(s, e, "hour", base.kind if base else "date", pod=pod)
        if base:
            v.conflict = base.conflict
        return v
