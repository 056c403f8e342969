"""Which casualty counts are one incident's toll, and which are totals.

News reports give, next to an incident's dead, running totals ("وبذلك ترتفع الحصيلة"), counts over a
period ("منذ 15 نوفمبر", "خلال شهر حزيران", "منذ اندلاع الأزمة"), a war's toll ("مئات الآلاف من
القتلى"), statistics ("وأوضح التقرير أن…"), and people counted for something else (a crowd, the
displaced, prisoners, fighters). None of them is an incident's fatalities (ACLED, UCDP GED). A rising
toll of one incident ("ارتفعت حصيلة ضحايا التفجير إلى 30") is kept and marked `rising`: it updates
that incident, the highest figure winning. The cue words live in `data/tolls.yaml`, checked on load
(errors name the file and line).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from rasid.extract.events.matching import Hit, PhraseSet
from rasid.extract.events.sentence import SentenceView
from rasid.extract.events.yaml_lines import Reader, read_data_file, words


class _Fact(Protocol):
    """What this module reads of a `casualties.CasualtyFact` (a dataclass; imported by it, not here)."""

    start: int
    end: int
    sub_of: int | None
    low: int | None
    best: int | None


CasualtyFact = TypeVar("CasualtyFact", bound=_Fact)

__all__ = ["TollRules", "incident_facts", "load_toll_rules", "period_cues", "toll_rules"]

DEFAULT_PATH = "rasid/extract/data/tolls.yaml"


@dataclass(frozen=True, eq=False)
class TollRules:
    """The cue words and limits of `data/tolls.yaml` (see the comments there)."""

    period: PhraseSet
    window_before: int
    window_after: int
    since: PhraseSet
    same_day: frozenset[str]
    state_words: frozenset[str]
    during: PhraseSet
    spans: frozenset[str]
    spans_window: int
    parallel: PhraseSet
    totals: PhraseSet
    totals_window: int
    totals_after: int
    incident_nouns: PhraseSet
    campaign_nouns: PhraseSet
    reports: PhraseSet
    not_victim_cues: PhraseSet
    not_victim_units: frozenset[str]
    mixed: PhraseSet
    mixed_window: int
    vague_war_low: int
    large_toll: int
    single_incident: PhraseSet


@lru_cache(maxsize=1)
def toll_rules() -> TollRules:
    return load_toll_rules()


def _forms(sec: Reader, key: str) -> list[str]:
    return sec.check_items(key, lambda v: isinstance(v, str) and bool(v.strip()), "expected a non-empty word")


def _positive(sec: Reader, key: str) -> int:
    value = sec.number(key)
    if value <= 0:
        raise sec.error(key, "must be a positive number")
    return int(value)


def load_toll_rules(path: str | None = None) -> TollRules:
    """Read and check `data/tolls.yaml` (or `path`)."""
    where = path or DEFAULT_PATH
    data = read_data_file("tolls.yaml", path, "toll rules")
    top = Reader(data, where, "")
    top.get("version", int, required=False)
    per, tot, nv = top.sub("period"), top.sub("totals"), top.sub("not_victims")
    rules = TollRules(
        period=PhraseSet(_forms(per, "cues")),
        window_before=_positive(per, "window_before"),
        window_after=_positive(per, "window_after"),
        since=PhraseSet(_forms(per, "since")),
        same_day=words(_forms(per, "same_day")),
        state_words=words(_forms(per, "state_words")),
        during=PhraseSet(_forms(per, "during")),
        spans=words(_forms(per, "spans")),
        spans_window=_positive(per, "spans_window"),
        parallel=PhraseSet(_forms(per, "parallel")),
        totals=PhraseSet(_forms(tot, "cues")),
        totals_window=_positive(tot, "window"),
        totals_after=_positive(tot, "after_window"),
        incident_nouns=PhraseSet(_forms(tot, "incident_nouns")),
        campaign_nouns=PhraseSet(_forms(tot, "campaign_nouns")),
        reports=PhraseSet(_forms(top, "reports")),
        not_victim_cues=PhraseSet(_forms(nv, "cues")),
        not_victim_units=words(_forms(nv, "units")),
        mixed=PhraseSet(_forms(top, "mixed")),
        mixed_window=_positive(top, "mixed_window"),
        vague_war_low=_positive(top, "vague_war_low"),
        large_toll=_positive(top, "large_toll"),
        single_incident=PhraseSet(_forms(top, "single_incident")),
    )
    for sec in (per, tot, nv, top):
        sec.finish()
    return rules


def _bare(word: str) -> str:
    """A word without one proclitic و/ف/ب/ل (for word-set look-ups)."""
    return word[1:] if len(word) > 3 and word[0] in "وفبل" else word


def _in_set(word: str, forms: frozenset[str]) -> bool:
    return word in forms or _bare(word) in forms


def period_cues(view: SentenceView, rules: TollRules) -> list[Hit]:
    """The cues of a period in the sentence: "منذ بداية", "منذ 15 نوفمبر", "خلال شهر حزيران"."""
    found = list(view.find(rules.period))
    for h in view.find(rules.since):
        after = [w for _s, _e, w in view.words_from(h.end, 2)]
        if after and (_in_set(after[0], rules.same_day) or " ".join(after) in rules.same_day):
            continue  # "منذ صباح اليوم": the same day's incident
        if any(_in_set(w, rules.state_words) for _s, _e, w in view.words_before(h.start, 4)):
            continue  # "المحاصرة منذ 2013": the date of a state, not of a toll
        found.append(h)
    for h in view.find(rules.during):
        if any(_in_set(w, rules.spans) for _s, _e, w in view.words_from(h.end, rules.spans_window)):
            found.append(h)
    return found


def _in_period(view: SentenceView, rules: TollRules, cues: Sequence[Hit], f: _Fact) -> bool:
    clause = view.clause_of(f.start)
    for c in cues:
        if view.clause_of(c.start) != clause:
            continue
        if c.end <= f.start and view.words_between(c.end, f.start) <= rules.window_before:
            return True
        if c.start >= f.end and view.words_between(f.end, c.start) <= rules.window_after:
            return True
    return False


def _total_kind(view: SentenceView, rules: TollRules, cues: Sequence[Hit], f: _Fact) -> str | None:
    """"rising" when a "حصيلة" cue before the count names one incident, "total" when it names a
    campaign or nothing, None without a cue."""
    clause = view.clause_of(f.start)

    def named(cue: Hit, stop: int, nouns: PhraseSet) -> bool:
        words = view.words_from(cue.end, rules.totals_window)
        limit = min(stop, words[-1][1]) if words else cue.end
        return any(cue.end <= h.start < limit for h in view.find(nouns))

    # ("لقي 1332 عراقيا مصرعهم … في حصيلة جديدة لضحايا أعمال العنف": a campaign's toll named after the count)
    after = [
        c for c in cues
        if c.start >= f.end and view.clause_of(c.start) == clause and view.words_between(f.end, c.start) <= rules.totals_after
    ]
    if any(named(c, len(view.folded), rules.campaign_nouns) for c in after):
        return "total"
    cue = next((c for c in reversed(cues) if c.end <= f.start and view.clause_of(c.start) == clause), None)
    if cue is None:
        return None
    if named(cue, f.start, rules.campaign_nouns):
        return "total"
    return "rising" if named(cue, f.start, rules.incident_nouns) else "total"


def incident_facts(view: SentenceView, facts: list[CasualtyFact]) -> list[CasualtyFact]:
    """The facts of a sentence that count one incident's casualties; totals are left out, a rising
    toll of one incident is kept with `rising` set."""
    if not facts:
        return facts
    rules = toll_rules()
    periods = period_cues(view, rules)
    totals = view.find(rules.totals)
    report = bool(view.find(rules.reports))
    single = bool(view.find(rules.single_incident))
    rising: set[int] = set()
    in_period = [f.sub_of is None and bool(periods) and _in_period(view, rules, periods, f) for f in facts]
    parallel = view.find(rules.parallel) if any(in_period) else []

    def beside_total(f: CasualtyFact) -> bool:
        """Joined by "في حين" to a period total told before it in the sentence."""
        return any(
            in_period[k] and g.end <= p.start and p.end <= f.start
            for k, g in enumerate(facts) for p in parallel
        )

    def drop(i: int, f: CasualtyFact) -> bool:
        if f.sub_of is not None:
            return False
        if report or in_period[i] or (parallel and beside_total(f)):
            return True
        if f.low is not None and f.best is None and f.low >= rules.vague_war_low:
            return True  # "مئات الآلاف من القتلى": a war's toll
        size = f.best if f.best is not None else f.low
        if size is not None and size > rules.large_toll and not single:
            return True
        kind = _total_kind(view, rules, totals, f) if totals else None
        if kind == "rising":
            rising.add(i)
        return kind == "total"

    kept = _drop_facts(facts, drop)
    if not rising:
        return kept
    marked = {id(facts[i]) for i in rising}
    return [_replace(f, rising=True) if id(f) in marked else f for f in kept]


def _drop_facts(facts: Sequence[CasualtyFact], drop: Callable[[int, CasualtyFact], bool]) -> list[CasualtyFact]:
    """Remove facts (and the breakdowns of removed ones), keeping `sub_of` indices right."""
    gone: set[int] = set()
    for i, f in enumerate(facts):
        if drop(i, f) or (f.sub_of is not None and f.sub_of in gone):
            gone.add(i)
    new_index: dict[int, int] = {}
    out: list[CasualtyFact] = []
    for i, f in enumerate(facts):
        if i in gone:
            continue
        new_index[i] = len(out)
        out.append(f if f.sub_of is None else _replace(f, sub_of=new_index.get(f.sub_of)))
    return out


def _replace(fact: CasualtyFact, **changes: Any) -> CasualtyFact:
    return dataclasses.replace(fact, **changes)  # type: ignore[type-var]
