"""Arabic temporal expressions resolved against a publication date.

`find_times(text, reference)` finds weekdays ("اليوم السبت", "أمس الأحد", "والخميس"), relative days
("قبل يومين"), periods ("الأسبوع الماضي", "خلال الـ 24 ساعة الماضية"), months in Levantine and
Egyptian/Gulf names ("نهاية شهر مايو/ آيار المنصرم", "نيسان /أبريل عام 2021"), years, parts of day
("مساء الخميس", "فجر الجمعة") and clock times, holidays ("عيد الأضحى", "رأس السنة الهجرية"), Hijri
months and days ("15 رمضان 1440", via the Umm al-Qura table in time.yaml), and nth/last days of a month
("ثالث ثلاثاء في أيلول", "الاثنين الأخير من آذار"), and resolves them to dates with a precision.

Conventions (why: news reports describe the past):
- `direction="past"` (the default for `find_times`): an underspecified date is the most recent one on or
  before the reference. "الخميس" published on a Thursday is that same Thursday; "الخميس الماضي" is
  strictly before the reference day. A month without a year is the latest such month not after the
  reference month ("مايو" in September 2019 = May 2019).
- `direction="future"` (Duckling's convention, used to evaluate against its corpus): a bare weekday is the
  next one strictly after the reference day; a month without a year is the next one from the reference month.
- Without a reference, only absolute expressions (with a year) are resolved; the rest keep
  `resolved=False` and `value=None` rather than a guess.
- "أمس الأحد" whose weekday contradicts the reference keeps "yesterday" and sets `conflict=True`.

The rules cover compound expressions; dateparser (maintained library) is the fallback in `resolve` for
whole phrases the rules do not cover (e.g. "08 أكتوبر 2020 08:15 م").
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, cast, overload

import yaml

from rasid.text.numbers import (
    Folded,
    Tok,
    fold,
    folded_text,
    is_digit,
    lexicon,
    parse_digits,
    text_tokens,
    text_words,
    tokenize,
    variants,
    word_variants,
)

Precision = Literal["day", "week", "month", "year", "part_of_day", "interval", "unknown", "hour", "minute"]
TimeKind = Literal["date", "relative", "weekday", "interval", "duration", "year"]
Direction = Literal["past", "future"]


@dataclass(frozen=True)
class TimeMention:
    start: int
    end: int
    text: str
    value: dt.date | None  # start of the period
    end_value: dt.date | None  # last day of the period (inclusive)
    precision: Precision
    kind: TimeKind
    part_of_day: str | None
    resolved: bool
    # Extensions: the start as a datetime when a clock time is known, the finest grain
    # (second/minute/hour/day/week/month/year), a weekday that contradicts the day, and
    # the part of a month ("early"/"mid"/"late") for "مطلع/منتصف/أواخر".
    moment: dt.datetime | None = None
    grain: str = "day"
    conflict: bool = False
    part: str | None = None


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class TimeLexicon:
    months: dict[tuple[str, ...], int]
    weekdays: dict[str, int]
    ambiguous_weekdays: frozenset[str]
    relative_days: dict[tuple[str, ...], int]
    now: frozenset[tuple[str, ...]]
    units: dict[str, tuple[str, int | None]]  # word -> (unit, count or None for plural)
    modifiers: dict[str, str]
    month_parts: dict[str, tuple[str, int, int]]
    pod_nouns: dict[tuple[str, ...], str]
    pod_adverbs: dict[tuple[str, ...], str]
    pod_hours: dict[str, tuple[int, int, bool]]
    clock_words: frozenset[str]
    hour_fractions: dict[str, int]
    minute_words: frozenset[str]
    links: frozenset[str]
    year_words: frozenset[str]
    within: frozenset[tuple[str, ...]]
    clock_names: dict[tuple[str, ...], int] | None = None  # "منتصف الليل" -> 0
    clock_suffixes: dict[str, str] | None = None  # "م" -> "evening" after "08:15"
    last_prefix: frozenset[str] = frozenset()
    last_suffix: frozenset[str] = frozenset()
    hijri_months: dict[tuple[str, ...], int] | None = None
    holidays: dict[tuple[str, ...], Holiday] | None = None
    # Hijri year -> (Gregorian date of 1 Muharram, the twelve month lengths)
    hijri_years: dict[int, tuple[dt.date, tuple[int, ...]]] | None = None
    scan_openers: frozenset[str] = frozenset()
    scan_leads: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Holiday:
    name: str
    hijri: tuple[int, int] | None = None  # (month, day) in the Hijri calendar
    date: tuple[int, int] | None = None  # (month, day) in the Gregorian calendar
    rule: str | None = None  # "easter"
    days: int = 1


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _load_holidays(raw: dict[str, Any]) -> dict[tuple[str, ...], Holiday]:
    out: dict[tuple[str, ...], Holiday] = {}
    for name, spec in _need(raw, "holidays", dict).items():
        kinds = [k for k in ("hijri", "date", "rule") if k in spec]
        if len(kinds) != 1 or not spec.get("forms"):
            raise ValueError(f"time.yaml: holiday '{name}' needs forms and exactly one of hijri/date/rule")
        for key in ("hijri", "date"):
            if key in spec and (len(spec[key]) != 2 or not all(isinstance(x, int) for x in spec[key])):
                raise ValueError(f"time.yaml: holiday '{name}': {key} must be [month, day]")
        if "rule" in spec and spec["rule"] != "easter":
            raise ValueError(f"time.yaml: holiday '{name}' has an unknown rule {spec['rule']!r}")
        hol = Holiday(
            name,
            hijri=tuple(spec["hijri"]) if "hijri" in spec else None,
            date=tuple(spec["date"]) if "date" in spec else None,
            rule=spec.get("rule"),
            days=int(spec.get("days", 1)),
        )
        for f in spec["forms"]:
            out[_phrase(f)] = hol
    return out


def _load_hijri_years(raw: dict[str, Any]) -> dict[int, tuple[dt.date, tuple[int, ...]]]:
    out: dict[int, tuple[dt.date, tuple[int, ...]]] = {}
    for year, spec in _need(raw, "hijri_years", dict).items():
        start, bits = str(spec).split()
        if len(bits) != 12 or set(bits) - {"0", "1"}:
            raise ValueError(f"time.yaml: hijri_years {year}: need 12 month-length digits")
        out[int(year)] = (dt.date.fromisoformat(start), tuple(29 + int(b) for b in bits))
    years = sorted(out)
    for y0, y1 in itertools.pairwise(years):
        if out[y0][0] + dt.timedelta(days=sum(out[y0][1])) != out[y1][0]:
            raise ValueError(f"time.yaml: hijri_years {y0} does not end where {y1} starts")
    return out


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """A Hijri (Umm al-Qura) date as a Gregorian date, or None outside the table in time.yaml."""
    table = time_lexicon().hijri_years or {}
    if year not in table or not 1 <= month <= 12:
        return None
    start, lengths = table[year]
    if not 1 <= day <= lengths[month - 1]:
        return None
    return start + dt.timedelta(days=sum(lengths[: month - 1]) + day - 1)


def holiday_dates(hol: Holiday, gregorian_year: int) -> list[dt.date]:
    """The days a holiday starts on within one Gregorian year (Hijri ones can fall twice)."""
    if hol.date is not None:
        return [dt.date(gregorian_year, *hol.date)]
    if hol.rule == "easter":
        return [_easter(gregorian_year)]
    assert hol.hijri is not None
    out = []
    # A Hijri year is ~354 days, so years h with 1 Muharram in [Y-1, Y] cover Gregorian year Y.
    for h in (gregorian_year - 622 + (gregorian_year - 622) // 32 - 1 + k for k in range(3)):
        d = hijri_to_gregorian(h, *hol.hijri)
        if d is not None and d.year == gregorian_year:
            out.append(d)
    return sorted(out)


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t[0] for t in tokenize(fold(text)))


def _need(raw: dict[str, Any], key: str, kind: type) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind):
        raise ValueError(f"time.yaml: '{key}' must be a {kind.__name__}")
    return value


@lru_cache(maxsize=1)
def time_lexicon() -> TimeLexicon:
    raw = yaml.safe_load(resources.files("rasid.text").joinpath("data/time.yaml").read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("time.yaml: top level must be a mapping")
    months = {_phrase(f): int(m) for m, fs in _need(raw, "months", dict).items() for f in fs}
    if sorted(set(months.values())) != list(range(1, 13)):
        raise ValueError("time.yaml: months must cover 1..12")
    weekdays = {fold(f): int(d) for d, fs in _need(raw, "weekdays", dict).items() for f in fs}
    rel = {_phrase(f): int(o) for o, fs in _need(raw, "relative_days", dict).items() for f in fs}
    units: dict[str, tuple[str, int | None]] = {}
    for unit, forms in _need(raw, "units", dict).items():
        for f in forms["singular"]:
            units[fold(f)] = (unit, 1)
        for f in forms["dual"]:
            units[fold(f)] = (unit, 2)
        for f in forms["plural"]:
            units[fold(f)] = (unit, None)
    modifiers = {fold(f): m for m, fs in _need(raw, "modifiers", dict).items() for f in fs}
    parts = {}
    for name, spec in _need(raw, "month_parts", dict).items():
        for f in spec["forms"]:
            parts[fold(f)] = (name, int(spec["first"]), int(spec["last"]))
    pod_nouns: dict[tuple[str, ...], str] = {}
    pod_adverbs: dict[tuple[str, ...], str] = {}
    pod_hours: dict[str, tuple[int, int, bool]] = {}
    for name, spec in _need(raw, "parts_of_day", dict).items():
        for f in spec["nouns"]:
            pod_nouns.setdefault(_phrase(f), name)
        for f in spec["adverbs"]:
            pod_adverbs.setdefault(_phrase(f), name)
        pod_hours[name] = (int(spec["start"]), int(spec["end"]), bool(spec["pm"]))
    suffixes = {fold(k): str(v) for k, v in _need(raw, "clock_suffixes", dict).items()}
    if not set(suffixes.values()) <= set(pod_hours):
        raise ValueError("time.yaml: clock_suffixes must map to parts_of_day names")
    return TimeLexicon(
        months=months,
        weekdays=weekdays,
        ambiguous_weekdays=frozenset(fold(f) for f in _need(raw, "ambiguous_weekdays", list)),
        relative_days=rel,
        now=frozenset(_phrase(f) for f in _need(raw, "now", list)),
        units=units,
        modifiers=modifiers,
        month_parts=parts,
        pod_nouns=pod_nouns,
        pod_adverbs=pod_adverbs,
        pod_hours=pod_hours,
        clock_words=frozenset(fold(f) for f in _need(raw, "clock_word", list)),
        hour_fractions={fold(k): int(v) for k, v in _need(raw, "hour_fractions", dict).items()},
        minute_words=frozenset(fold(f) for f in _need(raw, "minute_word", list)),
        links=frozenset(fold(f) for f in _need(raw, "links", list)),
        year_words=frozenset(fold(f) for f in _need(raw, "year_words", list)),
        within=frozenset(_phrase(f) for f in _need(raw, "within", list)),
        clock_suffixes=suffixes,
        clock_names={_phrase(f): int(h) for h, fs in _need(raw, "clock_names", dict).items() for f in fs},
        last_prefix=frozenset(fold(f) for f in _need(raw, "last_words", dict)["prefix"]),
        last_suffix=frozenset(fold(f) for f in _need(raw, "last_words", dict)["suffix"]),
        hijri_months={_phrase(f): int(m) for m, fs in _need(raw, "hijri_months", dict).items() for f in fs},
        holidays=_load_holidays(raw),
        hijri_years=_load_hijri_years(raw),
        scan_openers=frozenset(fold(f) for f in _need(raw, "scan_openers", list)),
        scan_leads=frozenset(fold(f) for f in _need(raw, "scan_leads", list)),
    )


# --------------------------------------------------------------------------- resolution values


@lru_cache(maxsize=1)
def _month_part_phrases() -> dict[tuple[str, ...], tuple[str, int, int]]:
    return {(f,): v for f, v in time_lexicon().month_parts.items()}


@dataclass
class _Val:
    """A resolved period: [start, end) with a grain."""

    start: dt.datetime
    end: dt.datetime
    grain: str
    kind: str = "date"
    pod: str | None = None
    part: str | None = None
    conflict: bool = False
    interval: bool = False


Resolver = Callable[[dt.datetime | None, str], "_Val | None"]


@dataclass
class _Parse:
    end: int  # token index, exclusive
    resolve: Resolver
    absolute: bool = False  # resolvable without a reference
    kind: str = "date"


def _day(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def _day_val(d: dt.date, kind: str = "date") -> _Val:
    s = _day(d)
    return _Val(s, s + dt.timedelta(days=1), "day", kind)


def _month_val(y: int, m: int) -> _Val:
    s = dt.datetime(y, m, 1)
    e = dt.datetime(y + (m == 12), m % 12 + 1, 1)
    return _Val(s, e, "month")


def _add_months(d: dt.datetime, n: int) -> dt.datetime:
    m0 = d.month - 1 + n
    y, m = d.year + m0 // 12, m0 % 12 + 1
    return d.replace(year=y, month=m, day=min(d.day, calendar.monthrange(y, m)[1]))


def _shift(ref: dt.datetime, unit: str, n: int) -> dt.datetime:
    if unit == "second":
        return ref + dt.timedelta(seconds=n)
    if unit == "minute":
        return ref + dt.timedelta(minutes=n)
    if unit == "hour":
        return ref + dt.timedelta(hours=n)
    if unit == "day":
        return ref + dt.timedelta(days=n)
    if unit == "week":
        return ref + dt.timedelta(weeks=n)
    if unit == "month":
        return _add_months(ref, n)
    return _add_months(ref, 12 * n)


def _period(ref: dt.datetime, unit: str, offset: int) -> _Val:
    """The calendar week/month/year `offset` steps from the one containing ref."""
    if unit == "week":
        monday = _day(ref.date()) - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=offset)
        return _Val(monday, monday + dt.timedelta(days=7), "week")
    if unit == "month":
        d = _add_months(dt.datetime(ref.year, ref.month, 1), offset)
        return _month_val(d.year, d.month)
    if unit == "year":
        s = dt.datetime(ref.year + offset, 1, 1)
        return _Val(s, dt.datetime(s.year + 1, 1, 1), "year")
    d = _day(ref.date()) + dt.timedelta(days=offset)
    return _day_val(d.date())


def _pick_year(month: int, day: int | None, ref: dt.datetime, direction: str) -> int:
    if direction == "past":
        if (month, day or 1) > (ref.month, ref.day) and not (month == ref.month and day is None):
            return ref.year - 1
        return ref.year
    if month < ref.month:  # Duckling keeps the current month ("الاول من شباط" in February)
        return ref.year + 1
    return ref.year


def _weekday_date(wd: int, ref: dt.datetime, direction: str, strict: bool) -> dt.date:
    today = ref.date()
    if direction == "past":
        back = (today.weekday() - wd) % 7
        if back == 0 and strict:
            back = 7
        return today - dt.timedelta(days=back)
    ahead = (wd - today.weekday()) % 7
    if ahead == 0:
        ahead = 7
    return today + dt.timedelta(days=ahead)


# --------------------------------------------------------------------------- parser

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


@dataclass(frozen=True)
class _Triggers:
    """What a token must look like for `_Parser.parse` to possibly match there (the scan prefilter)."""

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
_AB = "اب"  # folded "آب" (August), also "father" and the tail of "باب"
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
    if len(_WORD_ROLES) > 200_000:  # unbounded vocabularies: keep the memo bounded
        _WORD_ROLES.clear()
    got = _WORD_ROLES[word] = (opener, lead, nexts) if (opener or lead or nexts) else _NO_ROLE
    return got


def _start_candidates(words: Sequence[str]) -> list[bool]:
    """Token positions where an expression may start; `_Parser.parse` fails everywhere else."""
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


class _TokView(Sequence[Tok]):
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


_RuleMethod = Callable[["_Parser", int], "_Parse | None"]

# One bit per rule, for `_rule_mask`.
_RULE_BITS = {
    name: 1 << k
    for k, name in enumerate(
        ("r_now", "r_holiday", "r_relative_day", "r_pod_noun", "r_within", "r_since", "r_ago", "r_numeric",
         "r_period", "r_weekday", "r_nth", "r_hijri", "r_calendar", "r_clock", "r_range")
    )
}


@lru_cache(maxsize=1)
def _rule_triggers() -> dict[str, frozenset[str]]:
    """For each rule, the clitic-free forms its first token must have (besides digits and number
    words, see `_rule_mask`). Read off the rules: each set lists every word the rule looks up at
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
            bits[w] = bits.get(w, 0) | _RULE_BITS[name]
    return bits


