"""Who did it to whom: actor1, actor2 and associated actors of a trigger, from the actor mentions
of its sentence, its clause (`syntax.py`) and the words around it.

Civilians are victims, never the side that acts; "X وY" as the acting side makes Y act with X.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from rasid.extract.events.actor_text import named_role_actor
from rasid.extract.events.attribution import Attribution
from rasid.extract.events.camps import kin
from rasid.extract.events.fields import RoleActor
from rasid.extract.events.kinds import Acled
from rasid.extract.events.lexicon import EventLexicon, KnownActor
from rasid.extract.events.load import event_lexicon
from rasid.extract.events.matching import Hit
from rasid.extract.events.sentence import ActorRef, SentenceView
from rasid.extract.events.syntax import Clause
from rasid.text.normalize import normalize, normalize_word

Roles = tuple[RoleActor | None, RoleActor | None]


def _role_cue(view: SentenceView, hits: Sequence[Hit], pos: int) -> bool:
    """A cue right before `pos`, or one noun before it when the actor is its owner with "ل"
    ("استهدف دورية للجيش العراقي": what was hit, then whose it was)."""
    near = 1
    word = view.words_before(pos + 1, 1)
    if word and word[0][0] < pos and view.folded[word[0][0] : pos] in ("ل", "لل"):
        near = 2
    return any(h.end <= pos and view.words_between(h.end, pos) <= near and not view.boundary_between(h.end, pos) for h in hits)


def mention_roles(
    view: SentenceView, lex: EventLexicon, players: Sequence[ActorRef], main: Hit, lo: int, hi: int
) -> tuple[RoleActor | None, RoleActor | None, list[RoleActor]]:
    """actor1, actor2 and the associated actors among the actor mentions playing a part."""
    sources = lex.actor_text.source_sides
    players = [a for a in players if a.side not in sources and not place_metonym(view, lex, a)]
    players = [a for a in players if not _owner_of_previous(view, players, a)]
    if not players:
        return None, None, []
    actor1, actor2 = _main_pair(view, lex, players, main, lo, hi)
    assoc: list[RoleActor] = []
    for role, who in ((1, actor1), (2, actor2)):
        if who is None:
            continue
        for a in players:
            if a is who or a is actor1 or a is actor2 or a.id in (who.id,):
                continue
            if a.start > who.end and view.only_conjunction(who.end, a.start):
                assoc.append(RoleActor(a.id, a.text, a.side, a.inter, a.name, (a.start, a.end), role))
    return (
        RoleActor(actor1.id, actor1.text, actor1.side, actor1.inter, actor1.name, (actor1.start, actor1.end))
        if actor1 else None,
        RoleActor(actor2.id, actor2.text, actor2.side, actor2.inter, actor2.name, (actor2.start, actor2.end))
        if actor2 else None,
        assoc,
    )


def _main_pair(
    view: SentenceView, lex: EventLexicon, players: Sequence[ActorRef], main: Hit, lo: int, hi: int
) -> tuple[ActorRef | None, ActorRef | None]:
    roles = lex.roles
    targets = view.find(roles.target)
    agents = view.find(roles.agent)
    between = [h for h in view.find(roles.between) if lo <= h.start < hi]
    ordered = sorted(players, key=lambda a: (a.start < main.start, abs(a.start - main.start)))
    actor1: ActorRef | None = None
    actor2: ActorRef | None = None
    # "استهدفت مسيرات تركية مواقع لقسد": an actor named by the means of the event is who used it
    carrier = next((a for a in players if a.start <= main.start < a.end), None)
    if carrier is not None:
        actor1 = carrier
        # ("الطائرات الحربية التابعة للنظام وروسيا": a partner joined to it acts with it)
        partners = conjoined(view, players, carrier)
        actor2 = next((a for a in ordered if a is not carrier and a.id != carrier.id and a not in partners), None)
    for b in between if carrier is None else ():
        after = [a for a in players if a.start >= b.end]
        # "بين قوات النظام وحزب الله، وبين مقاتلين من الفصائل": a second "بين" opens the other side
        # (what is joined to the first stays with it)
        again = next((h for h in between if h.start > b.end), None)
        other = [a for a in players if again is not None and a.start >= again.end]
        if after and other and after[0].start < other[0].start and not same_party(after[0], other[0]):
            actor1, actor2 = after[0], other[0]
            break
        if len(after) >= 2:
            actor1, actor2 = after[0], next((a for a in after[1:] if a.id != after[0].id), None)
            break
    if actor1 is not None:
        return actor1, actor2
    # Civilians are victims, never the side that acts; nor is the group of the killed or hurt.
    # (in a battle both sides may count their dead: it says nothing of who fought whom)
    one_sided = main.payload is not None and main.payload[0].event_type != Acled.BATTLES
    suffered = victims_groups(view, lex, players) if one_sided else []
    if len({a.id for a in suffered}) > 1:
        suffered = []  # the dead of two sides: the sides of a clash, each did it to the other
    elif suffered:
        # (every mention of the group and what is joined to it: "ثكنات لقوات البيشمركة ... مقتل 13
        # من قوات البيشمركة", "من المقاومة والجيش الوطني")
        group = [a for a in players if a.id is not None and a.id == suffered[0].id] or suffered
        suffered = [*group, *(x for a in group for x in conjoined(view, players, a))]
    agent = [
        a for a in ordered if a.side != "civilian" and a not in suffered and _role_cue(view, agents, a.start)
    ] if agents else []
    target = [
        a for a in ordered
        if (a.side == "civilian" or a in suffered or (bool(targets) and _role_cue(view, targets, a.start)))
        and a not in agent
    ]
    neutral = [a for a in ordered if a not in agent and a not in target]
    first = agent or neutral
    actor1 = first[0] if first else None
    # The head of "X وY" leads the acting side.
    while actor1 is not None:
        head = next((a for a in players if a.end <= actor1.start and view.only_conjunction(a.end, actor1.start)), None)
        if head is None or head.side == "civilian":
            break
        actor1 = head
    # "X وY" as the acting side: Y acts with X (associated), it is not the target.
    partners = conjoined(view, players, actor1)
    rest = [
        a for a in target + neutral
        if a is not actor1 and (actor1 is None or not same_party(a, actor1)) and a not in partners
    ]
    return actor1, (rest[0] if rest else None)


_OWNED_BY = re.compile(r"^\s*(?:ال)?تابع(?:ه|ين|ون)?\s+(?:لل|ل)$")


def _owner_of_previous(view: SentenceView, players: Sequence[ActorRef], actor: ActorRef) -> bool:
    """"الطيران المروحي التابع للنظام": the party a force belongs to is named with it, it is no
    other party (the force, the more precise, stands for both)."""
    return any(
        actor.start >= a.end and actor.start - a.end <= 14 and _OWNED_BY.match(view.folded[a.end : actor.start])
        for a in players if a is not actor
    )


def outside_place_clauses(view: SentenceView, lex: EventLexicon, hits: Sequence[Hit]) -> list[Hit]:
    """The trigger hits that are not inside a phrase describing a place ("بلدة كفرنبل التي تسيطر
    عليها المعارضة", "الخاضعة لسيطرة"): such a clause says who holds the place, it tells no
    takeover (a hook for the sentence reader, before the main trigger is chosen)."""
    holders = view.find(lex.roles.controlled_by)
    if not holders:
        return list(hits)
    return [h for h in hits if not any(c.start <= h.start < c.end for c in holders)]


def victims_groups(view: SentenceView, lex: EventLexicon, players: Sequence[ActorRef]) -> list[ActorRef]:
    """The actors named as the group of people killed or hurt ("لقي ثلاثة مقاتلين من قسد حتفهم",
    "قتلى في صفوف قوات النظام"): they suffered the event, they never did it."""
    cas = lex.casualties
    cues = [h for ps in (cas.killed_cues, cas.killed_nouns, cas.injured_cues, cas.injured_nouns) for h in view.find(ps)]
    if not cues:
        return []
    ranks = view.find(cas.ranks_of)
    out = []
    for a in players:
        rank = next((h for h in ranks if h.end <= a.start and view.words_between(h.end, a.start) == 0), None)
        if rank is not None:
            noun_start = rank.start  # "قتلى في صفوف X"
        else:
            before = view.words_before(a.start, 2)
            if len(before) < 2 or before[1][2] != "من":
                continue
            if not before[0][2].isdigit() and lex.category_of(before[0][2]) in (None, "others"):
                continue
            noun_start = before[0][0]  # "ثلاثة مقاتلين من X", "مقتل 13 من X"
        if view.boundary_between(noun_start, a.start):
            continue
        told = any(
            # ("مقتل 62 عنصرا من قوات النظام و37 عنصرا من الهيئة": a breakdown is still the toll's)
            (h.end <= noun_start and view.words_between(h.end, noun_start) <= 8 and not view.boundary_between(h.end, noun_start))
            or (h.start >= a.end and view.words_between(a.end, h.start) <= 3 and not view.boundary_between(a.end, h.start))
            for h in cues
        )
        if told:
            out.append(a)
    return out


@lru_cache(maxsize=2048)
def _metonym(text: str) -> bool:
    """The words are a place that names its government ("طهران", "موسكو") in the actor knowledge
    base (a metonym alias that the gazetteer knows as a place: not "المقاومة" for a movement)."""
    from rasid.knowledge.actors import load_actors
    from rasid.knowledge.places import load_places

    metonym = any(alias.usage == "metonym" for _actor, alias in load_actors().matching_aliases(text))
    return metonym and bool(load_places().lookup(text))


def place_metonym(view: SentenceView, lex: EventLexicon, actor: ActorRef) -> bool:
    """"وقعت روسيا وإيران اتفاقا في طهران": a capital after a place preposition is where, not who;
    "في منطقة الشرطة الرابعة": a name right after a singular place noun is part of the place's."""
    s, folded = actor.start, view.folded
    head = view.words_before(s, 1)
    if head and head[0][2] in lex.actor_text.toponym_heads and not view.boundary_between(head[0][1], s):
        return True
    attached = s > 0 and folded[s - 1] == "ب" and (s == 1 or not folded[s - 2].isalpha() or folded[s - 2] == "و")
    if not attached:
        before = view.words_before(s, 2)
        if not before or view.boundary_between(before[-1][1], s):
            return False
        word = before[-1][2]
        preps = lex.actor_text.place_preps
        # ("القريبة من الحدود مع إيران": a two-word preposition of place)
        pair = " ".join(w for _ws, _we, w in before) if len(before) == 2 else ""
        if word not in preps and not (word[:1] == "و" and word[1:] in preps) and pair not in preps:
            return False
    return _metonym(actor.text)


def conjoined(view: SentenceView, players: Sequence[ActorRef], head: ActorRef | None) -> list[ActorRef]:
    """Actors chained to `head` by "و" alone ("النظام وروسيا")."""
    if head is None:
        return []
    chain: list[ActorRef] = []
    last = head
    for a in sorted(players, key=lambda x: x.start):
        if a.start > last.end and view.only_conjunction(last.end, a.start):
            chain.append(a)
            last = a
    return chain


def fallback_roles(
    view: SentenceView, lex: EventLexicon, main: Hit, lo: int, hi: int, attr_spans: Sequence[tuple[int, int]]
) -> Roles:
    """Unlinked actor text when the sentence has no actor mention: the words after (else before) the trigger."""
    if not main.form:
        return None, None

    def item(text: str, s: int) -> RoleActor | None:
        if not text:
            return None
        return RoleActor.words(text, (s, s + len(normalize(text).text)))

    after_pos = main.end
    while after_pos < len(view.folded) and view.folded[after_pos] not in " \n":
        after_pos += 1
    text1 = view.phrase_after(after_pos, lex)
    s1 = view.words_from(after_pos, 1)[0][0] if text1 else 0
    if not text1 or any(s <= s1 < e for s, e in attr_spans):
        text1 = view.phrase_before(main.start, lex)
        s1 = view.words_before(main.start, lex.roles.max_phrase_words)[0][0] if text1 else 0
        if text1:
            found = view.folded.rfind(normalize(text1).text, 0, main.start)
            s1 = found if found >= 0 else s1
    actor2 = None
    for t in view.find(lex.roles.target):
        if t.start >= main.end and lo <= t.start < hi:
            text2 = view.phrase_after(t.end, lex)
            if text2:
                s2 = view.words_from(t.end, 1)[0][0]
                actor2 = item(text2, s2)
                break
    return item(text1, s1), actor2


def _right_after(view: SentenceView, end: int, start: int) -> bool:
    """`start` follows `end` with at most "في"/"من" between ("12 مسلحا من حزب العمال")."""
    gap = view.words_from(end, 1)
    return end <= start and view.words_between(end, start) <= 1 and bool(gap) and gap[0][2] in ("في", "من")


def apply_syntax(
    clause: Clause,
    players: Sequence[ActorRef],
    actor1: RoleActor | None,
    actor2: RoleActor | None,
    view: SentenceView,
    protesters: KnownActor,
    lex: EventLexicon | None = None,
) -> Roles:
    """Actors in the subject / object position take the roles; a position holding no known actor
    gives the role actor its words name ("انتحاريان": unidentified, "جنود أتراك": Turkish forces),
    else its words (checked later, see `actor_text`)."""
    lexicon = lex if lex is not None else event_lexicon()

    def pick(span: tuple[int, int] | None, role: int) -> RoleActor | None:
        if span is None:
            return None
        s, e = span
        inside = [
            a for a in players
            if (s <= a.start < e or a.start <= s < a.end) and a.side not in lexicon.actor_text.source_sides
        ]
        if inside:
            return RoleActor.of(inside[0], spanned=True)
        words = RoleActor.words(view.original(s, e), (s, e))
        if role == 2:
            return words  # (the object's words are the victims: `victims.py` reads them)
        words = strip_lead(view, lexicon, words)
        named = named_role_actor(normalize_word(str(words.text)).split(), lexicon, role, None)
        if named is None or (named.side == "civilian" and named.id not in lexicon.roles.unknown_perpetrators):
            return words
        return words.but(id=named.id, side=named.side, inter=named.inter, name=named.name)

    new1, new2 = pick(clause.subject, 1), pick(clause.object, 2)
    if clause.sole:
        return new1, None
    # "قتل القيادي في هيئة تحرير الشام ... بغارة روسية", "قتلت قواته 12 مسلحا من حزب العمال": the
    # group named right after the victims is theirs. It did not do it; in the active it is the target.
    if (
        clause.object is not None and actor1 is None and actor2 is not None and actor2.span is not None
        and _right_after(view, clause.object[1], actor2.span[0])
    ):
        actor1, actor2 = actor2, None  # (read as the victims' group already: the same case)
    victims_group = clause.object is not None and actor1 is not None and actor1.span is not None and (
        _right_after(view, clause.object[1], actor1.span[0])
    )
    if victims_group and clause.passive:
        actor1 = None
    if clause.protesters and new1 is not None and not new1.id:
        new1 = new1.but(side=protesters.side, inter=protesters.inter, name=protesters.name)
        return new1, (new2 if new2 is not None else (actor2 if not _same(actor2, new1) else None))
    if victims_group and actor1 is not None and not _same(actor1, new1):
        if new2 is None or not new2.id:
            new2 = actor1
        actor1 = None
    first = _choose(clause, new1, actor1, new2)
    out1 = first[0] if first else None
    second = [x for x in _choose(clause, new2, actor2, new1) if not _same(x, out1) and not same_party(x, out1)]
    if clause.passive and out1 is None and new2 is not None and not new2.id and second and _fought(view, lexicon, second[0]):
        return second[0], new2  # "ثلاثون متمردا قتلوا في مواجهات مع قوات الأمن": who they fought did it
    if not second and clause.object is None and clause.subject is not None and not clause.passive:
        # "شنت الطائرات التركية غارتين استهدفت سيارة لقوات سوريا الديمقراطية": the clause has no
        # object; a known party named after its subject (taken for actor1 by nearness) is the target.
        end = clause.subject[1]
        if (
            actor1 is not None and actor1.id and actor1.span is not None and actor1.span[0] >= end
            and not view.boundary_between(end, actor1.span[0]) and not same_party(actor1, out1)
        ):
            second = [actor1]
    return out1, (second[0] if second else None)


def _fought(view: SentenceView, lex: EventLexicon, foe: RoleActor) -> bool:
    """The known party right after a fight's noun and an opponent cue ("في مواجهات مع قوات الأمن");
    not after another noun ("الحدود مع إيران" names no foe)."""
    if not foe.id or foe.span is None:
        return False
    before = view.words_before(foe.span[0], 2)
    if len(before) < 2 or before[1][2] not in lex.roles.opponent_cues or view.boundary_between(before[0][0], foe.span[0]):
        return False
    return any(h.start <= before[0][0] < h.end for h in view.find(lex.triggers))


def same_party(a: ActorRef | RoleActor | None, b: ActorRef | RoleActor | None) -> bool:
    """Two known actors that are one party of the record: the same id, or a unit of the other under
    the same ACLED name ("طائرات النظام" and "قوات النظام"): one party is not both sides of its act."""
    if a is None or b is None or not a.id or not b.id:
        return False
    return a.id == b.id or (a.name is not None and a.name == b.name and kin(a.id, b.id))


def _same(x: RoleActor | None, y: RoleActor | None) -> bool:
    return x is not None and y is not None and x.span == y.span


def _choose(clause: Clause, new: RoleActor | None, old: RoleActor | None, other_new: RoleActor | None) -> list[RoleActor]:
    """Who may take a role, best first: a known actor in the position; then a known actor found
    elsewhere (unless the clause puts it in the other role); then the position's words. The words
    around the trigger guessed without the clause are dropped: the clause knows better."""
    order = []
    if new is not None and new.id:
        order.append(new)
    if old is not None and old.id and not _same(old, other_new):
        order.append(old)
    if new is not None and not _same(new, other_new):
        order.append(new)
    elif old is not None and not old.id and not clause.passive and not _same(old, other_new):
        order.append(old)  # no subject in the clause: the words near the trigger, for want of better
    return order


def nationality_of_means(view: SentenceView, lex: EventLexicon, main: Hit) -> RoleActor | None:
    """"بغارة روسية": the nationality adjective right after the event word, as its perpetrator."""
    nxt = view.words_from(main.end, 1)
    if not nxt or view.boundary_between(main.end, nxt[0][0]):
        return None
    actor = lex.roles.means_nationality.get(nxt[0][2])
    if actor is None:
        return None
    start, end = nxt[0][0], nxt[0][1]
    return RoleActor(actor.id, view.original(start, end), actor.side, actor.inter, actor.name, (start, end))


def referred(view: SentenceView, lex: EventLexicon, actor: RoleActor | None, actors: Sequence[ActorRef]) -> RoleActor | None:
    """'ما وصفتهم بـ"المسلحين" في إشارة إلى مقاتلي العشائر': the words the source used stand for
    the actor the report says it meant."""
    if actor is None or actor.span is None:
        return actor
    end = actor.span[1]
    for cue in view.find(lex.roles.reference_cues):
        if cue.start < end or view.words_between(end, cue.start) > 3:
            continue
        meant = next((a for a in actors if a.id and cue.end <= a.start and view.words_between(cue.end, a.start) <= 1), None)
        if meant is not None:
            return RoleActor.of(meant, spanned=True)
    return actor


def source_actor_before(attributions: Sequence[Attribution], actors: Sequence[ActorRef], pos: int) -> RoleActor | None:
    """The first actor named in the nearest source phrase that ends before `pos`."""
    for a in sorted(attributions, key=lambda x: -x.start):
        if a.end > pos:
            continue
        inside = [x for x in actors if a.start <= x.start < a.end]
        if inside:
            return RoleActor.of(inside[0])
    return None


def self_reporter(
    view: SentenceView, lex: EventLexicon, main: Hit, attributions: Sequence[Attribution], actors: Sequence[ActorRef]
) -> RoleActor | None:
    """The source of "أعلن" right before a capture/withdrawal/build-up trigger: it announces its own act."""
    trig = main.payload[0] if main.payload is not None else None
    if trig is None:
        return None
    roles = lex.roles
    claimant = _claimant(view, lex, main, attributions, actors)
    if claimant is not None:
        return claimant
    before = view.words_before(main.word_start, 2)
    if any(w in roles.speaker_pronouns for _ws, _we, w in before):
        # "أعلن الجيش … أنه يخوض معارك": the nearest source before, speaking of itself
        speaker = source_actor_before(attributions, actors, main.word_start)
        if speaker is not None:
            return speaker
    if trig.name not in roles.self_report_triggers:
        return None
    for a in attributions:
        if normalize_word(a.cue) not in roles.self_report_cues or a.end > main.word_start:
            continue
        if view.words_between(a.end, main.word_start) > 2:
            continue
        inside = [x for x in actors if a.start <= x.start < a.end]
        if inside:
            return RoleActor.of(inside[0])
    return None


def _claimant(
    view: SentenceView, lex: EventLexicon, main: Hit, attributions: Sequence[Attribution], actors: Sequence[ActorRef]
) -> RoleActor | None:
    """"أعلن تنظيم داعش أمس مسؤوليته عن هجوم انتحاري": the source phrase right before a claim
    (at most a time phrase between) names who did the event told right after the claim."""
    triggers = view.find(lex.triggers)
    negations = view.find(lex.negation.forms)
    for claim in view.find(lex.roles.claim_nouns):
        if claim.end > main.word_start or view.boundary_between(claim.end, main.word_start):
            continue
        # (the event noun right after the claim: "مسؤوليته عن هجوم تم تنفيذه بسيارة مفخخة")
        if not any(claim.end <= h.word_start and view.words_between(claim.end, h.word_start) <= 1 for h in triggers):
            continue
        if any(h.end <= claim.start and view.words_between(h.end, claim.start) <= 1 for h in negations):
            continue  # "أعلن عدم مسؤوليته عن", "لا يتحمل مسؤوليته عن"
        for a in sorted(attributions, key=lambda x: -x.start):
            if normalize_word(a.cue) not in lex.roles.self_report_cues:
                continue  # ("نفى مسؤوليته عن": only who announces it claims it)
            # (the source phrase may run on over the claim: "تنظيم داعش أمس مسؤوليته")
            end = min(a.end, claim.start)
            if a.start >= claim.start or view.words_between(end, claim.start) > 3 or view.boundary_between(end, claim.start):
                continue
            inside = [x for x in actors if a.start <= x.start < end and x.id]
            if inside:
                return RoleActor.of(inside[0])
    return None


def strip_lead(view: SentenceView, lex: EventLexicon, actor: RoleActor) -> RoleActor:
    """"وكان انتحاريان" / "بان جنودا متمردين": the words that open the clause are not the actor's."""
    assert actor.span is not None
    s, e = actor.span
    words = [w for w in view.words_from(s, 4) if w[0] < e]
    k = 0
    while k < len(words) - 1 and words[k][2] in lex.roles.actor_lead_words:
        k += 1
    if k:
        return actor.but(span=(words[k][0], e), text=view.original(words[k][0], e))
    return actor


def led_by(
    view: SentenceView, lex: EventLexicon, actor1: RoleActor | None, actor2: RoleActor | None, assoc: list[RoleActor]
) -> tuple[RoleActor | None, list[RoleActor]]:
    """"فصائل مسلحة تقودها هيئة تحرير الشام": the group that leads actor1 acts with it, it is no target."""
    if actor1 is None or actor2 is None or not actor1.span or not actor2.span:
        return actor2, assoc
    between = view.folded[actor1.span[1] : actor2.span[0]]
    leads = any(w.strip("\"«»“” ") in lex.roles.led_by for w in between.split())
    if leads and view.words_between(actor1.span[1], actor2.span[0]) <= 1:
        return None, [*assoc, actor2.but(span=None, joins=1)]
    return actor2, assoc


def next_opponent(
    view: SentenceView, players: Sequence[ActorRef], actor1: RoleActor, main: Hit, lo: int, hi: int
) -> RoleActor | None:
    """The first linked actor after the trigger in its clause that is not actor1."""
    clause = view.clause_of(main.start)
    for a in sorted(players, key=lambda x: x.start):
        if a.start < main.end or not (lo <= a.start < hi) or not a.id or same_party(a, actor1):
            continue
        if view.clause_of(a.start) != clause:
            break
        return RoleActor.of(a, spanned=True)
    return None


def first_person(actor: RoleActor | None, lex: EventLexicon) -> bool:
    """An unlinked "قواتنا" / "مقاتلونا": the speaker's own forces."""
    if not actor or actor.id or not actor.text:
        return False
    words = normalize_word(str(actor.text)).split()
    return len(words) == 1 and len(words[0]) > 4 and words[0].endswith(lex.roles.first_person_suffixes)


def _counts(view: SentenceView, lex: EventLexicon, fact: tuple[int, int], start: int) -> bool:
    """A count (`fact`: its span) counts the actor at `start`: right before it, running into its
    words, or with "من" and a word of a part between ("عشرة من عناصر تنظيم داعش", "اثنين من
    عناصر قوات الصحوة")."""
    begin, end = fact
    if end > start:
        return begin < start  # ("عشرة من عناصر" + "عناصر تنظيم داعش")
    if view.boundary_between(end, start):
        return False
    if view.words_between(end, start) == 0:
        return True
    between = [w for ws, _we, w in view.words_from(end, 4) if ws < start]
    return len(between) <= 2 and between[:1] == ["من"] and all(w in lex.roles.partitive_heads for w in between[1:])


def victims_not_actor1(
    view: SentenceView,
    actor1: RoleActor | None,
    actor2: RoleActor | None,
    facts: Sequence[Any],
    tolls: Sequence[dict[str, Any] | None],
    lex: EventLexicon | None = None,
) -> tuple[RoleActor | None, RoleActor | None]:
    """In a one-sided attack, the group of the killed or hurt did not do it: "لقي اربعة حوثيين
    مصرعهم في هجوم بسيارة مفخخة", "اثنين من عناصر قوات الصحوة قتلا بتفجير عبوة". The group
    becomes the target; the attacker is the other named party, else nobody named (ACLED's
    unidentified armed group). A count right before the actor, or the actor among the counted
    combatants, marks it as the victims' group."""
    if actor1 is None:
        return actor1, actor2
    lex = lex if lex is not None else event_lexicon()
    hurt = {
        str(c["actor"]["id"])
        for toll in tolls if toll
        for c in toll.get("combatants") or []
        if isinstance(c, dict) and isinstance(c.get("actor"), dict) and c["actor"].get("id")
    }
    counted = actor1.span is not None and any(
        getattr(f, "count", None) is not None and _counts(view, lex, (f.start, f.end), actor1.span[0]) for f in facts
    )
    if not (counted or (actor1.id and actor1.id in hurt)):
        return actor1, actor2
    if actor2 is not None and actor2.id and not same_party(actor2, actor1) and actor2.id not in hurt:
        return actor2, actor1
    return None, actor1
