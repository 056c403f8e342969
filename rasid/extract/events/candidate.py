"""One candidate event from a trigger of a sentence: its roles, type, place, date, sources, hedge
and confidence. `SentenceContext` holds what the sentence offers every candidate it starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rasid.document import Document, Mention, Span
from rasid.extract.events import casualties as cas
from rasid.extract.events.actor_text import checked_actor
from rasid.extract.events.attribution import Attribution, Hedge
from rasid.extract.events.camps import sides_by_camp
from rasid.extract.events.dates import TimeInfo, dates_prior_cause
from rasid.extract.events.fields import (
    EventFields,
    Evidence,
    Location,
    ProtestTarget,
    RoleActor,
    Victims,
    role_id,
)
from rasid.extract.events.incident_rules import IncidentRules, incident_rules
from rasid.extract.events.kinds import (
    CIVILIAN_CATEGORIES,
    DENIAL,
    INJURED,
    KILLED,
    VIOLENT_TYPES,
    Acled,
    Category,
    DateFrom,
    Plover,
    TriggerName,
)
from rasid.extract.events.lexicon import EventLexicon, Trigger
from rasid.extract.events.matching import Hit
from rasid.extract.events.resolvers import Resolution, resolve
from rasid.extract.events.roles import (
    apply_syntax,
    conjoined,
    fallback_roles,
    led_by,
    mention_roles,
    nationality_of_means,
    next_opponent,
    referred,
    self_reporter,
    source_actor_before,
    strip_lead,
    victims_not_actor1,
)
from rasid.extract.events.roundup import coordinated_with, list_locations, listed_with, named_list
from rasid.extract.events.sentence import ActorRef, NumberInfo, SentenceView
from rasid.extract.events.syntax import syntax_roles
from rasid.extract.events.triggers import is_recalled
from rasid.extract.events.victims import victims_as_target


@dataclass(slots=True)
class Candidate:
    """An event read from one sentence (or several, once merged)."""

    trigger: Trigger
    event_type: str
    sub_event_type: str
    fields: EventFields
    spans: dict[str, list[Span]]
    confidence: float
    sentence_index: int
    paragraph: int
    virtual: bool = False  # a toll with no event word of its own
    weak: bool = False  # started by a weak trigger form ("هجوم", "قصف"): a loose word, often a restatement
    anaphoric: bool = False  # refers back to an incident already told ("الغارة", "الهجوم")
    # the trigger itself is the noun referring back ("الغارة نفذتها"), not another event word beside it
    # ("أسفرت المعارك عن السيطرة على قرية X" tells a new capture at a new place)
    told_again: bool = False
    recalled: bool = False  # pluperfect "وكانت X قد ...": an earlier development the report recalls
    # Other places the clause lists beside the location ("قرى المشيك والزيارة وتل واسط"): one
    # incident each (`roundup.split_listed`).
    listed: list[Location] = field(default_factory=list)
    round_up: bool = False  # one of the places of such a list, split off as its own incident
    # (list, place) of each round-up place this candidate holds: two places of one list stay two
    # incidents however they are merged with the rest of the article (`merging._rival_round_ups`)
    round_ups: frozenset[tuple[int, str]] = frozenset()


@dataclass(slots=True)
class SentenceContext:
    """What one sentence offers each candidate event it starts (folded-sentence offsets)."""

    doc: Document
    view: SentenceView
    lex: EventLexicon
    index: int  # the sentence's index in the document
    paragraph: int
    actors: Sequence[ActorRef]
    places: Sequence[Mention]
    numbers: Sequence[NumberInfo]
    attributions: Sequence[Attribution]
    hedges: Sequence[Hedge]
    deniers: Sequence[ActorRef]
    times: Sequence[TimeInfo]
    min_confidence: float
    virtual: bool = False  # no trigger word: the candidates are tolls alone
    whole_sentence: bool = False  # one triggered segment: the candidate reads the whole sentence
    place_spans: list[tuple[int, int]] = field(default_factory=list)
    attr_spans: list[tuple[int, int]] = field(default_factory=list)  # the source phrases

    def __post_init__(self) -> None:
        self.place_spans = [(self.view.from_doc(p.start), self.view.from_doc(p.end)) for p in self.places]
        self.attr_spans = [(a.start, a.end) for a in self.attributions]


@dataclass(slots=True)
class _Draft:
    """A candidate being coded: its trigger, segment, casualties and roles so far."""

    main: Hit
    seg_hits: Sequence[Hit]
    facts: Sequence[cas.CasualtyFact]
    lo: int
    hi: int
    killed: dict[str, Any] | None
    injured: dict[str, Any] | None
    spans: dict[str, list[Span]]
    civilians_hit: bool = False  # civilians among the killed or hurt (counted or reported)
    players: list[ActorRef] = field(default_factory=list)
    actor1: RoleActor | None = None
    actor2: RoleActor | None = None
    assoc: list[RoleActor] = field(default_factory=list)
    denied_by: list[ActorRef] = field(default_factory=list)
    listed: list[Location] = field(default_factory=list)  # other places of a round-up listed with the location
    launched_from: str | None = None  # the country a strike or a shell came from (its attacker's)

    @property
    def trigger(self) -> Trigger:
        trig: Trigger = self.main.payload[0]
        return trig


def build_candidate(
    ctx: SentenceContext, segment: tuple[int, int], main: Hit, seg_hits: Sequence[Hit], facts: Sequence[cas.CasualtyFact]
) -> Candidate | None:
    """The candidate event `main` starts in `segment`, or None when it is too vague or too unsure."""
    view = ctx.view
    trig, weight = main.payload
    killed = cas.summarize(facts, KILLED)
    injured = cas.summarize(facts, INJURED)
    if trig.name == TriggerName.KILL and weight < trig.weight and not (killed or injured):
        return None  # "استهدف"/"ضرب" alone, with nobody hurt, is too vague to code
    spans: dict[str, list[Span]] = {"trigger": [view.span(main.start, main.end)]}
    if facts:
        for kind in (KILLED, INJURED):
            kspans = [view.span(f.start, f.end) for f in facts if f.kind == kind]
            if kspans:
                spans[kind] = kspans
    lo, hi = (0, len(view.folded)) if ctx.whole_sentence else segment
    civ_hit = any(r and (r.get("civilians") or "civilians" in r.get("categories_reported", [])) for r in (killed, injured))
    d = _Draft(main, seg_hits, facts, lo, hi, killed, injured, spans, civ_hit)
    _cast_roles(ctx, d)
    _settle_roles(ctx, d)
    event_type, sub_type = _resolve_type(ctx, d)
    if event_type in (Acled.REMOTE_VIOLENCE, Acled.VIOLENCE_AGAINST_CIVILIANS):
        d.actor1, d.actor2 = victims_not_actor1(ctx.view, d.actor1, d.actor2, d.facts, (d.killed, d.injured))
    victims, protest_target = _targets(ctx, d, event_type, sub_type)
    event_type, sub_type = _one_sided_killing(ctx, d, event_type, sub_type, victims)
    location = _location(ctx, d)
    date, precision, date_from = _date(ctx, d)
    sources, hedge = _sources_and_hedge(ctx, d)
    confidence = _confidence(ctx, d, weight, location is not None, date is not None, bool(sources))
    if confidence < ctx.min_confidence:
        return None
    if hedge is not None:
        confidence -= ctx.lex.confidence.hedged
    evidence = _close_spans(ctx, d, sub_type)
    fields = EventFields(
        plover_type=trig.plover,
        plover_mode=trig.plover_mode,
        trigger=view.original(main.start, main.end),
        actor1=d.actor1,
        actor2=d.actor2,
        assoc_actors=d.assoc,
        victims=victims,
        protest_target=protest_target,
        location=location,
        date=date,
        date_precision=precision,
        date_from=date_from,
        killed=killed,
        injured=injured,
        attributed_to=list(sources),
        hedged=hedge is not None,
        hedge_cue=view.original(hedge.start, hedge.start + len(hedge.cue)) if hedge else None,
        hedge_kind=hedge.kind if hedge else None,
        denied_by=d.denied_by,
        evidence=evidence,
        sentence_index=ctx.index,
    )
    if location is not None and d.launched_from and d.launched_from != location.country:
        fields.launched_from = d.launched_from
    back = [h for h in view.find(ctx.lex.anaphora) if lo <= h.start < hi]
    told_again = any(h.start <= main.start < h.end or main.start <= h.start < main.end for h in back)
    return Candidate(
        trig, event_type, sub_type, fields, spans, round(min(confidence, ctx.lex.confidence.cap), 3), ctx.index,
        ctx.paragraph, ctx.virtual, weak=weight < trig.weight, anaphoric=bool(back),
        recalled=is_recalled(view, main, ctx.lex), told_again=told_again,
        listed=d.listed,
    )


def _cast_roles(ctx: SentenceContext, d: _Draft) -> None:
    """actor1, actor2 and associated actors from the mentions, the words and the clause."""
    view, lex, main = ctx.view, ctx.lex, d.main
    attr_spans = ctx.attr_spans
    # Actors outside the attribution phrases play roles in the event.
    players = [a for a in ctx.actors if not any(s <= a.start < e for s, e in attr_spans)] if attr_spans else list(ctx.actors)
    if not ctx.whole_sentence:
        players = [a for a in players if d.lo <= a.start < d.hi]
    holders = view.find(lex.roles.controlled_by)
    if holders:
        players = [a for a in players if not any(h.end <= a.start and view.words_between(h.end, a.start) == 0 for h in holders)]
    d.players = players
    actor1, actor2, d.assoc = mention_roles(view, lex, players, main, d.lo, d.hi)
    if not ctx.actors:
        # No actor mention in the sentence: approximate actors by the words around the trigger
        # (unlinked: id None), unless civilian victims already say who was targeted.
        actor1, fallback2 = fallback_roles(view, lex, main, d.lo, d.hi, [*attr_spans, *ctx.place_spans])
        victims_known = any(r and r.get("civilians") for r in (d.killed, d.injured))
        actor2 = None if victims_known else fallback2
    # Who did it to whom, read from the clause: the subject and object of the event verb.
    syntax = syntax_roles(view, lex, main, d.lo, d.hi, ctx.numbers, [*attr_spans, *ctx.place_spans])
    if syntax is not None:
        actor1, actor2 = apply_syntax(syntax, players, actor1, actor2, view, lex.role_actors.protesters)
    unknown = lex.roles.unknown_perpetrators
    if role_id(actor2) in unknown:
        # 'قذائف "مجهولة المصدر"': an unknown hand fired them; nobody named elsewhere did
        civilians = next((a for a in players if a.side == "civilian" and a.id not in unknown), None)
        actor1, actor2 = actor2, (RoleActor.of(civilians) if civilians is not None else None)
    if actor1 is None or not actor1.id:
        # ("طائرة مسيرة تركية": the nationality after the means, over words guessed nearby)
        actor1 = nationality_of_means(view, lex, main) or actor1
    d.actor1 = referred(view, lex, actor1, ctx.actors)
    d.actor2 = referred(view, lex, actor2, ctx.actors)
    if d.trigger.plover in (Plover.CONSULT, Plover.AGREE) and d.actor1 is not None:
        _meeting_partner(ctx, d)


def _meeting_partner(ctx: SentenceContext, d: _Draft) -> None:
    """"عقدت الميليشيات الإيرانية والروسية اجتماعاً": the parties joined as subject meet each other."""
    assert d.actor1 is not None
    lead = next((a for a in d.players if (a.start, a.end) == d.actor1.span), None)
    partner = next((a for a in conjoined(ctx.view, d.players, lead) if a.id and a.id != d.actor1.id), None)
    if partner is not None and role_id(d.actor2) != partner.id:
        d.assoc = [a for a in d.assoc if a.id != partner.id]
        if d.actor2 is not None and d.actor2.id:
            d.assoc.append(d.actor2.but(joins=2))
        d.actor2 = RoleActor.of(partner, spanned=True)


def _settle_roles(ctx: SentenceContext, d: _Draft) -> None:
    """Announcers of their own acts, deniers out, unlinked texts checked, the opponent of a battle."""
    view, lex, main = ctx.view, ctx.lex, d.main
    actor1, actor2 = d.actor1, d.actor2
    announcer = self_reporter(view, lex, main, ctx.attributions, ctx.actors)
    if announcer is None and actor1 is not None and not actor1.id and actor1.span:
        # "أعلن الجيش الأميركي أن قواته قتلت مسلحا": "its forces" are the source's own
        first = view.words_from(actor1.span[0], 1)
        if first and first[0][2] in lex.roles.own_forces:
            announcer = source_actor_before(ctx.attributions, ctx.actors, actor1.span[0])
    if announcer is not None:
        if actor2 is not None and actor2.id is not None and actor2.id == announcer.id:
            actor2 = None
        actor1 = announcer
    if ctx.deniers:
        # The side that denies is not coded as doing (or suffering) what it denies.
        denier_ids = {x.id for x in ctx.deniers if x.id}
        denier_spans = [(x.start, x.end) for x in ctx.deniers]

        def denied(x: RoleActor | None) -> bool:
            return x is not None and (
                (x.id is not None and x.id in denier_ids)
                or any(x.span is not None and s <= x.span[0] < e for s, e in denier_spans)
            )

        actor1 = None if denied(actor1) else actor1
        actor2 = None if denied(actor2) else actor2
        d.denied_by = list(ctx.deniers)
    # Unlinked texts that name a place, a weapon or a verb are no actors.
    # (a time is no actor either: "اقتحمت نهاية شهر مايو مطار حلب")
    not_actors = [*ctx.place_spans, *((t[0], t[1]) for t in ctx.times)]
    # (names the knowledge base does not link, "حركة طالبان", may act though no party noun is in them)
    unlinked_names = [(a.start, a.end) for a in d.players if not a.id]
    actor1 = checked_actor(view, lex, actor1, not_actors, main.end, named=unlinked_names)
    actor2 = checked_actor(view, lex, actor2, not_actors, named=unlinked_names)
    if actor1 is not None and actor1.id in lex.roles.responders and d.trigger.event_type in VIOLENT_TYPES:
        actor1 = None  # ("باشرت فرق الدفاع المدني بلاغا عن سقوط مقذوف": the rescuers answer the attack)
    if (
        actor2 is not None and actor2.id in lex.roles.responders and d.trigger.event_type in VIOLENT_TYPES
        and actor2.span is not None and actor2.span[0] < main.start
    ):
        actor2 = None  # (named before the attack they answer, not as its target)
    if actor2 is None and actor1 is not None and actor1.id and d.trigger.event_type == Acled.BATTLES:
        # "اقتحمت المطار وطردت الميليشيات الإيرانية منه": the place took the object slot; the
        # group named next in the clause is who the fight was with.
        actor2 = next_opponent(view, d.players, actor1, main, d.lo, d.hi)
    d.actor1, d.actor2 = actor1, actor2


def _hit(record: dict[str, Any] | None, key: str) -> bool:
    return bool(record and record.get(key))


def _resolve_type(ctx: SentenceContext, d: _Draft) -> tuple[str, str]:
    """The event's type (refined by the trigger's resolver), and the roles that follow from it."""
    view, lex, trig = ctx.view, ctx.lex, d.trigger
    if trig.resolve is None:
        event_type, sub_type = trig.event_type, trig.sub_event_type
    else:
        comb_hit = any(_hit(r, "combatants") for r in (d.killed, d.injured))
        event_type, sub_type = resolve(
            Resolution(
                view, lex, trig, d.actor1, d.killed, d.injured, d.civilians_hit, comb_hit, d.main.form,
                tuple(a for a in d.assoc if a.joins in (None, 1)),
                start=d.main.start,
            )
        )
    if sub_type == Acled.DISRUPTED_WEAPONS and trig.sub_event_type != sub_type and d.actor1 is None:
        # a bomb made safe ("فككت فرق الهندسة في الجيش 15 عبوة"): the force read as the bomb's target defused it
        d.actor1, d.actor2 = d.actor2, None
    if d.actor1 and d.actor2 and d.actor1.id and d.actor1.id == d.actor2.id:
        d.actor2 = None  # one actor is not both sides of its own act
    if trig.name == TriggerName.TERRITORY:
        d.actor2, d.assoc = led_by(view, lex, d.actor1, d.actor2, d.assoc)
        retreat = next((h for h in d.seg_hits if h.payload[0].plover == Plover.RETREAT and h.start < d.main.start), None)
        if retreat is not None and d.actor2 is None:
            # "أعلن الجيش سحب قواته … بعد أن دخلت الفصائل": who withdrew is whom the place was taken from
            d.actor2 = self_reporter(view, lex, retreat, ctx.attributions, ctx.actors)
    if trig.plover == Plover.RETREAT and sub_type == Acled.OTHER and d.actor2 is not None:
        # a withdrawal has no target ("انسحاب الروس من حلب وخلافها مع الميليشيات الإيرانية");
        # a handover names its receiver, and is coded as a transfer
        d.assoc = [*d.assoc, d.actor2.but(joins=2)] if d.actor2.id else d.assoc
        d.actor2 = None
    return event_type, sub_type


def _targets(ctx: SentenceContext, d: _Draft, event_type: str, sub_type: str) -> tuple[Victims | None, ProtestTarget | None]:
    """The victims in the text's words, what a protest was against, and civilians as actor2."""
    view, lex = ctx.view, ctx.lex
    protest = d.trigger.plover == Plover.PROTEST
    d.actor1, d.actor2, victims = victims_as_target(view, lex, d.facts, d.actor1, d.actor2, protest=protest)
    protest_target = None
    if protest and d.actor2 is not None and not d.actor2.id and d.actor2.side is None:
        # what a protest is against, in its words ("الحصار المفروض"): PLOVER's target, no ACLED actor
        protest_target = ProtestTarget(d.actor2.text)
        d.actor2 = None
    civilians = lex.role_actors
    if d.civilians_hit and d.actor2 is None and event_type in (Acled.VIOLENCE_AGAINST_CIVILIANS, Acled.REMOTE_VIOLENCE):
        known = civilians.civilians
        d.actor2 = RoleActor(None, civilians.civilians_text, known.side, known.inter, known.name)
    elif d.actor2 is not None and not d.actor2.id and d.actor2.text:
        # Unlinked victims named by a civilian word ("مدنيين", "أطفال") are the civilians.
        head = str(d.actor2.text).split()[0]
        if lex.category_of(head) in CIVILIAN_CATEGORIES:
            d.actor2 = d.actor2.as_known(civilians.civilians)
    return victims, protest_target


