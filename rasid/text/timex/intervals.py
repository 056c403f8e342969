"""Rules for intervals: "within the past 24 hours", "since 2016", ranges of days, dates or hours."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rasid.text.timex.relative import amount_unit
from rasid.text.timex.values import Parse, Val, pick_year, shift

if TYPE_CHECKING:
    from rasid.text.timex.core import ParserCore


def r_within(ctx: ParserCore, i: int) -> Parse | None:
    """"خلال الـ 24 ساعة الماضية" = [ref - 24h, ref]; "خلال اسبوعين" = [ref, ref + 2 weeks]."""
    k, _ = ctx.phrase(i, ctx.lex.within)
    if not k:
        return None
    j = i + k
    au = amount_unit(ctx, j)
    if au:
        count, unit, end = au
        named = ctx.r_hijri(j) or ctx.r_calendar(j)
        if named and named.end > end:
            return None  # "خلال شهر رمضان" is during Ramadan, not within one month
    else:
        # "خلال الساعات الماضية": an unknown number of units.
        f = ctx.word(j)
        base = f[2:] if f.startswith("ال") else ""
        if base not in ctx.lex.units or ctx.lex.units[base][1] is not None:
            return None
        count, unit, end = 0, ctx.lex.units[base][0], j + 1
    mod = ctx.modifier(end)
    if mod:
        end += 1
    past = mod == "past"

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        if count == 0:
            other = shift(ref, unit, -1 if past else 1)
        else:
            other = shift(ref, unit, -count if past else count)
        s, e = (other, ref) if past else (ref, other)
        return Val(s, e, "second", "interval", interval=True)

    return Parse(end, res, kind="interval")


def r_since(ctx: ParserCore, i: int) -> Parse | None:
    """"منذ عام 2016", "منذ آذار 2020": an open interval starting then."""
    if not ctx.is_(i, "منذ"):
        return None
    inner = ctx.r_calendar(i + 1)
    if inner is None:
        return None
    base = inner.resolve

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        v = base(ref, "past")
        if v is None:
            return None
        return Val(v.start, ref or v.end, v.grain, "interval", part=v.part, interval=True)

    return Parse(inner.end, res, inner.absolute, kind="interval")


def r_range(ctx: ParserCore, i: int) -> Parse | None:
    """"من 13 الى 15 تموز", "بين غدا و الجمعة", "من الساعة 3 الى الساعة 4": value = the start."""
    j = i
    opened = ctx.is_(j, "من", "بين")
    if opened:
        j += 1
    # Day ranges inside one month: "13 الى 15 تموز", "من 1-8 شهر ايلول", "يوليو 13-15".
    dn = ctx.day_number(j)
    if dn and (ctx.word(dn[1]) == "-" or ctx.is_(dn[1], "الي", "حتي", "وحتي")):
        d1, e = dn
        d2 = ctx.day_number(e + 1)
        if d2:
            e2 = d2[1]
            if ctx.is_(e2, "من"):
                e2 += 1
            mon = ctx.month(e2)
            if mon:
                month, e3 = mon
                yr = ctx.year(e3, bare=True)
                year = yr[0] if yr else None
                e3 = yr[1] if yr else e3
                return _day_range(e3, month, d1, d2[0], year)
    mon = ctx.month(j)
    if mon and not opened:
        month, e = mon
        first_day = ctx.day_number(e)
        if first_day and (ctx.word(first_day[1]) == "-" or ctx.is_(first_day[1], "الي", "حتي")):
            last_day = ctx.day_number(first_day[1] + 1)
            if last_day:
                return _day_range(last_day[1], month, first_day[0], last_day[0], None)
    if not opened:
        return None
    first = None
    for rule in (ctx.r_relative_day, ctx.r_weekday, ctx.r_calendar, ctx.r_clock):
        p = rule(j)
        if p and (first is None or p.end > first.end):
            first = p
    if first is None:
        return None
    e = first.end
    if not ctx.is_(e, "الي", "حتي", "و", "وحتي", "لغايه"):
        return None
    second = None
    for rule in (ctx.r_relative_day, ctx.r_weekday, ctx.r_calendar, ctx.r_clock):
        p = rule(e + 1)
        if p and (second is None or p.end > second.end):
            second = p
    if second is None:
        return None
    a, b = first.resolve, second.resolve

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        va = a(ref, direction)
        if va is None:
            return None
        vb = b(va.start if ref is None else ref, direction)
        endv = vb.end if vb else va.end
        return Val(va.start, endv, va.grain, "interval", pod=va.pod, interval=True)

    return Parse(second.end, res, first.absolute and second.absolute, kind="interval")


def _day_range(end: int, month: int, d1: int, d2: int, year: int | None) -> Parse | None:
    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        y = year
        if y is None:
            if ref is None:
                return None
            y = pick_year(month, d1, ref, direction)
        try:
            s, e = dt.datetime(y, month, d1), dt.datetime(y, month, d2) + dt.timedelta(days=1)
        except ValueError:
            return None
        return Val(s, e, "day", "interval", interval=True)

    return Parse(end, res, absolute=year is not None, kind="interval")
