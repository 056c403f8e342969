"""Rules for parts of the day and clock times, alone or after a date."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from rasid.text.numbers import is_digit
from rasid.text.timex.core import ParserCore, TokView
from rasid.text.timex.values import Parse, Resolver, Val, field_value, midnight

if TYPE_CHECKING:
    from rasid.text.timex.core import ParserCore


def with_clock(ctx: ParserCore, p: Parse) -> Parse:
    """A date followed by a clock time or a part-of-day adverb ("الخميس الساعة 8", "اليوم صباحا")."""
    j = p.end
    if ctx.word(j) in ("،", ","):
        j += 1
    clock = ctx.r_clock(j)
    if clock is None and p.kind != "interval":
        # "الخميس من الساعة التاسعة وحتى الساعة الحادية عشرة": a clock range on that day.
        rng = ctx.r_range(j)
        if rng is not None and ctx.r_clock(j + 1) is not None:
            clock = rng
    if clock and p.kind != "interval":
        date_res = p.resolve
        clock_res = clock.resolve

        def both(ref: dt.datetime | None, direction: str) -> Val | None:
            d = date_res(ref, direction)
            if d is None:
                return None
            c = clock_res(d.start, "same")
            return c if c else d

        return Parse(clock.end, both, p.absolute, p.kind)
    k, pod = ctx.phrase(p.end, ctx.lex.pod_adverbs)
    if k and p.kind in ("date", "weekday", "relative"):
        base = p.resolve

        def with_pod(ref: dt.datetime | None, direction: str) -> Val | None:
            d = base(ref, direction)
            if d is None:
                return None
            return ctx.pod_val(d.start, pod, d)

        return Parse(p.end + k, with_pod, p.absolute, p.kind)
    return p


def r_pod_noun(ctx: ParserCore, i: int) -> Parse | None:
    """"مساء الخميس", "فجر اليوم", "ليلة السبت", "الليلة الماضية", "صباح أمس"."""
    k, pod = ctx.phrase(i, ctx.lex.pod_nouns)
    if not k:
        return None
    j = i + k
    if ctx.is_(j, "يوم"):
        j += 1
    inner = None
    for rule in (ctx.r_relative_day, ctx.r_weekday, ctx.r_calendar):
        p = rule(j)
        if p and (inner is None or p.end > inner.end):
            inner = p
    if inner is None:
        if pod == "night" and ctx.word(i).startswith("ال"):
            mod = ctx.modifier(j)
            offset = -1 if mod == "past" else 0
            end = j + 1 if mod else j

            def night(ref: dt.datetime | None, direction: str) -> Val | None:
                if ref is None:
                    return None
                d = midnight(ref.date()) + dt.timedelta(days=offset)
                return ctx.pod_val(d, "night")

            return Parse(end, night, kind="relative")
        return None
    base = inner.resolve
    # "ليلة الخميس" in Arabic usage is the night before Thursday (the eve).
    eve = pod == "night" and ctx.word(i).startswith("ليل") and inner.kind == "weekday"

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        d = base(ref, direction)
        if d is None:
            return None
        start = d.start - dt.timedelta(days=1) if eve else d.start
        return ctx.pod_val(start, pod, d)

    return Parse(inner.end, res, inner.absolute, inner.kind)


def clock_hour(ctx: ParserCore, i: int) -> tuple[int, int, int | None] | None:
    """Hour (and minutes for "3:18") at i → (hour, end, minute); seconds go to `ctx.seconds`."""
    t = ctx.toks[i] if i < ctx.n else None
    ctx.seconds = 0
    if t is None:
        return None
    glued = i + 2 < ctx.n and t[2] == ctx.toks[i + 1][1] and ctx.toks[i + 1][2] == ctx.toks[i + 2][1]
    if is_digit(t) and glued and ctx.word(i + 1) == ":" and is_digit(ctx.toks[i + 2]):
        h, m = field_value(t[0]), field_value(ctx.toks[i + 2][0])
        end = i + 3
        if ctx.word(end) == ":" and end + 1 < ctx.n and is_digit(ctx.toks[end + 1]):
            sec = field_value(ctx.toks[end + 1][0])
            if sec is not None and sec < 60:
                ctx.seconds = sec
            end += 2
        if h is not None and m is not None and h <= 24 and m < 60:
            return h, end, m
        return None
    hit = ctx.ordinal(i) or ctx.number(i)
    if hit and hit[1] > i + 1 and not is_digit(t):
        # "ثلاثة وثمانية عشرة دقيقة" is 3:18, not 21: the hour stops before the first "و" word.
        cut = next((k for k in range(i + 1, hit[1]) if ctx.word(k).startswith("و")), None)
        if cut is not None:
            sub = ParserCore(ctx.toks[i:cut])
            short = sub.ordinal(0) or sub.number(0)
            if short and short[1] == cut - i:
                hit = (short[0], cut)
    if hit and 0 <= hit[0] <= 24:
        return hit[0], hit[1], None
    return None


def r_clock(ctx: ParserCore, i: int) -> Parse | None:
    """"الساعة 3", "عند الثالثة والربع عصرا", "08:15 م", "10:05:30", "منتصف الليل"."""
    k, named = ctx.phrase(i, ctx.lex.clock_names or {})
    if k:
        return _named_hour(i + k, int(named))
    j = i
    if ctx.is_(j, "عند", "حوالي", "بحدود", "قرابه", "نحو", "في"):
        j += 1
    has_word = any(f in ctx.lex.clock_words for f in ctx.forms(j))
    if has_word:
        j += 1
    ch = clock_hour(ctx, j)
    if not ch:
        return None
    hour, j, minute = ch
    sec = ctx.seconds
    colon = minute is not None
    is_ordinal = ctx.ordinal(j - 1) is not None and not is_digit(ctx.toks[j - 1])
    if minute is None:
        hour, minute, j = _minutes_after(ctx, hour, j)
    k, pod = ctx.phrase(j, ctx.lex.pod_adverbs)
    suffixes = ctx.lex.clock_suffixes or {}
    if not k and colon and ctx.word(j) in suffixes:
        # "08:15 م": a one-letter am/pm mark, only trusted right after a written time.
        k, pod = 1, suffixes[ctx.word(j)]
    end = j + k
    if not (has_word or colon or k):
        return None
    if not has_word and not colon and not is_ordinal and not k:
        return None
    grain = "second" if sec else ("minute" if (minute or colon) else "hour")
    return Parse(end, _clock_resolver(ctx.lex.pod_hours, hour, minute, sec, pod, grain), kind="date")


def _named_hour(end: int, hour_of: int) -> Parse:
    """A named hour ("منتصف الليل") on the reference day."""

    def res_named(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        t = ref.replace(hour=hour_of, minute=0, second=0, microsecond=0)
        return Val(t, t + dt.timedelta(hours=1), "hour", "date")

    return Parse(end, res_named, kind="date")


def _minutes_after(ctx: ParserCore, hour: int, j: int) -> tuple[int, int, int]:
    """Minutes told after an hour in words: "والربع", "وعشر دقائق", "إلا ربعا" → (hour, minute, end)."""
    minute = 0
    if ctx.word(j) == "و" or ctx.word(j).startswith("و"):
        jj = j + 1 if ctx.word(j) == "و" else j
        f = ctx.word(jj) if ctx.word(j) == "و" else ctx.word(j)[1:]
        if f in ctx.lex.hour_fractions:
            minute, j = ctx.lex.hour_fractions[f], jj + 1
        else:
            toks2 = TokView((f, 0, 0) if ctx.word(j) != "و" else None, ctx.toks, jj)
            sub = ParserCore(toks2)
            num = sub.number(0)
            if num and num[0] < 60:
                e = jj + num[1] if ctx.word(j) == "و" else j + num[1]
                if ctx.word(e) in ctx.lex.minute_words:
                    e += 1
                minute, j = num[0], e
    elif ctx.is_(j, "الا") and ctx.word(j + 1) in ctx.lex.hour_fractions:
        minute = 60 - ctx.lex.hour_fractions[ctx.word(j + 1)]
        hour -= 1
        j += 2
    return hour, minute, j


def _clock_resolver(
    pod_hours: dict[str, tuple[int, int, bool]], h: int, m: int, sec: int, pod: str | None, grain: str
) -> Resolver:
    """The clock time h:m:sec on the reference day, in the afternoon for a pm part of the day; a
    bare hour of 12 or less is the nearest such time in the direction of reading."""

    def res(ref: dt.datetime | None, direction: str) -> Val | None:
        if ref is None:
            return None
        hh = h
        if pod is not None:
            _, _, pm = pod_hours[pod]
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
        return Val(t, t + dt.timedelta(minutes=1), grain, "date", pod=pod)

    return res