def _one_sided_killing(
    ctx: SentenceContext, d: _Draft, event_type: str, sub_type: str, victims: Victims | None
) -> tuple[str, str]:
    """Unidentified gunmen killing or hurting people of no armed kind is an attack on civilians, not a
    battle with one side ("قتل شخص برصاص مسلحين مجهولين", "قتل مسلحون مجهولون مدنيا في هجوم"): the
    victims are coded as civilians. A fight between named forces that hurt civilians stays a battle."""
    if event_type != Acled.BATTLES or sub_type != Acled.ARMED_CLASH:
        return event_type, sub_type
    if d.actor1 is None or d.actor1.id not in incident_rules().unidentified_actors:
        return event_type, sub_type
    civilians = ctx.lex.role_actors.civilians
    target = d.actor2
    target_civilians = target is not None and target.name == civilians.name
    # (no target, words only ("شخص"), or the civilians themselves)
    unarmed_target = target is None or target_civilians or (target.id is None and target.side is None)
    harmed_people = (
        d.civilians_hit
        or target_civilians
        or (victims is not None and victims.category in (Category.PERSONS, *CIVILIAN_CATEGORIES))
    )
    # (uncounted "fighters" here are the gunmen's own words read as victims: "قتل مسلحون مجهولون مواطنا")
    fighters_hit = any(c.get("count") for c in (d.killed or {}).get("combatants") or ())
    if unarmed_target and harmed_people and not fighters_hit:
        if not target_civilians:
            d.actor2 = RoleActor(
                None, victims.text if victims else None, civilians.side, civilians.inter, civilians.name
            )
        return Acled.VIOLENCE_AGAINST_CIVILIANS, Acled.ATTACK
    return event_type, sub_type


