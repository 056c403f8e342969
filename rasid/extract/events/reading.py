"""Reading one sentence: its trigger hits that pass the filters, its casualty facts and sources,
grouped by clause segment into candidate events.

A segment with a trigger word starts a candidate; segments without one lend their casualty
counts to the nearest one. Running tolls ("حصيلة ... منذ بدء") are not an incident's count.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from rasid.document import Document, Mention
from rasid.extract.events import casualties as cas
from rasid.extract.events.attribution import find_attributions, find_deniers, find_hedges
from rasid.extract.events.candidate import Candidate, SentenceContext, build_candidate
from rasid.extract.events.dates import sentence_times
from rasid.extract.events.kinds import Plover, TriggerName
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.matching import Hit
from rasid.extract.events.roles import outside_place_clauses
from rasid.extract.events.sentence import ActorRef, DocIndex, NumberInfo, SentenceView, actor_ref
from rasid.extract.events.tolls import incident_facts
from rasid.extract.events.triggers import (
    describes_habit,
    direct_fire,
    drop_time_references,
    from_the_air,
    is_background,
    is_future,
    is_irrealis,
    negated_after,
    shot_down,
)


@dataclass(slots=True)
class SentenceSpot:
    """Where a sentence is: its span and index in the document, and its paragraph."""

    start: int
    end: int
    index: int
    paragraph: int


@dataclass(slots=True)
class _Mentions:
    """A sentence's mentions by the part they play, in folded-sentence offsets."""

    actors: list[ActorRef]
    outlets: list[tuple[int, int, str]]
    places: list[Mention]
    named: list[tuple[int, int]]  # outlets, places and persons: trigger words inside them are names
    actor_spans: list[tuple[int, int]]


def read_sentence(
    doc: Document, spot: SentenceSpot, mentions: Sequence[Mention], index: DocIndex, lex: EventLexicon,
    min_confidence: float,
) -> list[Candidate]:
    """The candidate events of one sentence."""
    view = SentenceView(doc.text, spot.start, spot.end, lex, index)
    if not view.words or view.folded.rstrip().endswith(("؟", "?")):
        return []  # a question asserts no event ("حلب.. انسحاب أم إعادة انتشار؟")
    hits = [h for h in view.find(lex.triggers) if h.payload is not None]
    words = lex.casualties
    if not hits and not any(view.find(ps) for ps in (words.killed_cues, words.killed_nouns, words.injured_cues, words.injured_nouns)):
        return []  # most sentences: nothing to code, skip the rest cheaply
    found = _sort_mentions(view, mentions)
    if found.named or found.actor_spans:
        # Trigger words inside names ("جبهة", "عملية ردع العدوان" ...) are not triggers.
        hits = [
            h for h in hits
            if not any(s <= h.start < e for s, e in found.named)
            and (h.payload[0].in_actor_names or not any(s <= h.start < e for s, e in found.actor_spans))
        ]
    numbers = _numbers(view, mentions)
    facts = _incident_facts(view, lex, cas.find_casualties(view, lex, numbers, found.actors))
    if not hits and not facts:
        return []
    hits, background = _news_hits(view, lex, hits)
    counted = [f for f in facts if f.count is not None]
    if not hits and not counted:
        return []
    if not hits and background:
        # The toll is told ("بعد يومين من مقتل ثلاثة جنود"), so the cause told after it is no
        # background either ("... أن سبب مقتلهم سقوط صاروخ غراد").
        hits = [h for h in background if h.start > counted[0].start and h.payload[0].name != TriggerName.KILL]
        if not hits:
            return []  # a toll in a sentence of context ("وتأتي المجزرة … أدى إلى مقتل مئات") is no incident's
    blockers = [h.start for h in hits] + [f.start for f in facts]
    attributions = find_attributions(view, lex, found.actors, found.outlets, blockers)
    attr_spans = [(a.start, a.end) for a in attributions]
    hits = [h for h in hits if not any(s <= h.start < e for s, e in attr_spans)]
    if not hits and not counted:
        # Every trigger was inside a source phrase ("وأكد مسؤول … الضربة") and no toll is told:
        # the sentence reports a statement, not an incident of its own.
        return []
    # (a cue inside a source's name, "وكالة الأنباء اليمنية", hedges nothing)
    hedges = [h for h in find_hedges(view, lex) if not any(s <= h.start < e for s, e in attr_spans)]
    ctx = SentenceContext(
        doc, view, lex, spot.index, spot.paragraph, found.actors, found.places, numbers, attributions, hedges,
        find_deniers(view, hedges, found.actors) if hedges else [], sentence_times(view, mentions, lex, doc.published),
        min_confidence,
    )
    return _candidates(ctx, hits, facts)


def _sort_mentions(view: SentenceView, mentions: Sequence[Mention]) -> _Mentions:
    out = _Mentions([], [], [], [], [])
    from_doc = view.from_doc
    for m in mentions:
        kind = m.type
        if kind == "actor":
            s, e = from_doc(m.start), from_doc(m.end)
            out.actors.append(actor_ref(s, e, m.kb_id, m.text, m.attrs))
            out.actor_spans.append((s, e))
        elif kind in ("outlet", "place", "person"):
            s, e = from_doc(m.start), from_doc(m.end)
            out.named.append((s, e))
            if kind == "outlet" and m.kb_id:
                out.outlets.append((s, e, m.kb_id))
            elif kind == "place":
                out.places.append(m)
            # (persons speak for actors; they appear through attribution text)
    return out