# Rules that can start at a digit token / at a cardinal number word (via `_Parser.number`).
_DIGIT_RULES = ("r_numeric", "r_hijri", "r_calendar", "r_clock", "r_range")
_MASKS: dict[str, int] = {}


def _rule_mask(word: str) -> int:
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
            mask |= _RULE_BITS[name]
    if word in time_lexicon().last_prefix:
        mask |= _RULE_BITS["r_nth"]
    if _may_be_number_word(word):
        mask |= _RULE_BITS["r_clock"]
    if len(_MASKS) > 100_000:
        _MASKS.clear()
    _MASKS[word] = mask
    return mask


def _memo_rule(rule: _RuleMethod) -> _RuleMethod:
    """Rules are pure functions of the token position and call each other at the same positions
    (ranges, clock times after dates, month anchors): compute each (rule, position) once. A rule
    whose first-token guard (`_rule_mask`) fails is not run at all."""
    name = rule.__name__
    bit = _RULE_BITS[name]

    def wrapped(self: _Parser, i: int) -> _Parse | None:
        if i >= self.n:
            return None
        w = self.toks[i][0]
        mask = _MASKS.get(w)
        if mask is None:
            mask = _rule_mask(w)
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


_FORMS: dict[str, tuple[str, ...]] = {}
_ORDINAL_FORMS: dict[str, bool] = {}