def _location(ctx: SentenceContext, d: _Draft) -> Location | None:
    """The most specific place in the segment (or sentence), nearest the trigger."""
    view, lex, main = ctx.view, ctx.lex, d.main
    attr_spans = ctx.attr_spans
    cands = [
        (p, ps) for p, (ps, pe) in zip(ctx.places, ctx.place_spans, strict=True)
        if not any(s <= ps < e for s, e in attr_spans) and not _speaking_place(view, lex, ps, pe)
    ]
    in_seg = [c for c in cands if d.lo <= c[1] < d.hi] or cands
    prior = lex.background.place_prior_links
    in_seg = [c for c in in_seg if not dates_prior_cause(view, lex, main, d.seg_hits, c[1], prior)]
    if not in_seg:
        return None
    rules = incident_rules()
    # (where the wounded were taken, where the source works: "نقل الجثث للطب العدلي بالموصل")
    in_seg = [c for c in in_seg if not _after_transfer(view, c[1], rules)]
    if not in_seg:
        return None
    # A place after "من" (from) is where something came from, not where the event happened.
    origins = {id(p) for p, ps in in_seg if _after_from(view, ps, rules)}
    if d.trigger.event_type == Acled.REMOTE_VIOLENCE:
        # (a launch site is never the place a shell or a strike hit; its country is the attacker's)
        d.launched_from = next((p.attrs.get("country") or None for p, _ in in_seg if id(p) in origins), None)
        in_seg = [c for c in in_seg if id(c[0]) not in origins]
        if not in_seg:
            return None

    titled = {id(p) for p, ps in in_seg if _in_title(view, ps, rules)}

    def rank(c: tuple[Mention, int]) -> tuple[int, int, int, int]:
        gp = int(c[0].attrs.get("geo_precision") or 3)
        return (id(c[0]) in origins, id(c[0]) in titled, gp, abs(c[1] - main.start))

    best, best_start = min(in_seg, key=rank)
    d.spans["location"] = [Span(best.start, best.end)]
    items = named_list(view, d.lo, d.hi, rules)
    listed = list_locations(view, items, in_seg, best, best_start, cands) if items else None
    places = [c for c in in_seg if id(c[0]) not in origins]
    coordinating = d.trigger.event_type in (Acled.REMOTE_VIOLENCE, Acled.BATTLES)
    if listed:
        # a round-up: the first place listed is this candidate's, the others split off; place phrases
        # coordinated after the list are more of it ("في مناطق كتاف ورحبان …، ومديرية ميدي بمحافظة حجة")
        d.listed = listed[1:]
        if coordinating:
            # (the list's own container right after it, "قرى المشيك والزيارة في سهل الغاب", is no place hit)
            have = {loc.place_id for loc in listed}
            more = coordinated_with(view, None, places, rules, after=items[-1][1])
            d.listed += [Location.of(m) for m in more if m.kb_id not in have]
        return listed[0]
    others = listed_with(view, best, places, rules.place_list_words)
    coordinated = coordinated_with(view, best, places, rules) if coordinating else []
    if coordinated:
        joined = {id(m) for m in others}
        others += [m for m in coordinated if id(m) not in joined]
        if coordinated[0] is not best:
            # (the first place of the clause leads: "غارات على محافظة إب، ومواقع في … ومديرية حيس …")
            first = coordinated[0]
            others = [m for m in others if m is not first] + [best]
            best = first
            d.spans["location"] = [Span(best.start, best.end)]
    d.listed = [Location.of(m) for m in others]
    return Location.of(best)