def _numbers(view: SentenceView, mentions: Sequence[Mention]) -> list[NumberInfo]:
    """The number mentions of the sentence (the entity stage read them)."""
    out: list[NumberInfo] = []
    for m in mentions:
        if m.type != "number":
            continue
        a = m.attrs
        ue = a.get("unit_end")
        out.append(
            NumberInfo(view.from_doc(m.start), view.from_doc(m.end), a.get("value"), str(a.get("bound") or "exact"),
                       str(a.get("kind") or "cardinal"), a.get("unit"), view.from_doc(ue) if ue is not None else None)
        )
    return out


def _incident_facts(view: SentenceView, lex: EventLexicon, facts: list[cas.CasualtyFact]) -> list[cas.CasualtyFact]:
    """Running and period totals, war tolls, statistics are not one incident's count; a rising
    toll of one incident is kept (see `rasid.extract.events.tolls`)."""
    return incident_facts(view, facts)


def _news_hits(view: SentenceView, lex: EventLexicon, hits: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """The trigger hits that tell news, and those dropped as background."""
    harmless = view.find(lex.not_event_phrases)
    if harmless:
        hits = [h for h in hits if not any(p.start <= h.start < p.end for p in harmless)]
    irrealis = view.find(lex.irrealis)
    negation = lex.negation
    negations = view.find(negation.forms)
    if irrealis or negations:
        hits = [h for h in hits if not is_irrealis(view, h, irrealis, negations, negation.window)]
    hits = [h for h in hits if not is_future(view, h, lex) and not describes_habit(view, h, lex)]
    hits = outside_place_clauses(view, lex, hits)  # ("الذي يسيطر على مساحات": who holds, not a capture)
    rules = lex.background
    only_named = view.find(rules.mention_only)
    if only_named:
        hits = [
            h for h in hits
            if not any(c.end <= h.word_start and view.words_between(c.end, h.word_start) == 0 for c in only_named)
        ]
    regular = view.find(rules.habitual)
    if regular:
        clauses = {view.clause_of(c.start, weak=True) for c in regular}
        hits = [h for h in hits if view.clause_of(h.start, weak=True) not in clauses]
    denied_after = view.find(negation.after)
    if denied_after:
        hits = [h for h in hits if not negated_after(view, h, denied_after, negation.after_window)]
    background: list[Hit] = []
    if view.find(rules.openers) or view.find(rules.context_openers) or view.find(rules.cues):
        background = [h for h in hits if is_background(view, h, lex)]
        hits = [h for h in hits if h not in background]
    hits = drop_time_references(view, hits, lex)
    return shot_down(view, lex, from_the_air(view, lex, direct_fire(view, lex, hits))), background


def _candidates(ctx: SentenceContext, hits: list[Hit], facts: list[cas.CasualtyFact]) -> list[Candidate]:
    """Triggers grouped by segment; facts go to their own segment or the nearest triggered one."""
    view, lex = ctx.view, ctx.lex
    segments = view.segments()
    seg_starts = [a for a, _ in segments]

    def seg_of(pos: int) -> int:
        return max(0, bisect.bisect_right(seg_starts, pos) - 1)

    by_seg: dict[int, list[Hit]] = {}
    for h in hits:
        by_seg.setdefault(seg_of(h.start), []).append(h)
    if not by_seg:
        first = facts[0]
        trig = lex.trigger_by_name[TriggerName.KILL]
        by_seg[seg_of(first.start)] = [Hit(first.start, first.end, "", (trig, lex.confidence.toll_only))]
    triggered = sorted(by_seg)
    fact_groups: dict[int, list[cas.CasualtyFact]] = {k: [] for k in triggered}
    for f in facts:
        if f.sub_of is not None:
            head_seg = next((k for k, v in fact_groups.items() if facts[f.sub_of] in v), triggered[0])
            fact_groups[head_seg].append(f)
            continue
        own = seg_of(f.start)
        target = own if own in fact_groups else min(triggered, key=lambda k: (abs(k - own), -k))
        fact_groups[target].append(f)
    ctx.virtual = not hits
    ctx.whole_sentence = len(triggered) == 1
    out = []
    for seg in triggered:
        seg_hits = by_seg[seg]
        # The generic "kill" words only set the type when nothing more specific is there.
        main = max(
            seg_hits,
            key=lambda h: (h.payload[0].name != TriggerName.KILL, h.payload[1] >= h.payload[0].weight,
                           h.payload[0].priority, -h.start),
        )
        if main.payload[0].plover == Plover.RETREAT:
            # a withdrawal and the capture it answers in one clause: the takeover is the event
            main = next((h for h in seg_hits if h.payload[0].name == TriggerName.TERRITORY and h.start > main.start), main)
        cand = build_candidate(ctx, segments[seg], main, seg_hits, fact_groups[seg])
        if cand is not None:
            out.append(cand)
    return split_listed(out)


def split_listed(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Each candidate with listed places becomes one candidate per place (in text order)."""
    out: list[Candidate] = []
    for c in candidates:
        if not c.listed:
            out.append(c)
            continue
        group = c.fields.evidence.start  # (the list's clause, unique in the article)
        for location in (c.fields.location, *c.listed):
            fields = dataclasses.replace(c.fields, location=location, killed=None, injured=None)
            spans = {k: v for k, v in c.spans.items() if k not in ("killed", "injured", "location")}
            member = frozenset({(group, str(location.place_id or location.name))}) if location else frozenset()
            out.append(dataclasses.replace(c, fields=fields, spans=spans, listed=[], round_up=True, round_ups=member))
    return out