def _may_be_ordinal(word: str) -> bool:
    """`_parse_ordinal` starts by looking the word's forms up in the two ordinal tables."""
    got = _ORDINAL_FORMS.get(word)
    if got is None:
        nlex = lexicon()
        got = any(f in nlex.ordinals or f in nlex.ordinal_compound_units for f in _word_forms(word))
        if len(_ORDINAL_FORMS) > 100_000:
            _ORDINAL_FORMS.clear()
        _ORDINAL_FORMS[word] = got
    return got


def _word_forms(word: str) -> tuple[str, ...]:
    """The word and its clitic-stripped forms (`variants` without the clitic lengths), memoised."""
    got = _FORMS.get(word)
    if got is None:
        if len(_FORMS) > 100_000:
            _FORMS.clear()
        got = _FORMS[word] = tuple(v for v, _ in word_variants(word))
    return got


# Rules tried by `_Parser.parse`, in order (the first of equally long matches wins).
_PARSE_ORDER = (
    "r_now", "r_nth", "r_holiday", "r_hijri", "r_relative_day", "r_pod_noun", "r_calendar", "r_weekday",
    "r_period", "r_ago", "r_within", "r_clock", "r_range", "r_since", "r_numeric",
)


_NUMBER_WORDS: dict[str, bool] = {}


def _may_be_number_word(word: str) -> bool:
    """`_parse_words` from any form of the word starts by finding a form of that form among the
    number words (a clitic can be stripped twice: "وبثلاثة")."""
    got = _NUMBER_WORDS.get(word)
    if got is None:
        words = lexicon().words
        got = any(v in words for f in _word_forms(word) for v, _ in word_variants(f))
        if len(_NUMBER_WORDS) > 100_000:
            _NUMBER_WORDS.clear()
        _NUMBER_WORDS[word] = got
    return got