def _speaking_place(view: SentenceView, lex: EventLexicon, start: int, end: int) -> bool:
    """ "أعلنت أنقرة أن ...", "واشنطن تتهم ...": a place that is the subject of a reporting verb,
    right before or after it, stands for its government: it says, it is not where the event was."""
    verbs = lex.attribution.verbs.words
    before = view.words_before(start, 1)
    if before and not view.boundary_between(before[0][1], start) and verbs & set(_bare(before[0][2])):
        return True
    after = view.words_from(end, 1)
    return (
        bool(after) and not view.boundary_between(end, after[0][0]) and bool(verbs & set(_bare(after[0][2])))
    )


_TRANSFER_WORDS = 4


def _after_transfer(view: SentenceView, pos: int, rules: IncidentRules) -> bool:
    """The place at `pos` follows, in its clause, a word of taking the wounded or the dead away."""
    clause = view.clause_of(pos, weak=True)
    words = [_bare(w[2]) for w in view.words_before(pos, _TRANSFER_WORDS + 1) if view.clause_of(w[0], weak=True) == clause]
    for phrase in rules.transfer_words:
        n = len(phrase)
        if any(all(phrase[k] in words[i + k] for k in range(n)) for i in range(len(words) - n + 1)):
            return True
    return False


def _in_title(view: SentenceView, pos: int, rules: IncidentRules) -> bool:
    """The place at `pos` ends an office's or a command's name ("قيادة عمليات بغداد")."""
    before = view.words_before(pos, 2)
    if before and view.boundary_between(before[-1][1], pos):
        return False
    words = [_bare(w[2]) for w in before]
    for phrase in rules.title_words:
        n = len(phrase)
        if len(words) >= n and all(phrase[k] in words[len(words) - n + k] for k in range(n)):
            return True
    return False


