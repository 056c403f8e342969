"""Resolved periods and the date arithmetic the rules share."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Val:
    """A resolved period: [start, end) with a grain."""

    start: dt.datetime
    end: dt.datetime
    grain: str
    kind: str = "date"
    pod: str | None = None
    part: str | None = None
    conflict: bool = False
    interval: bool = False


Resolver = Callable[[dt.datetime | None, str], "Val | None"]


@dataclass
class Parse:
    """A rule's match: where it ends and how to resolve it against a reference."""

    end: int  # token index, exclusive
    resolve: Resolver
    absolute: bool = False  # resolvable without a reference
    kind: str = "date"


def field_value(digits: str) -> int | None:
    """The value of a date or clock field written in digits; None for anything else: "1.5",
    "²" (a digit to `str.isdigit`, not to `int`), or more than 8 digits, which no day, month,
    year or hour has (and `int` refuses 4,300 digits or more)."""
    return int(digits) if digits.isdecimal() and len(digits) <= 8 else None


def midnight(d: dt.date) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day)


def day_val(d: dt.date, kind: str = "date") -> Val:
    s = midnight(d)
    return Val(s, s + dt.timedelta(days=1), "day", kind)


def month_val(y: int, m: int) -> Val:
    s = dt.datetime(y, m, 1)
    e = dt.datetime(y + (m == 12), m % 12 + 1, 1)
    return Val(s, e, "month")


def _add_months(d: dt.datetime, n: int) -> dt.datetime:
    m0 = d.month - 1 + n
    y, m = d.year + m0 // 12, m0 % 12 + 1
    return d.replace(year=y, month=m, day=min(d.day, calendar.monthrange(y, m)[1]))


def shift(ref: dt.datetime, unit: str, n: int) -> dt.datetime:
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


def period(ref: dt.datetime, unit: str, offset: int) -> Val:
    """The calendar week/month/year `offset` steps from the one containing ref."""
    if unit == "week":
        monday = midnight(ref.date()) - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=offset)
        return Val(monday, monday + dt.timedelta(days=7), "week")
    if unit == "month":
        d = _add_months(dt.datetime(ref.year, ref.month, 1), offset)
        return month_val(d.year, d.month)
    if unit == "year":
        s = dt.datetime(ref.year + offset, 1, 1)
        return Val(s, dt.datetime(s.year + 1, 1, 1), "year")
    d = midnight(ref.date()) + dt.timedelta(days=offset)
    return day_val(d.date())


def pick_year(month: int, day: int | None, ref: dt.datetime, direction: str) -> int:
    if direction == "past":
        if (month, day or 1) > (ref.month, ref.day) and not (month == ref.month and day is None):
            return ref.year - 1
        return ref.year
    if month < ref.month:  # Duckling keeps the current month ("الاول من شباط" in February)
        return ref.year + 1
    return ref.year


def weekday_date(wd: int, ref: dt.datetime, direction: str, strict: bool) -> dt.date:
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