class _Parser:
    def __init__(self, toks: Sequence[Tok]) -> None:
        self.toks = toks
        self.n = len(toks)
        self.lex = time_lexicon()
        self.nlex = lexicon()
        self.seconds = 0  # seconds of the last clock_hour match ("15:23:24")
        self._memo: dict[tuple[int, int], _Parse | None] = {}
        self._numbers: dict[int, tuple[int, int] | None] = {}
        self._ordinals: dict[int, tuple[int, int] | None] = {}

    def release(self) -> None:
        """Drop the memo tables once the scan is done.

        Parses hold resolvers that close over the parser, and the parser's memo holds the
        parses: a reference cycle per article (~400 objects with the article's tokens) that
        only the cyclic collector could free. Emptied, they go by reference counting.
        """
        self._memo.clear()
        self._numbers.clear()
        self._ordinals.clear()

    # ---- small matchers -------------------------------------------------------

    def word(self, i: int) -> str:
        return self.toks[i][0] if i < self.n else ""

    def forms(self, i: int) -> tuple[str, ...]:
        if i >= self.n:
            return ()
        w = self.toks[i][0]
        got = _FORMS.get(w)
        if got is None:  # memoised: every rule asks for the same words' clitic-stripped forms
            got = _word_forms(w)
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
        if not _may_be_number_word(t[0]):
            return None
        from rasid.text.numbers import _parse_words  # shared word-number grammar

        for form, _k in word_variants(t[0]):
            hit = _parse_words(self.nlex, _TokView((form, 0, 0), self.toks, i), 0)
            if hit:
                return int(hit[0]), i + hit[1]
        return None

    def ordinal(self, i: int) -> tuple[int, int] | None:
        from rasid.text.numbers import _parse_ordinal

        if i >= self.n:
            return None
        if i in self._ordinals:
            return self._ordinals[i]
        if not _may_be_ordinal(self.toks[i][0]):
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
            y = int(self.toks[j][0])
            if 1000 <= y <= 2200:
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

    # ---- rules ----------------------------------------------------------------

    def parse(self, i: int) -> _Parse | None:
        best: _Parse | None = None
        if i >= self.n:
            return None
        mask = _rule_mask(self.toks[i][0])
        for name in _PARSE_ORDER:
            if not mask & _RULE_BITS[name]:
                continue  # the rule's own guard would return None
            p = getattr(self, name)(i)
            if p and (best is None or p.end > best.end):
                best = p
        if best is not None:
            best = self.with_clock(best)
        return best

    def with_clock(self, p: _Parse) -> _Parse:
        """A date followed by a clock time or a part-of-day adverb ("الخميس الساعة 8", "اليوم صباحا")."""
        j = p.end
        if self.word(j) in ("،", ","):
            j += 1
        clock = self.r_clock(j)
        if clock is None and p.kind != "interval":
            # "الخميس من الساعة التاسعة وحتى الساعة الحادية عشرة": a clock range on that day.
            rng = self.r_range(j)
            if rng is not None and self.r_clock(j + 1) is not None:
                clock = rng
        if clock and p.kind != "interval":
            date_res = p.resolve
            clock_res = clock.resolve

            def both(ref: dt.datetime | None, direction: str) -> _Val | None:
                d = date_res(ref, direction)
                if d is None:
                    return None
                c = clock_res(d.start, "same")
                return c if c else d

            return _Parse(clock.end, both, p.absolute, p.kind)
        k, pod = self.phrase(p.end, self.lex.pod_adverbs)
        if k and p.kind in ("date", "weekday", "relative"):
            base = p.resolve

            def with_pod(ref: dt.datetime | None, direction: str) -> _Val | None:
                d = base(ref, direction)
                if d is None:
                    return None
                return self.pod_val(d.start, pod, d)

            return _Parse(p.end + k, with_pod, p.absolute, p.kind)
        return p

    def pod_val(self, day: dt.datetime, pod: str, base: _Val | None = None) -> _Val:
        h0, h1, _ = self.lex.pod_hours[pod]
        s = day.replace(hour=h0, minute=0, second=0)
        e = day.replace(hour=0, minute=0, second=0) + dt.timedelta(hours=h1)
        v = _Val(s, e, "hour", base.kind if base else "date", pod=pod)
        if base:
            v.conflict = base.conflict
        return v

    @_memo_rule
    def r_now(self, i: int) -> _Parse | None:
        k, _ = self.phrase(i, self.lex.now)
        if not k:
            return None
        return _Parse(i + k, lambda ref, d: _Val(ref, ref + dt.timedelta(seconds=1), "second", "relative") if ref else None, kind="relative")

    @_memo_rule
    def r_relative_day(self, i: int) -> _Parse | None:
        k, offset = self.phrase(i, self.lex.relative_days)
        if not k or (k == 1 and self.ordinal(i + 1)):
            return None  # "لليوم الثالث" counts days, it does not name one
        end = i + k
        wd = self.weekday(end)
        wd_value = None
        if wd:
            wd_value, end = wd
        elif self.word(end) == "يوم" and self.weekday(end + 1):
            wd_value, end = self.weekday(end + 1)  # type: ignore[misc]

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if ref is None:
                return None
            d = ref.date() + dt.timedelta(days=offset)
            v = _day_val(d, "relative")
            if wd_value is not None and d.weekday() != wd_value:
                v.conflict = True
            return v

        return _Parse(end, res, kind="relative")

    @_memo_rule
    def r_pod_noun(self, i: int) -> _Parse | None:
        """"مساء الخميس", "فجر اليوم", "ليلة السبت", "الليلة الماضية", "صباح أمس"."""
        k, pod = self.phrase(i, self.lex.pod_nouns)
        if not k:
            return None
        j = i + k
        if self.is_(j, "يوم"):
            j += 1
        inner = None
        for rule in (self.r_relative_day, self.r_weekday, self.r_calendar):
            p = rule(j)
            if p and (inner is None or p.end > inner.end):
                inner = p
        if inner is None:
            if pod == "night" and self.word(i).startswith("ال"):
                mod = self.modifier(j)
                offset = -1 if mod == "past" else 0
                end = j + 1 if mod else j

                def night(ref: dt.datetime | None, direction: str) -> _Val | None:
                    if ref is None:
                        return None
                    d = _day(ref.date()) + dt.timedelta(days=offset)
                    return self.pod_val(d, "night")

                return _Parse(end, night, kind="relative")
            return None
        base = inner.resolve
        # "ليلة الخميس" in Arabic usage is the night before Thursday (the eve).
        eve = pod == "night" and self.word(i).startswith("ليل") and inner.kind == "weekday"

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            d = base(ref, direction)
            if d is None:
                return None
            start = d.start - dt.timedelta(days=1) if eve else d.start
            return self.pod_val(start, pod, d)

        return _Parse(inner.end, res, inner.absolute, inner.kind)

    @_memo_rule
    def r_weekday(self, i: int) -> _Parse | None:
        j = i
        this = False
        if self.is_(j, "يوم"):
            j += 1
        if self.is_(j, "هذا", "هذه"):
            this = True
            j += 1
        wd = self.weekday(j)
        if not wd:
            return None
        wd_value, end = wd
        mod = self.modifier(end)
        week_offset: int | None = None
        if mod:
            end += 1
        elif self.is_(end, "الاسبوع") or (self.is_(end, "من") and self.is_(end + 1, "الاسبوع")):
            e2 = end + (1 if self.is_(end, "الاسبوع") else 2)
            if self.is_(end, "من") and self.is_(e2, "هذا"):
                e2 += 1
            wmod = self.modifier(e2)
            if wmod:
                week_offset = {"past": -1, "current": 0, "future": 1}[wmod]
                end = e2 + 1
        elif self.is_(end, "من") and self.is_(end + 1, "هذا") and self.is_(end + 2, "الاسبوع"):
            week_offset, end = 0, end + 3
        if this and week_offset is None:
            week_offset = None

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if ref is None:
                return None
            if week_offset is not None:
                monday = ref.date() - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=week_offset)
                return _day_val(monday + dt.timedelta(days=wd_value), "weekday")
            if mod == "past":
                return _day_val(_weekday_date(wd_value, ref, "past", strict=True), "weekday")
            if mod == "future":
                return _day_val(_weekday_date(wd_value, ref, "future", strict=True), "weekday")
            return _day_val(_weekday_date(wd_value, ref, direction, strict=False), "weekday")

        return _Parse(end, res, kind="weekday")

    @_memo_rule
    def r_calendar(self, i: int) -> _Parse | None:
        """[weekday][،][الموافق] [day [من]] month[/month] [year] [modifier]; also part-of-month and years."""
        j = i
        wd_value = None
        if self.is_(j, "يوم"):
            j += 1
        wd = self.weekday(j)
        if wd:
            wd_value, j = wd
            if self.word(j) in ("،", ","):
                j += 1
            if self.is_(j, "الموافق", "الموافقه"):
                j += 1
            num = self.r_numeric(j)
            if num is not None:  # "السبت 21/09", "الأحد 2019-09-01"
                num_res, wd_num = num.resolve, wd_value

                def res_numeric(ref: dt.datetime | None, direction: str) -> _Val | None:
                    v = num_res(ref, direction)
                    if v is not None and v.grain == "day" and v.start.weekday() != wd_num:
                        v.conflict = True
                    return v

                return _Parse(num.end, res_numeric, num.absolute)
        part = None
        k, p = self.phrase(j, _month_part_phrases())
        if k and not wd:
            part = p
            j += k
        if self.is_(j, "اليوم") and self.day_number(j + 1):
            j += 1
        day = None
        dn = self.day_number(j) if part is None else None
        if dn:
            day, j2 = dn
            if self.is_(j2, "من", "في", "ب"):
                j2 += 1
            if self.month(j2):
                j = j2
            elif self.is_(j, "يوم") is False and self.word(j2) in ("-", "/") :
                day = None
            else:
                day = None
        mon = self.month(j)
        if mon is None:
            if day is None and part is None and wd_value is None:
                yr = self.year(j, bare=False)
                if yr:
                    y = yr[0]
                    return _Parse(
                        yr[1],
                        lambda ref, d: _Val(dt.datetime(y, 1, 1), dt.datetime(y + 1, 1, 1), "year", "year"),
                        absolute=True,
                        kind="year",
                    )
            if wd_value is not None and dn is not None and day is not None:
                pass
            # "الثلاثاء التاسع عشر من هذا الشهر", "السبت السادس عشر": weekday + day of the current month.
            if wd_value is not None:
                dn2 = self.day_number(j)
                if dn2:
                    dday, e = dn2
                    if self.is_(e, "من") and self.is_(e + 1, "هذا") and self.is_(e + 2, "الشهر"):
                        e += 3

                    def res_wd_day(ref: dt.datetime | None, direction: str) -> _Val | None:
                        if ref is None:
                            return None
                        try:
                            return _day_val(dt.date(ref.year, ref.month, dday), "date")
                        except ValueError:
                            return None

                    return _Parse(e, res_wd_day)
            return None
        month, j = mon
        if day is None and self.day_number(j) and not self.is_(j, "من"):
            # "يوليو 13", "الخميس 15 اغسطس" handled above; here "تموز 13"
            d2 = self.day_number(j)
            if d2 and is_digit(self.toks[j]) and not (j < self.n and len(self.toks[j][0]) == 4):
                day, j = d2
        yr = self.year(j, bare=True)
        year = None
        if yr:
            year, j = yr
        mod = self.modifier(j)
        if mod and year is None:
            j += 1
        year_offset = None
        if year is None and mod is None and self.is_(j, "السنه", "العام"):
            ymod = self.modifier(j + 1)
            if ymod:
                year_offset, j = {"past": -1, "current": 0, "future": 1}[ymod], j + 2
        # "الشهر التاسع" etc. need ال; "شهر مايو الفائت"
        y_fixed = year

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            y = y_fixed
            if y is None and year_offset is not None and ref is not None:
                y = ref.year + year_offset
            if y is None:
                if ref is None:
                    return None
                if mod == "past":
                    y = ref.year if month < ref.month or (day is not None and (month, day) < (ref.month, ref.day)) else ref.year - 1
                elif mod == "future":
                    y = ref.year if month > ref.month else ref.year + 1
                elif mod == "current":
                    y = ref.year
                else:
                    y = _pick_year(month, day, ref, direction)
            if day is not None:
                try:
                    d = dt.date(y, month, day)
                except ValueError:
                    return None
                v = _day_val(d)
                if wd_value is not None and d.weekday() != wd_value:
                    v.conflict = True
                return v
            v = _month_val(y, month)
            if part:
                name, first, last = part
                last = min(last, calendar.monthrange(y, month)[1])
                v = _Val(dt.datetime(y, month, first), dt.datetime(y, month, last) + dt.timedelta(days=1), "month", part=name)
            return v

        return _Parse(j, res, absolute=year is not None)

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

    @_memo_rule
    def r_holiday(self, i: int) -> _Parse | None:
        """"عيد الفطر", "عيد الأضحى 2013", "رأس السنة الهجرية", "الكريسماس": the next (future) or
        latest (past) occurrence, or the one in the given Gregorian year."""
        k, hol = self.phrase(i, self.lex.holidays or {})
        if not k:
            return None
        end = i + k
        yr = self.gregorian_or_hijri_year(end)
        year = None
        if yr and not yr[1]:
            year, end = yr[0], yr[2]

        def val(d: dt.date) -> _Val:
            s = _day(d)
            return _Val(s, s + dt.timedelta(days=hol.days), "day")

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if year is not None:
                days = holiday_dates(hol, year)
                return val(days[0]) if days else None
            if ref is None:
                return None
            today = ref.date()
            cands = [d for y in (ref.year - 1, ref.year, ref.year + 1) for d in holiday_dates(hol, y)]
            if direction == "future":
                later = [d for d in cands if d + dt.timedelta(days=hol.days) > today]
                return val(later[0]) if later else None
            earlier = [d for d in cands if d <= today]
            return val(earlier[-1]) if earlier else None

        return _Parse(end, res, absolute=year is not None)

    @_memo_rule
    def r_hijri(self, i: int) -> _Parse | None:
        """"رمضان", "بداية شهر رمضان", "15 رمضان 1434", "رمضان 2019": Hijri months and days."""
        j = i
        part = None
        k, p = self.phrase(j, _month_part_phrases())
        if k:
            part, j = p, j + k
        day = None
        if part is None:
            dn = self.day_number(j)
            if dn:
                day, j = dn
                if self.is_(j, "من"):
                    j += 1
        named = self.is_(j, "شهر")
        if named:
            j += 1
        k, month = self.phrase(j, self.lex.hijri_months or {})
        if not k:
            return None
        end = j + k
        yr = self.gregorian_or_hijri_year(end)
        if yr:
            end = yr[2]
        if not (named or part or day or yr):
            return None  # bare "رجب", "رمضان", "صفر" are also names and words

        def span(h: int) -> _Val | None:
            first = hijri_to_gregorian(h, month, 1)
            if first is None:
                return None
            length = (time_lexicon().hijri_years or {})[h][1][month - 1]
            if day is not None:
                return _day_val(first + dt.timedelta(days=day - 1)) if day <= length else None
            s = _day(first)
            if part is not None:
                name, d0, d1 = part
                return _Val(s + dt.timedelta(days=d0 - 1), s + dt.timedelta(days=min(d1, length)), "month", part=name)
            return _Val(s, s + dt.timedelta(days=length), "month")

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if yr and yr[1]:
                return span(yr[0])
            if yr:
                g = yr[0]
            elif ref is None:
                return None
            else:
                g = ref.year
            cands = [v for h in range(g - 581, g - 577) if (v := span(h)) is not None]
            if yr:
                in_year = [v for v in cands if v.start.year == g]
                return in_year[0] if in_year else None
            assert ref is not None
            if direction == "future":
                later = [v for v in cands if v.end > ref]
                return later[0] if later else None
            earlier = [v for v in cands if v.start <= ref]
            return earlier[-1] if earlier else None

        return _Parse(end, res, absolute=bool(yr))

    def month_anchor(self, i: int) -> _Parse | None:
        """A month for "ثالث ثلاثاء في أيلول 2014" / "من الشهر القادم", after an optional link word."""
        best = None
        for j in (i, i + 1) if self.is_(i, "من", "في") else (i,):
            for rule in (self.r_calendar, self.r_period):
                p = rule(j)
                if p and (best is None or p.end > best.end):
                    best = p
        return best

    @_memo_rule
    def r_nth(self, i: int) -> _Parse | None:
        """"ثالث ثلاثاء في أيلول", "الاثنين الأخير من آذار", "آخر يوم بشهر عشرة", "الأسبوع الأول من
        شهر عشرة 2014", "ثالث ثلاثاء بعد كريسماس 2014". n = -1 means the last one."""
        j = i
        n: int | None = None
        unit: str | None = None
        wd: int | None = None
        if self.word(j) in self.lex.last_prefix:
            n, j = -1, j + 1
        elif not self.word(j).startswith("ال"):
            o = self.ordinal(j)
            if o and 1 <= o[0] <= 5:
                n, j = o
        if n is not None:
            if self.is_(j, "يوم") and self.any_weekday(j + 1):
                j += 1
            w = self.any_weekday(j)
            if w:
                unit, (wd, j) = "weekday", w
            elif self.is_(j, "يوم", "اسبوع"):
                unit, j = ("day" if self.is_(j, "يوم") else "week"), j + 1
        else:
            w = self.weekday(j)
            if w:
                unit, (wd, j) = "weekday", w
            elif self.is_(j, "اليوم", "الاسبوع"):
                unit, j = ("day" if self.is_(j, "اليوم") else "week"), j + 1
            if unit is None:
                return None
            if self.word(j) in self.lex.last_suffix:
                n, j = -1, j + 1
            else:
                o = self.ordinal(j)
                if o and 1 <= o[0] <= 5 and self.word(j).startswith("ال"):
                    n, j = o
        if unit is None or n is None:
            return None
        count = n
        after = self.is_(j, "بعد") and unit == "weekday" and count > 0
        anchor: _Parse | None = None
        if after:
            for rule in (self.r_holiday, self.r_calendar, self.r_relative_day):
                p = rule(j + 1)
                if p and (anchor is None or p.end > anchor.end):
                    anchor = p
        else:
            anchor = self.month_anchor(j)
        if anchor is None:
            return None
        base = anchor.resolve
        weekday = wd

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            v = base(ref, direction)
            if v is None:
                return None
            if after:
                assert weekday is not None
                d = v.start.date() + dt.timedelta(days=(weekday - v.start.weekday() - 1) % 7 + 1)
                return _day_val(d + dt.timedelta(weeks=count - 1))
            if v.grain != "month" or v.part is not None:
                return None
            first, last = v.start.date(), (v.end - dt.timedelta(days=1)).date()
            if unit == "day":
                d = last if count < 0 else first + dt.timedelta(days=count - 1)
                return _day_val(d) if d <= last else None
            if unit == "week":  # whole Monday-Sunday weeks inside the month
                if count < 0:
                    monday = last - dt.timedelta(days=(last.weekday() + 1) % 7) - dt.timedelta(days=6)
                else:
                    monday = first + dt.timedelta(days=(-first.weekday()) % 7, weeks=count - 1)
                if monday + dt.timedelta(days=6) > last:
                    return None
                s = _day(monday)
                return _Val(s, s + dt.timedelta(days=7), "week")
            assert weekday is not None
            if count < 0:
                d = last - dt.timedelta(days=(last.weekday() - weekday) % 7)
            else:
                d = first + dt.timedelta(days=(weekday - first.weekday()) % 7, weeks=count - 1)
            return _day_val(d) if d <= last else None

        return _Parse(anchor.end, res, anchor.absolute)

    @_memo_rule
    def r_period(self, i: int) -> _Parse | None:
        """"الأسبوع الماضي", "هذا الشهر", "السنة القادمة", "العام الجاري"."""
        j = i
        this = self.is_(j, "هذا", "هذه")
        if this:
            j += 1
        w = self.forms(j)
        unit = None
        for f in w:
            if f.startswith("ال") and f[2:] in self.lex.units and self.lex.units[f[2:]][1] == 1:
                unit = self.lex.units[f[2:]][0]
                break
        if unit is None or unit not in ("day", "week", "month", "year"):
            return None
        end = j + 1
        mod = self.modifier(end)
        if mod:
            end += 1
        elif not this:
            return None
        offset = {"past": -1, "current": 0, "future": 1, None: 0}[mod]
        if unit == "day" and offset != 0:
            return None  # "اليوم الماضي" is in relative_days
        u = unit

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if ref is None:
                return None
            v = _period(ref, u, offset)
            v.kind = "relative"
            return v

        return _Parse(end, res, kind="relative")

    def amount_unit(self, i: int) -> tuple[int, str, int] | None:
        """"3 أيام", "يومين", "أسبوع", "الـ 24 ساعة" → (count, unit, end)."""
        j = i
        if self.word(j) == "ال":
            j += 1
        f = self.word(j)
        if f in self.lex.units:
            u, c = self.lex.units[f]
            if c is not None:
                return c, u, j + 1
        if f.startswith("ال") and f[2:] in self.lex.units and self.lex.units[f[2:]][1] == 2:
            return 2, self.lex.units[f[2:]][0], j + 1
        num = self.number(j)
        if num:
            value, e = num
            w = self.word(e)
            for cand in (w, w[2:] if w.startswith("ال") else w):
                if cand in self.lex.units:
                    return value, self.lex.units[cand][0], e + 1
        return None

    @_memo_rule
    def r_ago(self, i: int) -> _Parse | None:
        """"قبل يومين", "منذ ساعتين", "قبل 3 أشهر", "بعد 3 أيام"."""
        if self.is_(i, "قبل", "منذ"):
            sign = -1
        elif self.is_(i, "بعد") or (self.is_(i, "في") and self.number(i + 1)):
            sign = 1
        else:
            return None
        au = self.amount_unit(i + 1)
        if not au:
            return None
        count, unit, end = au
        if sign == 1 and self.is_(i, "بعد") and self.is_(end, "من"):
            # "بعد يومين من مقتل ثلاثة مدنيين": what "من" names happened that long before, not after
            sign = -1

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if ref is None:
                return None
            t = _shift(ref, unit, sign * count)
            g = unit if unit in ("second", "minute", "hour") else ("day" if unit in ("day", "week") else unit)
            if g == "day":
                return _day_val(t.date(), "relative")
            if g in ("month", "year"):
                v = _period(t, g, 0)
                v.kind = "relative"
                return v
            return _Val(t, t + dt.timedelta(seconds=1), g, "relative")

        return _Parse(end, res, kind="relative")

    @_memo_rule
    def r_within(self, i: int) -> _Parse | None:
        """"خلال الـ 24 ساعة الماضية" = [ref - 24h, ref]; "خلال اسبوعين" = [ref, ref + 2 weeks]."""
        k, _ = self.phrase(i, self.lex.within)
        if not k:
            return None
        j = i + k
        au = self.amount_unit(j)
        if au:
            count, unit, end = au
            named = self.r_hijri(j) or self.r_calendar(j)
            if named and named.end > end:
                return None  # "خلال شهر رمضان" is during Ramadan, not within one month
        else:
            # "خلال الساعات الماضية": an unknown number of units.
            f = self.word(j)
            base = f[2:] if f.startswith("ال") else ""
            if base not in self.lex.units or self.lex.units[base][1] is not None:
                return None
            count, unit, end = 0, self.lex.units[base][0], j + 1
        mod = self.modifier(end)
        if mod:
            end += 1
        past = mod == "past"

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if ref is None:
                return None
            if count == 0:
                other = _shift(ref, unit, -1 if past else 1)
            else:
                other = _shift(ref, unit, -count if past else count)
            s, e = (other, ref) if past else (ref, other)
            return _Val(s, e, "second", "interval", interval=True)

        return _Parse(end, res, kind="interval")

    @_memo_rule
    def r_since(self, i: int) -> _Parse | None:
        """"منذ عام 2016", "منذ آذار 2020": an open interval starting then."""
        if not self.is_(i, "منذ"):
            return None
        inner = self.r_calendar(i + 1)
        if inner is None:
            return None
        base = inner.resolve

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            v = base(ref, "past")
            if v is None:
                return None
            return _Val(v.start, ref or v.end, v.grain, "interval", part=v.part, interval=True)

        return _Parse(inner.end, res, inner.absolute, kind="interval")

    def clock_hour(self, i: int) -> tuple[int, int, int | None] | None:
        """Hour (and minutes for "3:18") at i → (hour, end, minute); seconds go to `self.seconds`."""
        t = self.toks[i] if i < self.n else None
        self.seconds = 0
        if t is None:
            return None
        glued = i + 2 < self.n and t[2] == self.toks[i + 1][1] and self.toks[i + 1][2] == self.toks[i + 2][1]
        if is_digit(t) and glued and self.word(i + 1) == ":" and is_digit(self.toks[i + 2]):
            h, m = int(t[0]), int(self.toks[i + 2][0])
            end = i + 3
            if self.word(end) == ":" and end + 1 < self.n and is_digit(self.toks[end + 1]):
                sec = int(self.toks[end + 1][0])
                if sec < 60:
                    self.seconds = sec
                end += 2
            if h <= 24 and m < 60:
                return h, end, m
            return None
        hit = self.ordinal(i) or self.number(i)
        if hit and hit[1] > i + 1 and not is_digit(t):
            # "ثلاثة وثمانية عشرة دقيقة" is 3:18, not 21: the hour stops before the first "و" word.
            cut = next((k for k in range(i + 1, hit[1]) if self.word(k).startswith("و")), None)
            if cut is not None:
                sub = _Parser(self.toks[i:cut])
                short = sub.ordinal(0) or sub.number(0)
                if short and short[1] == cut - i:
                    hit = (short[0], cut)
        if hit and 0 <= hit[0] <= 24:
            return hit[0], hit[1], None
        return None

    @_memo_rule
    def r_clock(self, i: int) -> _Parse | None:
        k, named = self.phrase(i, self.lex.clock_names or {})
        if k:
            hour_of = int(named)

            def res_named(ref: dt.datetime | None, direction: str) -> _Val | None:
                if ref is None:
                    return None
                t = ref.replace(hour=hour_of, minute=0, second=0, microsecond=0)
                return _Val(t, t + dt.timedelta(hours=1), "hour", "date")

            return _Parse(i + k, res_named, kind="date")
        j = i
        if self.is_(j, "عند", "حوالي", "بحدود", "قرابه", "نحو", "في"):
            j += 1
        has_word = any(f in self.lex.clock_words for f in self.forms(j))
        if has_word:
            j += 1
        ch = self.clock_hour(j)
        if not ch:
            return None
        hour, j, minute = ch
        sec = self.seconds
        colon = minute is not None
        is_ordinal = self.ordinal(j - 1) is not None and not is_digit(self.toks[j - 1])
        if minute is None:
            minute = 0
            if self.word(j) == "و" or self.word(j).startswith("و"):
                jj = j + 1 if self.word(j) == "و" else j
                f = self.word(jj) if self.word(j) == "و" else self.word(j)[1:]
                if f in self.lex.hour_fractions:
                    minute, j = self.lex.hour_fractions[f], jj + 1
                else:
                    toks2 = _TokView((f, 0, 0) if self.word(j) != "و" else None, self.toks, jj)
                    sub = _Parser(toks2)
                    num = sub.number(0)
                    if num and num[0] < 60:
                        e = jj + num[1] if self.word(j) == "و" else j + num[1]
                        if self.word(e) in self.lex.minute_words:
                            e += 1
                        minute, j = num[0], e
            elif self.is_(j, "الا") and self.word(j + 1) in self.lex.hour_fractions:
                minute = 60 - self.lex.hour_fractions[self.word(j + 1)]
                hour -= 1
                j += 2
        k, pod = self.phrase(j, self.lex.pod_adverbs)
        suffixes = self.lex.clock_suffixes or {}
        if not k and colon and self.word(j) in suffixes:
            # "08:15 م": a one-letter am/pm mark, only trusted right after a written time.
            k, pod = 1, suffixes[self.word(j)]
        end = j + k
        if not (has_word or colon or k):
            return None
        if not has_word and not colon and not is_ordinal and not k:
            return None
        h, m = hour, minute
        grain = "second" if sec else ("minute" if (m or colon) else "hour")

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            if ref is None:
                return None
            hh = h
            if pod is not None:
                _, _, pm = self.lex.pod_hours[pod]
                if pm and hh < 12:
                    hh += 12
                if not pm and hh == 12:
                    hh = 0
                if pod == "night" and h < 5:
                    hh = h
            base = ref.replace(hour=0, minute=0, second=0, microsecond=0)
            if hh >= 24:
                hh -= 24
            t = base.replace(hour=hh, minute=m, second=sec)
            if pod is None and h <= 12 and direction in ("past", "future"):
                # A bare hour is the nearest matching time in the direction of reading.
                cands = [t, t + dt.timedelta(hours=12)] if h < 12 else [t]
                if direction == "future":
                    later = [c for c in cands if c >= ref]
                    t = later[0] if later else cands[0]
                else:
                    earlier = [c for c in cands if c <= ref]
                    t = earlier[-1] if earlier else cands[0]
            return _Val(t, t + dt.timedelta(minutes=1), grain, "date", pod=pod)

        return _Parse(end, res, kind="date")

    @_memo_rule
    def r_range(self, i: int) -> _Parse | None:
        """"من 13 الى 15 تموز", "بين غدا و الجمعة", "من الساعة 3 الى الساعة 4": value = the start."""
        j = i
        opened = self.is_(j, "من", "بين")
        if opened:
            j += 1
        # Day ranges inside one month: "13 الى 15 تموز", "من 1-8 شهر ايلول", "يوليو 13-15".
        dn = self.day_number(j)
        if dn and (self.word(dn[1]) == "-" or self.is_(dn[1], "الي", "حتي", "وحتي")):
            d1, e = dn
            d2 = self.day_number(e + 1)
            if d2:
                e2 = d2[1]
                if self.is_(e2, "من"):
                    e2 += 1
                mon = self.month(e2)
                if mon:
                    month, e3 = mon
                    yr = self.year(e3, bare=True)
                    year = yr[0] if yr else None
                    e3 = yr[1] if yr else e3
                    return self._day_range(e3, month, d1, d2[0], year)
        mon = self.month(j)
        if mon and not opened:
            month, e = mon
            first_day = self.day_number(e)
            if first_day and (self.word(first_day[1]) == "-" or self.is_(first_day[1], "الي", "حتي")):
                last_day = self.day_number(first_day[1] + 1)
                if last_day:
                    return self._day_range(last_day[1], month, first_day[0], last_day[0], None)
        if not opened:
            return None
        first = None
        for rule in (self.r_relative_day, self.r_weekday, self.r_calendar, self.r_clock):
            p = rule(j)
            if p and (first is None or p.end > first.end):
                first = p
        if first is None:
            return None
        e = first.end
        if not self.is_(e, "الي", "حتي", "و", "وحتي", "لغايه"):
            return None
        second = None
        for rule in (self.r_relative_day, self.r_weekday, self.r_calendar, self.r_clock):
            p = rule(e + 1)
            if p and (second is None or p.end > second.end):
                second = p
        if second is None:
            return None
        a, b = first.resolve, second.resolve

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            va = a(ref, direction)
            if va is None:
                return None
            vb = b(va.start if ref is None else ref, direction)
            endv = vb.end if vb else va.end
            return _Val(va.start, endv, va.grain, "interval", pod=va.pod, interval=True)

        return _Parse(second.end, res, first.absolute and second.absolute, kind="interval")

    def _day_range(self, end: int, month: int, d1: int, d2: int, year: int | None) -> _Parse | None:
        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            y = year
            if y is None:
                if ref is None:
                    return None
                y = _pick_year(month, d1, ref, direction)
            try:
                s, e = dt.datetime(y, month, d1), dt.datetime(y, month, d2) + dt.timedelta(days=1)
            except ValueError:
                return None
            return _Val(s, e, "day", "interval", interval=True)

        return _Parse(end, res, absolute=year is not None, kind="interval")

    @_memo_rule
    def r_numeric(self, i: int) -> _Parse | None:
        """21/09/2013, 4-4-2014, 2013-04-04, 21/09, 2/2013."""
        t = self.toks
        if i >= self.n or not is_digit(t[i]) or self.word(i + 1) not in ("/", "-"):
            return None
        parts = [t[i][0]]
        seps = []
        j = i + 1
        while len(parts) < 3 and self.word(j) in ("/", "-") and j + 1 < self.n and is_digit(t[j + 1]) and t[j][2] == t[j + 1][1]:
            seps.append(self.word(j))
            parts.append(t[j + 1][0])
            j += 2
        if len(parts) < 2 or len(set(seps)) > 1 or not all(p.isdigit() for p in parts):
            return None
        nums = [int(p) for p in parts]
        year = month = day = None
        if len(nums) == 3:
            if len(parts[0]) == 4:
                year, month, day = nums
            elif len(parts[2]) in (2, 4):
                day, month, year = nums
                if year < 100:
                    year += 2000
        elif len(parts[1]) == 4:
            month, year = nums
        else:
            day, month = nums
        if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            return None
        y0, m0, d0 = year, month, day

        def res(ref: dt.datetime | None, direction: str) -> _Val | None:
            y = y0
            if y is None:
                if ref is None:
                    return None
                y = _pick_year(m0, d0, ref, direction)
            if d0 is None:
                return _month_val(y, m0)
            try:
                return _day_val(dt.date(y, m0, d0))
            except ValueError:
                return None

        return _Parse(j, res, absolute=year is not None)


