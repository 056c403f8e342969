"""Rules for holidays and Hijri months and days."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rasid.text.timex.lexicon import hijri_to_gregorian, holiday_dates, month_part_phrases, time_lexicon
from rasid.text.timex.values import Parse, Val, day_val, midnight

if TYPE_CHECKING:
    from rasid.text.timex.core import ParserCore


def r_holiday(ctx: ParserCore, i: int) -> Parse | None:
    """"عيد الفطر", "عيد الأضحى 2013", "رأس السنة الهجرية", "الكريسماس": the next (future) or
    latest (past) occurrence, or the one in the given Gregorian year."""
    k, hol = ctx.phrase(i, ctx.lex.holidays or {})
    if not k:
        return None
    end = i + k
    yr = ctx.gregorian_or_hijri_year(end)
    year = None
    if yr and not yr[1]:
        year, end = yr[0], yr[2]

    def val(d: dt.date) -> Val:
        s = midnight(d)
        return Val(s, s + dt.timedelta(days=hol.days), "day")

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
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

    return Parse(end, res, absolute=year is not None)


def r_hijri(ctx: ParserCore, i: int) -> Parse | None:
    """"رمضان", "بداية شهر رمضان", "15 رمضان 1434", "رمضان 2019": Hijri months and days."""
    j = i
    part = None
    k, p = ctx.phrase(j, month_part_phrases())
    if k:
        part, j = p, j + k
    day = None
    if part is None:
        dn = ctx.day_number(j)
        if dn:
            day, j = dn
            if ctx.is_(j, "من"):
                j += 1
    named = ctx.is_(j, "شهر")
    if named:
        j += 1
    k, month = ctx.phrase(j, ctx.lex.hijri_months or {})
    if not k:
        return None
    end = j + k
    yr = ctx.gregorian_or_hijri_year(end)
    if yr:
        end = yr[2]
    if not (named or part or day or yr):
        return None  # bare "رجب", "رمضان", "صفر" are also names and words

    def span(h: int) -> Val | None:
        first = hijri_to_gregorian(h, month, 1)
        if first is None:
            return None
        length = (time_lexicon().hijri_years or {})[h][1][month - 1]
        if day is not None:
            return day_val(first + dt.timedelta(days=day - 1)) if day <= length else None
        s = midnight(first)
        if part is not None:
            name, d0, d1 = part
            return Val(s + dt.timedelta(days=d0 - 1), s + dt.timedelta(days=min(d1, length)), "month", part=name)
        return Val(s, s + dt.timedelta(days=length), "month")

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
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

    return Parse(end, res, absolute=bool(yr))