def _bare(word: str) -> tuple[str, ...]:
    """A word with and without its proclitics ("ونقل" → نقل, "للطب" → الطب)."""
    forms = [word]
    if word[:1] in "وف" and len(word) > 3:
        forms.append(word := word[1:])
    if word.startswith("لل") and len(word) > 4:
        forms.append("ال" + word[2:])
    elif word[:1] in "بل" and len(word) > 3:
        forms.append(word[1:])
    return tuple(forms)


def _after_from(view: SentenceView, pos: int, rules: IncidentRules) -> bool:
    """The place at `pos` follows an origin phrase ("من", "من داخل", "انطلاقا من"), not one of
    nearness or of a part ("القريبة من", "مواقع متفرقة من")."""
    before = [w[2] for w in view.words_before(pos, 4)]
    for phrase in rules.origin_words:
        n = len(phrase)
        if len(before) >= n and tuple(before[-n:]) == phrase:
            lead = before[-n - 1] if len(before) > n else ""
            forms = {f for w in _bare(lead) for f in (w, w[2:] if w.startswith("ال") else w)}
            return not forms & rules.part_of_from  # ("والقريبة من", "الجزء الأكبر من")
    return False


# Words between a verb of saying or claiming and the day that dates it ("أعلنت منظومة المجتمع الديمقراطي أمس").
_SAYING_WORDS = 5