# --------------------------------------------------------------------------- public API

_PRECISION = {
    "second": "minute",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}


def _as_datetime(reference: dt.date | dt.datetime | None) -> dt.datetime | None:
    if reference is None:
        return None
    if isinstance(reference, dt.datetime):
        return reference.replace(tzinfo=None)
    return dt.datetime(reference.year, reference.month, reference.day, 12)


def _mention(text: str, start: int, end: int, p: _Parse, v: _Val | None) -> TimeMention:
    if v is None:
        return TimeMention(start, end, text[start:end], None, None, "unknown", p.kind, None, False)  # type: ignore[arg-type]
    precision: str
    if v.interval:
        precision = "interval"
    elif v.pod is not None and v.grain == "hour" and v.end - v.start > dt.timedelta(hours=1):
        precision = "part_of_day"
    else:
        precision = _PRECISION.get(v.grain, "unknown")
    last = (v.end - dt.timedelta(microseconds=1)).date() if v.end > v.start else v.start.date()
    moment = v.start if v.grain in ("second", "minute", "hour") else None
    return TimeMention(
        start=start,
        end=end,
        text=text[start:end],
        value=v.start.date(),
        end_value=last,
        precision=precision,  # type: ignore[arg-type]
        kind=v.kind if v.kind in ("date", "relative", "weekday", "interval", "duration", "year") else p.kind,  # type: ignore[arg-type]
        part_of_day=v.pod,
        resolved=True,
        moment=moment,
        grain=v.grain,
        conflict=v.conflict,
        part=v.part,
    )


