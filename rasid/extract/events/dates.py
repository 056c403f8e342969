"""The dates of a sentence (from the entity stage's time mentions) and which of them date its event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from rasid.document import Mention
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.matching import Hit, PhraseSet
from rasid.extract.events.sentence import SentenceView

# A time of day dates its day.
_PRECISION = {"part_of_day": "day", "hour": "day", "minute": "day", "second": "day", "time": "day", "interval": "day"}
# Mentions whose words a "time" inside them misreads ("باب النيرب" is not the month آب).
_NAMES = ("place", "actor", "person", "outlet")


class TimeInfo(NamedTuple):
    start: int  # folded-sentence offsets
    end: int
    value: str  # ISO date
    precision: str
    ago: bool = False  # "منذ يومين", "منذ أيام": how long ago, not since when


def date_from_mention(m: Mention) -> tuple[str | None, str]:
    value = m.attrs.get("value")
    if isinstance(value, dt.date):
        value = value.isoformat()
    precision = str(m.attrs.get("precision") or "day")
    if precision == "interval" and m.attrs.get("grain"):
        precision = str(m.attrs["grain"])  # "منذ أيلول 2018": from a month on
    return (str(value)[:10] if value else None), _PRECISION.get(precision, precision)


def _holds_day(m: Mention, day: dt.date | None) -> bool:
    """A month or year that runs through `day` ("خلال العام الجاري", "هذا الشهر"): it frames the
    time up to the report, it dates no incident more finely than the report's own day."""
    if day is None or m.attrs.get("precision") not in ("month", "year") or m.attrs.get("kind") != "relative":
        return False  # ("في تموز" names the month: a range the coder keeps)
    lo, hi = str(m.attrs.get("value") or "")[:10], str(m.attrs.get("end_value") or "")[:10]
    return bool(lo and hi) and lo <= day.isoformat() <= hi


def sentence_times(
    view: SentenceView, mentions: Sequence[Mention], lex: EventLexicon, published: dt.date | None = None
) -> list[TimeInfo]:
    """The dated time mentions of a sentence, less those inside names, those that start a period
    and a month or year that holds the publication day."""
    out: list[TimeInfo] = []
    named = [(m.start, m.end) for m in mentions if m.type in _NAMES]
    for m in mentions:
        if m.type == "time" and any(s <= m.start < e or m.start <= s < m.end for s, e in named):
            continue
        if m.type == "time" and (_holds_day(m, published) or _bare_weekday(m)):
            continue
        if m.type == "time" and m.attrs.get("value") and m.attrs.get("kind") not in ("duration",):
            value, precision = date_from_mention(m)
            value = stated_weekday(m, value)
            value = _ahead(m, value, published)
            if value:
                ago = m.attrs.get("kind") == "relative" and m.attrs.get("precision") != "interval"
                out.append(TimeInfo(view.from_doc(m.start), view.from_doc(m.end), value, precision, ago))
    return _drop_anchors(view, out, lex)


def _bare_weekday(m: Mention) -> bool:
    """A lone weekday word without "ال" or "يوم" ("طنين اثنين من المتفجرات"): the numeral "two"
    or a common noun, read as a day only in a phrase the parser should not have taken alone."""
    if m.attrs.get("kind") != "weekday":
        return False
    from rasid.text.numbers import fold
    from rasid.text.timex import time_lexicon

    words = fold(m.text).split()
    return len(words) == 1 and words[0] in {fold(w) for w in time_lexicon().ambiguous_weekdays}


def _ahead(m: Mention, value: str | None, published: dt.date | None) -> str | None:
    """A window that opens on the publication day and runs on ("خلال الأسبوعين المقبلين"): what it
    dates is still to come, a forecast or a plan; it dates it by the window's end."""
    end = str(m.attrs.get("end_value") or "")[:10]
    if published is None or not value or not end or m.attrs.get("kind") != "interval":
        return value
    day = published.isoformat()
    return end if value >= day and end > (published + dt.timedelta(days=1)).isoformat() else value


def stated_weekday(m: Mention, value: str | None) -> str | None:
    """"اليوم الثلاثاء" in Thursday's paper, "أمس الأحد" in Wednesday's: a wire story's "today" or
    "yesterday" counts from the day it was written, the weekday it names is the day of the event
    (the latest such day on or before the relative one)."""
    if not value or m.attrs.get("kind") != "relative" or m.attrs.get("precision") != "day":
        return value
    from rasid.text.numbers import fold
    from rasid.text.timex import time_lexicon

    weekdays = time_lexicon().weekdays
    words = fold(m.text).split()
    if any(w.lstrip("و").startswith("غد") or w.lstrip("و") == "بعد" for w in words):
        return value  # ("بعد غد الاثنين" looks ahead: no day before it is meant)
    named = [weekdays[w] for w in words[1:] if w in weekdays]
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    if len(named) != 1 or day.weekday() == named[0]:
        return value
    return (day - dt.timedelta(days=(day.weekday() - named[0]) % 7)).isoformat()


def dates_prior_cause(
    view: SentenceView, lex: EventLexicon, main: Hit, hits: Sequence[Hit], at: int, links: PhraseSet | None = None
) -> bool:
    """The time at `at` follows "عقب/على خلفية ..." past the trigger and dates that cause, not the event.

    "قتل 3 مدنيين عقب غارة ... اليوم" keeps its date: the cause is an event word, the same incident.
    """
    for link in view.find(lex.background.prior_links if links is None else links):
        if not (main.end <= link.start and link.end < at) or view.words_between(link.end, at) < 1:
            continue
        if any(
            h.start != main.start and link.end <= h.start < at and view.words_between(link.end, h.start) <= 1
            for h in (*hits, *view.find(lex.triggers), *view.find(lex.anaphora))
        ):
            continue
        return True
    return False


def _drop_anchors(view: SentenceView, times: list[TimeInfo], lex: EventLexicon) -> list[TimeInfo]:
    """Times after "منذ" (since) date the start of a period, not the event."""
    rules = lex.background
    blockers = view.find(rules.date_blockers)
    if not blockers:
        return times

    def anchored(t: TimeInfo) -> bool:
        return any(
            t[0] <= b.start < t[1]
            or (
                b.end <= t[0]
                and view.words_between(b.end, t[0]) <= rules.date_blocker_window
                and view.clause_of(b.start, weak=True) == view.clause_of(t[0], weak=True)
            )
            for b in blockers
        )

    whens = view.find(rules.when_links)

    def opens_clause(t: TimeInfo) -> bool:
        return any(w.start >= t[1] and view.words_between(t[1], w.start) == 0 for w in whens)

    return [t for t in times if t.ago or not anchored(t) or opens_clause(t)]
