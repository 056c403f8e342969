"""Rules for days and periods relative to the reference: now, yesterday/tomorrow, weekdays,
"the past week", "two days ago"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rasid.text.timex.values import Parse, Val, day_val, midnight, period, shift, weekday_date

if TYPE_CHECKING:
    from rasid.text.timex.core import ParserCore


def r_now(ctx: ParserCore, i: int) -> Parse | None:
    """"الآن", "حالا", "في هذه اللحظة": the reference moment."""
    k, _ = ctx.phrase(i, ctx.lex.now)
    if not k:
        return None
    return Parse(i + k, lambda ref, d: Val(ref, ref + dt.timedelta(seconds=1), "second", "relative") if ref else None, kind="relative")


def r_relative_day(ctx: ParserCore, i: int) -> Parse | None:
    """"أمس", "اليوم", "غدا", "أول أمس", optionally with the weekday ("أمس الأحد")."""
    k, offset = ctx.phrase(i, ctx.lex.relative_days)
    if not k or (k == 1 and ctx.ordinal(i + 1)):
        return None  # "لليوم الثالث" counts days, it does not name one
    end = i + k
    wd = ctx.weekday(end)
    wd_value = None
    if wd:
        wd_value, end = wd
    elif ctx.word(end) == "يوم" and ctx.weekday(end + 1):
        wd_value, end = ctx.weekday(end + 1)  # type: ignore[misc]

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        d = ref.date() + dt.timedelta(days=offset)
        v = day_val(d, "relative")
        if wd_value is not None and d.weekday() != wd_value:
            v.conflict = True
        return v

    return Parse(end, res, kind="relative")


def r_weekday(ctx: ParserCore, i: int) -> Parse | None:
    """"الخميس", "يوم الخميس الماضي", "الأحد من الأسبوع المقبل"."""
    j = i
    if ctx.is_(j, "يوم"):
        j += 1
    if ctx.is_(j, "هذا", "هذه"):
        j += 1
    wd = ctx.weekday(j)
    if not wd:
        return None
    wd_value, end = wd
    mod = ctx.modifier(end)
    week_offset: int | None = None
    if mod:
        end += 1
    elif ctx.is_(end, "الاسبوع") or (ctx.is_(end, "من") and ctx.is_(end + 1, "الاسبوع")):
        e2 = end + (1 if ctx.is_(end, "الاسبوع") else 2)
        if ctx.is_(end, "من") and ctx.is_(e2, "هذا"):
            e2 += 1
        wmod = ctx.modifier(e2)
        if wmod:
            week_offset = {"past": -1, "current": 0, "future": 1}[wmod]
            end = e2 + 1
    elif ctx.is_(end, "من") and ctx.is_(end + 1, "هذا") and ctx.is_(end + 2, "الاسبوع"):
        week_offset, end = 0, end + 3

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        if week_offset is not None:
            monday = ref.date() - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=week_offset)
            return day_val(monday + dt.timedelta(days=wd_value), "weekday")
        if mod == "past":
            return day_val(weekday_date(wd_value, ref, "past", strict=True), "weekday")
        if mod == "future":
            return day_val(weekday_date(wd_value, ref, "future", strict=True), "weekday")
        return day_val(weekday_date(wd_value, ref, direction, strict=False), "weekday")

    return Parse(end, res, kind="weekday")


def r_period(ctx: ParserCore, i: int) -> Parse | None:
    """"الأسبوع الماضي", "هذا الشهر", "السنة القادمة", "العام الجاري"."""
    j = i
    this = ctx.is_(j, "هذا", "هذه")
    if this:
        j += 1
    w = ctx.forms(j)
    unit = None
    for f in w:
        if f.startswith("ال") and f[2:] in ctx.lex.units and ctx.lex.units[f[2:]][1] == 1:
            unit = ctx.lex.units[f[2:]][0]
            break
    if unit is None or unit not in ("day", "week", "month", "year"):
        return None
    end = j + 1
    mod = ctx.modifier(end)
    if mod:
        end += 1
    elif not this:
        return None
    offset = {"past": -1, "current": 0, "future": 1, None: 0}[mod]
    if unit == "day" and offset != 0:
        return None  # "اليوم الماضي" is in relative_days
    u = unit

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        v = period(ref, u, offset)
        v.kind = "relative"
        return v

    return Parse(end, res, kind="relative")


def amount_unit(ctx: ParserCore, i: int) -> tuple[int, str, int] | None:
    """"3 أيام", "يومين", "أسبوع", "الـ 24 ساعة" → (count, unit, end)."""
    j = i
    if ctx.word(j) == "ال":
        j += 1
    f = ctx.word(j)
    if f in ctx.lex.units:
        u, c = ctx.lex.units[f]
        if c is not None:
            return c, u, j + 1
    if f.startswith("ال") and f[2:] in ctx.lex.units and ctx.lex.units[f[2:]][1] == 2:
        return 2, ctx.lex.units[f[2:]][0], j + 1
    num = ctx.number(j)
    if num:
        value, e = num
        w = ctx.word(e)
        for cand in (w, w[2:] if w.startswith("ال") else w):
            if cand in ctx.lex.units:
                return value, ctx.lex.units[cand][0], e + 1
    return None


def r_ago(ctx: ParserCore, i: int) -> Parse | None:
    """"قبل يومين", "منذ ساعتين", "قبل 3 أشهر", "بعد 3 أيام"."""
    if ctx.is_(i, "قبل", "منذ"):
        sign = -1
    elif ctx.is_(i, "بعد") or (ctx.is_(i, "في") and ctx.number(i + 1)):
        sign = 1
    else:
        return None
    au = amount_unit(ctx, i + 1)
    if not au:
        return _vague_ago(ctx, i) if sign == -1 else None
    count, unit, end = au
    if sign == 1 and ctx.is_(i, "بعد") and ctx.is_(end, "من"):
        # "بعد يومين من مقتل ثلاثة مدنيين": what "من" names happened that long before, not after
        sign = -1

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        t = shift(ref, unit, sign * count)
        g = unit if unit in ("second", "minute", "hour") else ("day" if unit in ("day", "week") else unit)
        if g == "day":
            return day_val(t.date(), "relative")
        if g in ("month", "year"):
            v = period(t, g, 0)
            v.kind = "relative"
            return v
        return Val(t, t + dt.timedelta(seconds=1), g, "relative")

    return Parse(end, res, kind="relative")


# "منذ أيام", "قبل بضعة أيام", "منذ عدة أسابيع": some units back, at most this many.
_VAGUE_AMOUNTS = frozenset({"بضعه", "بضع", "عده"})
_VAGUE_SPAN = {"day": 7, "week": 4, "month": 6}


def _vague_ago(ctx: ParserCore, i: int) -> Parse | None:
    """"منذ أيام" and the like: an imprecise stretch before the reference (from a unit back to the
    most the plural may mean), dated by its start with the unit above as its grain ("أيام" → week),
    never the reference day itself."""
    j = i + 1
    if ctx.word(j) in _VAGUE_AMOUNTS:
        j += 1
    form = ctx.word(j)
    unit, count = ctx.lex.units.get(form, (None, 1))
    if unit not in _VAGUE_SPAN or count is not None:
        return None  # only a bare plural unit ("أيام", not "يومين") is vague
    most = _VAGUE_SPAN[unit]
    grain = {"day": "week", "week": "month", "month": "year"}[unit]

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        first, last = midnight(shift(ref, unit, -most).date()), midnight(shift(ref, unit, -1).date())
        return Val(first, last + dt.timedelta(days=1), grain, "relative")

    return Parse(j + 1, res, kind="relative")
