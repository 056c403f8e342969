"""The parser: the core matchers plus every rule, memoised per token position, and `parse`, which
tries them in a fixed order at one position.

Rules are plain functions of (parser, position) grouped by kind in their own modules; they call
each other through the parser's attributes, so every call goes through the memo and the guard.
"""

from __future__ import annotations

from rasid.text.timex import clock, dates, holidays, intervals, nth, relative
from rasid.text.timex.core import ParserCore
from rasid.text.timex.guards import PARSE_ORDER, RULE_BITS, memo_rule, rule_mask
from rasid.text.timex.values import Parse


class Parser(ParserCore):
    r_now = memo_rule(relative.r_now)
    r_relative_day = memo_rule(relative.r_relative_day)
    r_weekday = memo_rule(relative.r_weekday)
    r_period = memo_rule(relative.r_period)
    r_ago = memo_rule(relative.r_ago)
    r_calendar = memo_rule(dates.r_calendar)
    r_numeric = memo_rule(dates.r_numeric)
    r_holiday = memo_rule(holidays.r_holiday)
    r_hijri = memo_rule(holidays.r_hijri)
    r_nth = memo_rule(nth.r_nth)
    r_pod_noun = memo_rule(clock.r_pod_noun)
    r_clock = memo_rule(clock.r_clock)
    r_within = memo_rule(intervals.r_within)
    r_since = memo_rule(intervals.r_since)
    r_range = memo_rule(intervals.r_range)

    def parse(self, i: int) -> Parse | None:
        best: Parse | None = None
        if i >= self.n:
            return None
        mask = rule_mask(self.toks[i][0])
        for name in PARSE_ORDER:
            if not mask & RULE_BITS[name]:
                continue  # the rule's own guard would return None
            p = getattr(self, name)(i)
            if p and (best is None or p.end > best.end):
                best = p
        if best is not None:
            best = clock.with_clock(self, best)
        return best
