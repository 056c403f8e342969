"""The time lexicon (`rasid/text/data/time.yaml`): month, weekday, unit and part-of-day words,
holidays and the Umm al-Qura table, loaded once and checked on load."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from rasid.serialize import load_yaml
from rasid.text.numbers import fold, tokenize


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
    raw = load_yaml(resources.files("rasid.text").joinpath("data/time.yaml").read_text("utf-8"))
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


@lru_cache(maxsize=1)
def month_part_phrases() -> dict[tuple[str, ...], tuple[str, int, int]]:
    """`month_parts` as one-word phrases, for `ParserCore.phrase`."""
    return {(f,): v for f, v in time_lexicon().month_parts.items()}
