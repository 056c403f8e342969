"""The public API: `TimeMention`, `find_times` (every expression of a text) and `resolve` (one
whole phrase, with dateparser as the fallback)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from rasid.text.numbers import Folded, Tok, folded_text, text_tokens, text_words, tokenize, word_variants
from rasid.text.timex.lexicon import time_lexicon
from rasid.text.timex.parser import Parser
from rasid.text.timex.prefilter import start_candidates
from rasid.text.timex.values import Parse, Val

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


def _mention(text: str, start: int, end: int, p: Parse, v: Val | None) -> TimeMention:
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


def _resolved(p: Parse, ref: dt.datetime | None, direction: str) -> Val | None:
    """The parse's value, or None (unresolved) when the date falls outside years 1..9999.

    The rules do plain calendar arithmetic on whatever count the text gives ("قبل 7000 عام",
    "بعد 100000000000 يوم"); a date `datetime` cannot hold is no date, not a failed article.
    """
    try:
        return p.resolve(ref, direction)
    except (ValueError, OverflowError):
        return None


def _scan(
    folded: Folded,
    ref: dt.datetime | None,
    direction: str,
    prefilter: bool = True,
) -> tuple[list[Tok], list[tuple[int, int, Parse, Val | None]]]:
    """Greedy left-to-right matches as (first token, end token, parse, value), with the tokens."""
    if prefilter:
        # Decide on bare token strings first (the same regex as `tokenize`), skipping Tok objects
        # for texts without any temporal word; `parse` is then tried only at candidate positions.
        starts = start_candidates(text_words(folded.text))
        if not any(starts):
            return [], []
    toks = text_tokens(folded.text)
    if not prefilter:
        starts = [True] * len(toks)
    parser = Parser(toks)
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
        v = _resolved(p, ref, direction) if (ref is not None or p.absolute) else None
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
    v = Val(got, got + dt.timedelta(days=1), grain)
    return _mention(phrase, 0, len(phrase), Parse(0, lambda r, d: v), v)