def _scan(
    folded: Folded,
    ref: dt.datetime | None,
    direction: str,
    prefilter: bool = True,
) -> tuple[list[Tok], list[tuple[int, int, _Parse, _Val | None]]]:
    """Greedy left-to-right matches as (first token, end token, parse, value), with the tokens."""
    if prefilter:
        # Decide on bare token strings first (the same regex as `tokenize`), skipping Tok objects
        # for texts without any temporal word; `parse` is then tried only at candidate positions.
        starts = _start_candidates(text_words(folded.text))
        if not any(starts):
            return [], []
    toks = text_tokens(folded.text)
    if not prefilter:
        starts = [True] * len(toks)
    parser = _Parser(toks)
    out = []
    i = 0
    n = len(toks)
    while i < n:
        if not starts[i]:
            i += 1
            continue
        p = parser.parse(i)
        if p is None or p.end <= i:
            i += 1
            continue
        v = p.resolve(ref, direction) if (ref is not None or p.absolute) else None
        out.append((i, p.end, p, v))
        i = p.end
    parser.release()
    return toks, out


def find_times(
    text: str, reference: dt.date | dt.datetime | None, direction: Direction = "past"
) -> list[TimeMention]:
    """Temporal expressions in `text`, resolved against `reference` (the publication date)."""
    folded = folded_text(text)
    ref = _as_datetime(reference)
    toks, found = _scan(folded, ref, direction)
    out = []
    for i, j, p, v in found:
        # Skip leading proclitics ("والخميس") so the span starts at the word.
        first = toks[i][0]
        lead = 0
        for f, k in word_variants(first):
            if k and (f in time_lexicon().weekdays or (f,) in time_lexicon().relative_days or f in ("منذ", "قبل", "خلال")):
                lead = k
                break
        s = folded.orig(toks[i][1] + lead)
        e = folded.orig_end(toks[j - 1][2])
        out.append(_mention(text, s, e, p, v))
    return out


