"""Which trigger words start an event: the filters a trigger hit must pass in its sentence.

A plan, threat, attempt, negation or future tense governing the trigger, a habitual or background
clause, and an event named only to date another are not news; a projectile fired from a direct-fire
weapon is gunfire, not shelling.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasid.extract.events.kinds import Plover, TriggerName
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.matching import Hit
from rasid.extract.events.sentence import SentenceView


def direct_fire(view: SentenceView, lex: EventLexicon, hits: list[Hit]) -> list[Hit]:
    """Recode bare projectile nouns fired from direct-fire weapons as gunfire, not shelling.

    'قذائف "آر بي جي"' names the weapon right after the noun; in "اشتباكات ... بالرشاشات
    والقذائف" a clash (or gunfire) in the same clause uses machine guns, so its "قذائف" are not artillery.
    """
    rules = lex.resolve
    if not rules.projectiles or not any(
        h.payload[0].name == TriggerName.SHELLING and h.form in rules.projectiles for h in hits
    ):
        return hits
    fire = view.find(rules.direct_fire)
    if not fire:
        return hits
    shooting = lex.trigger_by_name.get(TriggerName.SHOOTING)
    if shooting is None:
        return hits
    clash_clauses = {
        view.clause_of(h.start) for h in hits if h.payload[0].name in (TriggerName.CLASH, TriggerName.SHOOTING)
    }
    fire_clauses = {view.clause_of(f.start) for f in fire}
    out = []
    for h in hits:
        if h.payload[0].name == TriggerName.SHELLING and h.form in rules.projectiles:
            named = any(
                h.end <= f.word_start <= h.end + 3 and not view.folded[h.end : f.word_start].strip(" \"'()«»")
                for f in fire
            )
            clause = view.clause_of(h.start)
            if named or (clause in clash_clauses and clause in fire_clauses):
                h = h._replace(payload=(shooting, shooting.weight))
        out.append(h)
    return out


# How many words an aircraft word may stand from a bombardment word it makes an air strike.
_AIRCRAFT_WINDOW = 3


def from_the_air(view: SentenceView, lex: EventLexicon, hits: list[Hit]) -> list[Hit]:
    """"قصف الطيران المروحي البلدة", "قصفت الطائرات المقاتلة مواقع": a bombardment word next to an
    aircraft word in its clause is an air strike, not shelling."""
    rules = lex.resolve
    if not any(h.payload[0].name == TriggerName.SHELLING and h.form in rules.bombardment for h in hits):
        return hits
    planes = view.find(rules.aircraft)
    airstrike = lex.trigger_by_name.get(TriggerName.AIRSTRIKE)
    if not planes or airstrike is None:
        return hits
    out = []
    for h in hits:
        if h.payload[0].name == TriggerName.SHELLING and h.form in rules.bombardment and any(
            view.clause_of(p.start) == view.clause_of(h.start)
            and (
                (p.start >= h.end and view.words_between(h.end, p.word_start) <= _AIRCRAFT_WINDOW)
                or (p.end <= h.start and view.words_between(p.end, h.word_start) <= _AIRCRAFT_WINDOW)
            )
            for p in planes
        ):
            h = h._replace(payload=(airstrike, airstrike.weight))
        out.append(h)
    return out


# How many words a downing verb may stand before the aircraft ("أسقط تنظيم الدولة طائرة مروحية").
_DOWNING_WINDOW = 5


def shot_down(view: SentenceView, lex: EventLexicon, hits: list[Hit]) -> list[Hit]:
    """An air-strike word after a downing verb of its clause ("أسقط تنظيم الدولة طائرة مروحية
    لقوات النظام") names the aircraft shot down: the event is the fight, not an air strike."""
    if not any(h.payload[0].name == TriggerName.AIRSTRIKE for h in hits):
        return hits
    verbs = view.find(lex.resolve.downing)
    downing = lex.trigger_by_name.get(TriggerName.SHOOT_DOWN)
    if not verbs or downing is None:
        return hits
    out = []
    for h in hits:
        if h.payload[0].name == TriggerName.AIRSTRIKE and any(
            v.end <= h.start and view.words_between(v.end, h.word_start) <= _DOWNING_WINDOW
            and view.clause_of(v.start) == view.clause_of(h.start)
            for v in verbs
        ):
            h = h._replace(payload=(downing, downing.weight))
        out.append(h)
    return out


def is_irrealis(
    view: SentenceView, hit: Hit, irrealis: Sequence[Hit], negations: Sequence[Hit] = (), window: int = 8
) -> bool:
    """A plan, threat, attempt or negation governs the trigger (a cue before it in its clause)."""
    clause = view.clause_of(hit.start, weak=True)
    for cues, limit in ((irrealis, 4), (negations, window)):
        for cue in cues:
            same_clause = cue.end <= hit.start and view.clause_of(cue.start, weak=True) == clause
            # (counted up to the trigger's word: "لاستعادة" is not a word between)
            if same_clause and view.words_between(cue.end, hit.word_start) <= limit:
                return True
    return False


def negated_after(view: SentenceView, hit: Hit, cues: Sequence[Hit], window: int) -> bool:
    """An event noun followed in its clause by "لن تكون/لم يتم": talked of, not done."""
    if view.folded[hit.word_start : hit.start] not in ("", "ال", "و", "وال", "فال"):
        return False  # ("بالمفاوضات": a noun governed by a preposition is not the clause's subject)
    clause = view.clause_of(hit.start, weak=True)
    return any(
        c.start >= hit.end and view.clause_of(c.start, weak=True) == clause and view.words_between(hit.end, c.start) <= window
        for c in cues
    )


def is_future_verb(word: str, lex: EventLexicon) -> bool:
    """A future imperfect ("سيتحرك", "وستشن"), not a word that merely starts like one ("سيطرة", "ستة")."""
    rules = lex.future
    if word[:1] in "وف" and len(word) > rules.min_length:
        word = word[1:]
    return len(word) >= rules.min_length and word.startswith(rules.prefixes) and not word.startswith(rules.not_future)


def is_future(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """The trigger is told in the future: a future verb right before or after it in its clause, or
    a capture noun with the purpose "ل" ("عملية لتحرير بقية المحافظات")."""
    rules = lex.future
    if (
        hit.payload is not None and hit.payload[0].name in rules.purpose_triggers
        and view.folded[hit.word_start : hit.start] in rules.purpose_proclitics
    ):
        return True
    if _forecast(view, hit, lex):
        return True
    clause = view.clause_of(hit.start, weak=True)
    window = lex.future.window
    near = view.words_before(hit.word_start, window) + view.words_from(hit.end, window)
    return any(
        view.clause_of(ws, weak=True) == clause and is_future_verb(w, lex) for ws, _we, w in near
    )


def describes_habit(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """A present-tense verb right after a relative pronoun describes what someone does, not an
    incident: the event verb itself ("الطائرات التي تستهدف المدينة") or the one told of an event noun
    ("مروحيات النظام التي تقصف داريا"). A past verb ("الغارة التي استهدفت") tells what happened."""
    relatives = lex.roles.relatives

    def present(word: tuple[int, int, str]) -> bool:
        return word[2][:1] in "يت" and len(word[2]) >= 4 and word[2] not in lex.background.past_forms

    own = view.words_from(hit.word_start if hit.word_start >= 0 else hit.start, 1)
    if own and own[0][0] == hit.start and present(own[0]):
        before = view.words_before(hit.start, 1)
        if before and before[0][2] in relatives and not view.boundary_between(before[0][1], hit.start):
            return True
        clause = view.clause_of(hit.start, weak=True)
        if any(s.end <= hit.start and view.clause_of(s.start, weak=True) == clause for s in view.find(lex.background.states)):
            return True  # ("لا يزال الحوثيون يسيطرون على لودر": who still holds what)
    after = view.words_from(hit.end, 4)
    for k, word in enumerate(after[:-1]):
        if word[2] in relatives:
            return k <= 2 and present(after[k + 1]) and not view.boundary_between(hit.end, after[k + 1][0])
    return False


def _forecast(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """A verb of expecting before the trigger in its clause, with no "بعد/عقب" between them
    ("وتتوقع الحكومة وصول التعزيزات بعد قصف استهدف المنطقة": the shelling did happen)."""
    relatives = lex.roles.relatives | lex.roles.relative_pronouns_after
    # (not a relative clause: "في الوقت الذي تتوقع فيه السلطات إطلاق سراح جنود اختطفوا")
    cues = [
        f for f in view.find(lex.future.forecasts)
        if not any(w[2] in relatives for w in (*view.words_before(f.start, 1), *view.words_from(f.end, 1)))
    ]
    if not cues:
        return False
    strong = view.clause_of(hit.start)
    links = [h.start for h in view.find(lex.background.temporal_refs)]
    return any(
        f.end <= hit.start and view.clause_of(f.start) == strong and not any(f.end <= x < hit.start for x in links)
        for f in cues
    )


def is_background(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """Background, not news: "ويأتي ذلك بعد ..." sentences and "منذ ..." (since) phrases."""
    first = view.words[0][0] if view.words else 0
    rules = lex.background
    if any(o.word_start <= first + 1 and o.start < hit.start for o in view.find(rules.openers)):
        return True
    # "ويأتي ذلك بعد/ضمن ..." places the news in context, unless it says what goes on meanwhile
    # ("ويأتي ذلك في وقت تواصل فيه الطائرات ...").
    for o in view.find(rules.context_openers):
        opens = o.word_start <= first + 1 and o.start < hit.start
        if opens and not any(o.end <= c.start < hit.start for c in view.find(rules.concurrent)):
            return True
    for cue in view.find(rules.cues):
        if cue.start <= hit.start < cue.end:
            return True  # (the cue holds the trigger: "مئات الغارات" counts a campaign's strikes)
        same_clause = cue.end <= hit.start and view.clause_of(cue.start, weak=True) == view.clause_of(hit.start, weak=True)
        if same_clause and view.words_between(cue.end, hit.start) <= rules.window:
            return True
    return False


def drop_time_references(view: SentenceView, hits: list[Hit], lex: EventLexicon) -> list[Hit]:
    """"اعتقلوا خمسة ناشطين عقب انتهاء المظاهرة": an event named to date another is not the news
    when the clause has another trigger of its own."""
    refs = view.find(lex.background.temporal_refs)
    if not refs or len(hits) < 2:
        return hits

    def is_ref(h: Hit) -> bool:
        return any(
            r.end <= h.word_start and view.words_between(r.end, h.word_start) <= 1
            and not view.boundary_between(r.end, h.word_start)
            for r in refs
        )

    retreats = [h for h in hits if h.payload[0].plover == Plover.RETREAT]
    out = [
        h for h in hits
        # ("سحب قواته من حلب، بعد أن دخلت الفصائل إلى معظم أحيائها": the capture is the takeover the
        # withdrawal answers; it is told, not only a date)
        if not is_ref(h)
        or (h.payload[0].name == TriggerName.TERRITORY and retreats and all(r.start < h.start for r in retreats))
    ]
    # Only a specific trigger of its own (not "استهدف", not a weak form) makes the clause's news.
    kept_clauses = {
        view.clause_of(h.start) for h in out if h.payload[0].name != TriggerName.KILL and h.payload[1] >= h.payload[0].weight
    }
    # Keep a reference when nothing else would start its clause's event.
    return [h for h in hits if h in out or view.clause_of(h.start) not in kept_clauses]


def is_recalled(view: SentenceView, hit: Hit, lex: EventLexicon) -> bool:
    """"وكانت الفصائل قد سيطرت": a pluperfect "كان ... قد" governs the trigger in its clause."""
    if not hit.form:
        return False
    clause = view.clause_of(hit.start)
    for cue in view.find(lex.background.pluperfect):
        if cue.end > hit.start or view.clause_of(cue.start) != clause or view.words_between(cue.end, hit.start) > 8:
            continue
        if any(w == "قد" for ws, _we, w in view.words_from(cue.end, 5) if ws < hit.start):
            return True
    return False