def _date(ctx: SentenceContext, d: _Draft) -> tuple[str | None, str | None, str | None]:
    """The time nearest the trigger in its segment (or sentence) that dates the event itself."""
    view, main = ctx.view, d.main
    in_seg_t = [t for t in ctx.times if d.lo <= t[0] < d.hi] or list(ctx.times)
    in_seg_t = [t for t in in_seg_t if not dates_prior_cause(view, ctx.lex, main, d.seg_hits, t[0])]
    if not in_seg_t:
        return None, None, None
    # ("تبنى الحزب أمس هجوما أدى أول من أمس إلى مقتل جنديين": the day right after a verb of saying or
    # claiming dates the statement; another day in the clause dates the event)
    lex = ctx.lex
    speech = [h.end for h in (*view.find(lex.attribution.verbs), *view.find(lex.roles.claim_verbs))]
    triggers = [h.start for h in view.find(lex.triggers)]

    def of_statement(t: TimeInfo) -> bool:
        return any(
            e <= t[0] and view.words_between(e, t[0]) <= _SAYING_WORDS and not any(e <= x < t[0] for x in triggers)
            for e in speech
        )

    best_t = min(in_seg_t, key=lambda t: (of_statement(t), abs(t[0] - main.start)))
    d.spans["date"] = [view.span(best_t[0], best_t[1])]
    return best_t[2], best_t[3], DateFrom.TEXT


