"""Who did it to whom: actor1, actor2 and associated actors of a trigger, from the actor mentions
of its sentence, its clause (`syntax.py`) and the words around it.

Civilians are victims, never the side that acts; "X وY" as the acting side makes Y act with X.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasid.extract.events.attribution import Attribution
from rasid.extract.events.fields import RoleActor, role_id
from rasid.extract.events.lexicon import EventLexicon, KnownActor
from rasid.extract.events.matching import Hit
from rasid.extract.events.sentence import ActorRef, SentenceView
from rasid.extract.events.syntax import Clause
from rasid.text.normalize import normalize, normalize_word

Roles = tuple[RoleActor | None, RoleActor | None]


def _role_cue(view: SentenceView, hits: Sequence[Hit], pos: int) -> bool:
    return any(h.end <= pos and view.words_between(h.end, pos) <= 1 and not view.boundary_between(h.end, pos) for h in hits)


def mention_roles(
    view: SentenceView, lex: EventLexicon, players: Sequence[ActorRef], main: Hit, lo: int, hi: int
) -> tuple[RoleActor | None, RoleActor | None, list[RoleActor]]:
    """actor1, actor2 and the associated actors among the actor mentions playing a part."""
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
        if len(after) >= 2:
            actor1, actor2 = after[0], next((a for a in after[1:] if a.id != after[0].id), None)
            break
    if actor1 is not None:
        return actor1, actor2
    # Civilians are victims, never the side that acts.
    agent = [a for a in ordered if a.side != "civilian" and _role_cue(view, agents, a.start)] if agents else []
    target = [
        a for a in ordered
        if (a.side == "civilian" or (bool(targets) and _role_cue(view, targets, a.start))) and a not in agent
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
        if a is not actor1 and (actor1 is None or a.id != actor1.id) and a not in partners
    ]
    return actor1, (rest[0] if rest else None)


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
) -> Roles:
    """Actors in the subject / object position take the roles; a position holding no known actor
    gives an unlinked actor (its words)."""

    def pick(span: tuple[int, int] | None) -> RoleActor | None:
        if span is None:
            return None
        s, e = span
        inside = [a for a in players if s <= a.start < e or a.start <= s < a.end]
        if inside:
            return RoleActor.of(inside[0], spanned=True)
        return RoleActor.words(view.original(s, e), (s, e))

    new1, new2 = pick(clause.subject), pick(clause.object)
    if clause.sole:
        return new1, None
    # "قتل القيادي في هيئة تحرير الشام ... بغارة روسية", "قتلت قواته 12 مسلحا من حزب العمال": the
    # group named right after the victims is theirs. It did not do it; in the active it is the target.
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
    second = [x for x in _choose(clause, new2, actor2, new1) if not _same(x, out1)]
    return out1, (second[0] if second else None)


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
        if a.start < main.end or not (lo <= a.start < hi) or not a.id or a.id == role_id(actor1):
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
