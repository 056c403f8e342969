"""Rules for the nth or last weekday, day or week of a month or after a date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rasid.text.timex.values import Parse, Val, day_val, midnight

if TYPE_CHECKING:
    from rasid.text.timex.core import ParserCore


def month_anchor(ctx: ParserCore, i: int) -> Parse | None:
    """A month for "ثالث ثلاثاء في أيلول 2014" / "من الشهر القادم", after an optional link word."""
    best = None
    for j in (i, i + 1) if ctx.is_(i, "من", "في") else (i,):
        for rule in (ctx.r_calendar, ctx.r_period):
            p = rule(j)
            if p and (best is None or p.end > best.end):
                best = p
    return best


def r_nth(ctx: ParserCore, i: int) -> Parse | None:
    """"ثالث ثلاثاء في أيلول", "الاثنين الأخير من آذار", "آخر يوم بشهر عشرة", "الأسبوع الأول من
    شهر عشرة 2014", "ثالث ثلاثاء بعد كريسماس 2014". n = -1 means the last one."""
    head = _nth_head(ctx, i)
    if head is None:
        return None
    count, unit, wd, j = head
    after = ctx.is_(j, "بعد") and unit == "weekday" and count > 0
    anchor: Parse | None = None
    if after:
        for rule in (ctx.r_holiday, ctx.r_calendar, ctx.r_relative_day):
            p = rule(j + 1)
            if p and (anchor is None or p.end > anchor.end):
                anchor = p
    else:
        anchor = month_anchor(ctx, j)
    if anchor is None:
        return None
    base = anchor.resolve
    weekday = wd

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        v = base(ref, direction)
        if v is None:
            return None
        if after:
            assert weekday is not None
            d = v.start.date() + dt.timedelta(days=(weekday - v.start.weekday() - 1) % 7 + 1)
            return day_val(d + dt.timedelta(weeks=count - 1))
        return _nth_in_month(v, count, unit, weekday)

    return Parse(anchor.end, res, anchor.absolute)


def _nth_head(ctx: ParserCore, i: int) -> tuple[int, str, int | None, int] | None:
    """The count and unit before the anchor: "ثالث ثلاثاء", "آخر يوم", "الاثنين الأخير",
    "الأسبوع الأول" → (n, "weekday"/"day"/"week", weekday or None, end)."""
    j = i
    n: int | None = None
    unit: str | None = None
    wd: int | None = None
    if ctx.word(j) in ctx.lex.last_prefix:
        n, j = -1, j + 1
    elif not ctx.word(j).startswith("ال"):
        o = ctx.ordinal(j)
        if o and 1 <= o[0] <= 5:
            n, j = o
    if n is not None:
        if ctx.is_(j, "يوم") and ctx.any_weekday(j + 1):
            j += 1
        w = ctx.any_weekday(j)
        if w:
            unit, (wd, j) = "weekday", w
        elif ctx.is_(j, "يوم", "اسبوع"):
            unit, j = ("day" if ctx.is_(j, "يوم") else "week"), j + 1
    else:
        w = ctx.weekday(j)
        if w:
            unit, (wd, j) = "weekday", w
        elif ctx.is_(j, "اليوم", "الاسبوع"):
            unit, j = ("day" if ctx.is_(j, "اليوم") else "week"), j + 1
        if unit is None:
            return None
        if ctx.word(j) in ctx.lex.last_suffix:
            n, j = -1, j + 1
        else:
            o = ctx.ordinal(j)
            if o and 1 <= o[0] <= 5 and ctx.word(j).startswith("ال"):
                n, j = o
    if unit is None or n is None:
        return None
    return n, unit, wd, j


def _nth_in_month(v: Val, count: int, unit: str, weekday: int | None) -> Val | None:
    """The count-th (last for -1) day, whole week or weekday of the month v, if the month has it."""
    if v.grain != "month" or v.part is not None:
        return None
    first, last = v.start.date(), (v.end - dt.timedelta(days=1)).date()
    if unit == "day":
        d = last if count < 0 else first + dt.timedelta(days=count - 1)
        return day_val(d) if d <= last else None
    if unit == "week":  # whole Monday-Sunday weeks inside the month
        if count < 0:
            monday = last - dt.timedelta(days=(last.weekday() + 1) % 7) - dt.timedelta(days=6)
        else:
            monday = first + dt.timedelta(days=(-first.weekday()) % 7, weeks=count - 1)
        if monday + dt.timedelta(days=6) > last:
            return None
        s = midnight(monday)
        return Val(s, s + dt.timedelta(days=7), "week")
    assert weekday is not None
    if count < 0:
        d = last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    else:
        d = first + dt.timedelta(days=(weekday - first.weekday()) % 7, weeks=count - 1)
    return day_val(d) if d <= last else None