def _sources_and_hedge(ctx: SentenceContext, d: _Draft) -> tuple[list[Attribution], Hedge | None]:
    """The source chain of the segment, and the hedge that covers the trigger or a count."""
    view, lex = ctx.view, ctx.lex
    attributions, hedges = ctx.attributions, ctx.hedges
    # A denial is no source of the report (its phrase only keeps the denier out of the roles).
    sources = [a for a in attributions if not lex.is_denial_cue(a.cue)] if ctx.deniers or hedges else list(attributions)
    seg_attr = [a for a in sources if d.lo <= a.start < d.hi]
    if not seg_attr:
        seg_attr = [a for a in sources if a.start < d.lo] or list(sources)
    if seg_attr:
        d.spans["attributed_to"] = [view.span(a.start, a.end) for a in seg_attr]
    points = [d.main.start] + [f.start for f in d.facts]
    covering = [h for h in hedges if any(h.covers(p) for p in points)] if hedges else []
    # A denial says most about the report: it wins over a claim or a rumour in the same sentence.
    hedge = next((h for h in covering if h.kind == DENIAL), covering[0] if covering else None)
    if hedge is not None:
        d.spans["hedged"] = [view.span(hedge.start, hedge.start + len(hedge.cue))]
    return seg_attr, hedge