def resolve(phrase: str, reference: dt.datetime, direction: Direction = "future") -> TimeMention | None:
    """Resolve a whole phrase (for evaluation). Rules first; dateparser if no rule covers the phrase."""
    folded = Folded(phrase)
    toks = tokenize(folded.text)
    if not toks:
        return None
    ref = _as_datetime(reference)
    found = _scan(folded, ref, direction)[1]
    if found:
        covered = sum(j - i for i, j, _, _ in found)
        _, _, p, v = max(found, key=lambda f: f[1] - f[0])
        if v is not None and covered >= len(toks) - 1:
            return _mention(phrase, 0, len(phrase), p, v)
    dp = _dateparser(phrase, ref, direction)
    if dp is not None:
        return dp
    if found:
        _, _, p, v = max(found, key=lambda f: f[1] - f[0])
        return _mention(phrase, 0, len(phrase), p, v)
    return None


def _dateparser(phrase: str, ref: dt.datetime | None, direction: str) -> TimeMention | None:
    try:
        import dateparser
    except ImportError:  # optional at run time; declared as a dependency
        return None
    settings: dict[str, Any] = {"PREFER_DATES_FROM": direction}
    if ref is not None:
        settings["RELATIVE_BASE"] = ref
    got = dateparser.parse(phrase, languages=["ar"], settings=settings)
    if got is None:
        return None
    got = got.replace(tzinfo=None)
    has_time = (got.hour, got.minute) != (0, 0) and (ref is None or (got.hour, got.minute) != (ref.hour, ref.minute))
    grain = "minute" if has_time else "day"
    v = _Val(got, got + dt.timedelta(days=1), grain)
    return _mention(phrase, 0, len(phrase), _Parse(0, lambda r, d: v), v)
