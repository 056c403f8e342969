"""Rules for calendar dates: day, month and year in words or digits, parts of a month, years."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from rasid.text.numbers import is_digit
from rasid.text.timex.lexicon import month_part_phrases
from rasid.text.timex.values import Parse, Resolver, Val, day_val, field_value, month_val, pick_year

if TYPE_CHECKING:
    from rasid.text.timex.core import ParserCore


def r_calendar(ctx: ParserCore, i: int) -> Parse | None:
    """[weekday][،][الموافق] [day [من]] month[/month] [year] [modifier]; also part-of-month and years."""
    j = i
    wd_value = None
    if ctx.is_(j, "يوم"):
        j += 1
    wd = ctx.weekday(j)
    if wd:
        wd_value, j = wd
        if ctx.word(j) in ("،", ","):
            j += 1
        if ctx.is_(j, "الموافق", "الموافقه"):
            j += 1
        num = ctx.r_numeric(j)
        if num is not None:  # "السبت 21/09", "الأحد 2019-09-01"
            return _numeric_on_weekday(num, wd_value)
    part = None
    k, p = ctx.phrase(j, month_part_phrases())
    if k and not wd:
        part = p
        j += k
    if ctx.is_(j, "اليوم") and ctx.day_number(j + 1):
        j += 1
    day = None
    dn = ctx.day_number(j) if part is None else None
    if dn:
        day, j2 = dn
        if ctx.is_(j2, "من", "في", "ب"):
            j2 += 1
        if ctx.month(j2):
            j = j2
        else:
            day = None
    mon = ctx.month(j)
    if mon is None:
        return _without_month(ctx, j, day is None and part is None, wd_value)
    month, j = mon
    if day is None and ctx.day_number(j) and not ctx.is_(j, "من"):
        # "يوليو 13", "الخميس 15 اغسطس" handled above; here "تموز 13"
        d2 = ctx.day_number(j)
        if d2 and is_digit(ctx.toks[j]) and not (j < ctx.n and len(ctx.toks[j][0]) == 4):
            day, j = d2
    yr = ctx.year(j, bare=True)
    year = None
    if yr:
        year, j = yr
    mod = ctx.modifier(j)
    if mod and year is None:
        j += 1
    year_offset = None
    if year is None and mod is None and ctx.is_(j, "السنه", "العام"):
        ymod = ctx.modifier(j + 1)
        if ymod:
            year_offset, j = {"past": -1, "current": 0, "future": 1}[ymod], j + 2
    # "الشهر التاسع" etc. need ال; "شهر مايو الفائت"
    res = _month_resolver(month, day, year, mod, year_offset, part, wd_value)
    return Parse(j, res, absolute=year is not None)


def _numeric_on_weekday(num: Parse, wd_num: int) -> Parse:
    """A numeric date after a weekday: flagged when the weekday does not match the day."""
    num_res = num.resolve

    def res_numeric(ref: dt.datetime | None, direction: str) -> Val | None:
        v = num_res(ref, direction)
        if v is not None and v.grain == "day" and v.start.weekday() != wd_num:
            v.conflict = True
        return v

    return Parse(num.end, res_numeric, num.absolute)


def _without_month(ctx: ParserCore, j: int, no_day: bool, wd_value: int | None) -> Parse | None:
    """No month at j: a year alone ("عام 2016"), or a weekday with a day of the current month."""
    if no_day and wd_value is None:
        yr = ctx.year(j, bare=False)
        if yr:
            y = yr[0]
            return Parse(
                yr[1],
                lambda ref, d: Val(dt.datetime(y, 1, 1), dt.datetime(y + 1, 1, 1), "year", "year"),
                absolute=True,
                kind="year",
            )
    # "الثلاثاء التاسع عشر من هذا الشهر", "السبت السادس عشر": weekday + day of the current month.
    if wd_value is not None:
        dn2 = ctx.day_number(j)
        if dn2:
            dday, e = dn2
            if ctx.is_(e, "من") and ctx.is_(e + 1, "هذا") and ctx.is_(e + 2, "الشهر"):
                e += 3

            def res_wd_day(ref: dt.datetime | None, direction: str) -> Val | None:
                if ref is None:
                    return None
                try:
                    return day_val(dt.date(ref.year, ref.month, dday), "date")
                except ValueError:
                    return None

            return Parse(e, res_wd_day)
    return None


def _month_resolver(
    month: int,
    day: int | None,
    y_fixed: int | None,
    mod: str | None,
    year_offset: int | None,
    part: tuple[str, int, int] | None,
    wd_value: int | None,
) -> Resolver:
    """The day or month (or part of a month) that `r_calendar` found, in the year it names or
    the one a modifier or the reading direction picks."""

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
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
                y = pick_year(month, day, ref, direction)
        if day is not None:
            try:
                d = dt.date(y, month, day)
            except ValueError:
                return None
            v = day_val(d)
            if wd_value is not None and d.weekday() != wd_value:
                v.conflict = True
            return v
        v = month_val(y, month)
        if part:
            name, first, last = part
            last = min(last, calendar.monthrange(y, month)[1])
            v = Val(dt.datetime(y, month, first), dt.datetime(y, month, last) + dt.timedelta(days=1), "month", part=name)
        return v

    return res


def r_numeric(ctx: ParserCore, i: int) -> Parse | None:
    """21/09/2013, 4-4-2014, 2013-04-04, 21/09, 2/2013."""
    t = ctx.toks
    if i >= ctx.n or not is_digit(t[i]) or ctx.word(i + 1) not in ("/", "-"):
        return None
    parts = [t[i][0]]
    seps = []
    j = i + 1
    while len(parts) < 3 and ctx.word(j) in ("/", "-") and j + 1 < ctx.n and is_digit(t[j + 1]) and t[j][2] == t[j + 1][1]:
        seps.append(ctx.word(j))
        parts.append(t[j + 1][0])
        j += 2
    nums = [v for v in map(field_value, parts) if v is not None]
    if len(parts) < 2 or len(set(seps)) > 1 or len(nums) < len(parts):
        return None
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

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        y = y0
        if y is None:
            if ref is None:
                return None
            y = pick_year(m0, d0, ref, direction)
        if d0 is None:
            return month_val(y, m0)
        try:
            return day_val(dt.date(y, m0, d0))
        except ValueError:
            return None

    return Parse(j, res, absolute=year is not None)