def _confidence(ctx: SentenceContext, d: _Draft, weight: float, located: bool, dated: bool, sourced: bool) -> float:
    """The trigger's weight plus the lexicon's `confidence` weights for what the sentence tells."""
    w = ctx.lex.confidence
    confidence = weight
    confidence += w.location if located else 0.0
    confidence += w.date if dated else 0.0
    if d.killed or d.injured:
        known = any(_hit(r, "total") for r in (d.killed, d.injured))
        confidence += w.counted_casualties if known else w.uncounted_casualties
    confidence += w.linked_actor if d.actor1 and d.actor1.id else (w.unlinked_actor if d.actor1 else 0.0)
    confidence += w.source if sourced else 0.0
    return confidence


def _close_spans(ctx: SentenceContext, d: _Draft, sub_type: str) -> Evidence:
    """Set the evidence and role spans (an unlinked actor without the words that open its clause);
    sides by camp for a clash. Returns the evidence."""
    view, lex = ctx.view, ctx.lex
    ev_start, ev_end = view.to_doc(0), view.to_doc(len(view.folded))
    d.spans["evidence"] = [Span(ev_start, ev_end)]
    # (the roles keep their spans: nothing reads them once the event's spans are set)
    if d.actor1 is not None and d.actor1.span:
        d.actor1 = strip_lead(view, lex, d.actor1) if not d.actor1.id else d.actor1
        d.spans["actor1"] = [_span_of(view, d.actor1)]
    if d.actor2 is not None and d.actor2.span:
        d.actor2 = strip_lead(view, lex, d.actor2) if not d.actor2.id else d.actor2
        d.spans["actor2"] = [_span_of(view, d.actor2)]
    if sub_type == Acled.ARMED_CLASH:
        d.actor2, d.assoc = sides_by_camp(d.actor1, d.actor2, d.assoc, lex)
    return Evidence(ctx.doc.text[ev_start:ev_end], ev_start, ev_end)


def _span_of(view: SentenceView, actor: RoleActor) -> Span:
    assert actor.span is not None
    return view.span(*actor.span)
