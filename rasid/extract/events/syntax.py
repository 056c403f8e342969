"""Subject and object of the event verb, by Arabic word order (the `Clause` of a trigger).

* Protests: the protesters' noun ("المتظاهرون") is the acting side.
* A verb ending in -وا/-ون follows its subject ("مسلحون اغتالوا العميد"): a verb agrees in
  number only with a subject before it, so subject before, object after.
* A verb followed by a count ("قتل 18 شخصا") reports victims: the counted noun is the target;
  the actor is the agent after "على يد" / "من قبل" / "شنه" / "برصاص".
* Otherwise verb-subject-object: "قتلت القوات الأمريكية 11 مسلحا".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rasid.extract.events.actor_text import names_party
from rasid.extract.events.kinds import Plover, TriggerName
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.matching import Hit
from rasid.extract.events.phrases import (
    Spans,
    after_cue,
    count_at,
    count_before,
    inside,
    means_only,
    opens_word,
    phrase_span,
    without_proclitic,
)
from rasid.extract.events.sentence import NumberInfo, SentenceView
from rasid.text.normalize import normalize_word

# Cues before the agent of a passive or of a victim noun ("قتل ... على يد", "كمين نفذه").
# The longest subject read between "كان" and "قد" ("وكانت فرقة مظلية من قوات ... قد قتلت").
_KANA_WORDS = 8
# Words between a protest's trigger and a protesters' noun that still names its crowd.
_NEAR_PROTESTERS = 6
# "أطلقوا النار على ...", "باتجاه ...": the prepositions of what is aimed at (folded).
_AIMED_AT = frozenset(normalize_word(w) for w in ("على", "باتجاه", "صوب"))
# (folded as the sentence is: "على" is written "علي" there)
_AGENT_CUES = tuple(
    " ".join(normalize_word(w) for w in cue.split())
    for cue in ("على يد", "على أيدي", "من قبل", "شنه", "شنها", "نفذه", "نفذها", "برصاص", "بنيران")
)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Clause:
    """Subject and object spans (folded-sentence offsets) around the event's verb."""

    subject: Span | None
    object: Span | None
    protesters: bool = False  # the subject names the protesters
    passive: bool = False  # the clause names victims, and an agent only after "على يد" and the like
    sole: bool = False  # the clause names the only party ("قيام X بإخلاء مواقعها"): nobody else takes a role


@dataclass(slots=True)
class _Reading:
    """The trigger's clause being read: the sentence, the segment [lo, hi), and the spans that are
    no party (source phrases, places)."""

    view: SentenceView
    lex: EventLexicon
    main: Hit
    lo: int
    hi: int
    numbers: Sequence[NumberInfo]
    blocked: Spans

    def within(self, hits: Sequence[Hit]) -> list[Hit]:
        return [h for h in hits if self.lo <= h.start < self.hi and not inside(h.start, self.blocked)]


def syntax_roles(
    view: SentenceView, lex: EventLexicon, main: Hit, lo: int, hi: int, numbers: Sequence[NumberInfo], blocked: Spans
) -> Clause | None:
    """Subject and object of the event verb (see the module docstring), or None when the clause has no verb."""
    r = _Reading(view, lex, main, lo, hi, numbers, blocked)
    trig = main.payload[0] if main.payload is not None else None
    if trig is None or trig.plover != Plover.PROTEST:
        return _aimed_at(r, _clause(r))
    clause = _aimed_at(r, _clause(r))
    verb = any(h.word_start == main.word_start for h in view.find(lex.roles.verbs))
    for h in r.within(view.find(lex.roles.protesters)):
        # ("وكان الآلاف من النيباليين قد خرجوا في مسيرات، وكان المتظاهرون يهتفون": a protesters'
        # noun of another clause, far from the protest verb, yields to the verb's own subject)
        far = view.clause_of(h.start) != view.clause_of(main.start) or (
            view.words_between(main.end, h.start) if h.start >= main.end else view.words_between(h.end, main.start)
        ) > _NEAR_PROTESTERS
        if verb and far and clause is not None and clause.subject is not None:
            break
        return Clause((h.word_start, h.end), _protest_target(view, lex, lo, hi, blocked), protesters=True)
    # "خرجت مظاهرات في الموصل ضد الحكم": no protesters' noun, yet what the protest is against
    if clause is None or clause.object is None:
        against = _protest_target(view, lex, lo, hi, blocked)
        if against is not None:
            return Clause(clause.subject if clause is not None else None, against)
    return clause


def _aimed_at(r: _Reading, clause: Clause | None) -> Clause | None:
    """"أطلقوا النار على دورية للجيش", "أطلقت قذائف على الحي": what is fired or thrown (a word
    of `actor_text.not_actor`) is no target; the phrase after "على" ("باتجاه") right after it is."""
    if clause is None or clause.object is None:
        return clause
    view, lex = r.view, r.lex
    first = view.words_from(clause.object[0], 1)
    if not first or first[0][2] not in lex.actor_text.not_actor:
        return clause
    for ws, we, w in view.words_from(clause.object[1], 3):
        if view.boundary_between(clause.object[1], ws) or ws >= r.hi:
            break
        if w in _AIMED_AT:
            aimed = phrase_span(view, lex, we, numbers=r.numbers, blocked=r.blocked)
            if aimed is not None:
                return Clause(clause.subject, aimed, clause.protesters, clause.passive, clause.sole)
            break
    return clause


def _clause(r: _Reading) -> Clause | None:
    """The clause of the trigger by word order (see the module docstring)."""
    view, lex, main, lo, hi, blocked = r.view, r.lex, r.main, r.lo, r.hi, r.blocked
    verbs = r.within(view.find(lex.roles.verbs))
    nouns = r.within(view.find(lex.roles.victim_nouns))
    pair = _between_pair(r)
    if pair is not None:
        return pair
    resumed = _resumptive_verb(view, lex, lo, hi, blocked)
    if resumed is not None and (not verbs or resumed[0] < min(h.start for h in verbs)):
        clause = _object_first(r, resumed)
        if clause is not None:
            return clause
    for h in (main, *verbs):
        doer = _doer_before(view, lex, h, blocked) if h.start > h.word_start else None
        if doer is not None:
            # "قيام الجيش التركي بتفكيك نقطته": the noun after "قيام" does it. "قامت مقاتلات تركية
            # بقصف أنفاق يستخدمها التنظيم": what an attack is done to follows its noun.
            done_to = _attacked(r, h)
            return Clause(doer, done_to, sole=done_to is None)
    if not verbs and not nouns:
        return None
    # The clause's first event verb is its predicate ("قتلت قوات الأمن ستة متشددين في غارة"); a
    # victim noun only when no verb is there.
    verb = min(verbs, key=lambda h: h.start) if verbs else min(nouns, key=lambda h: abs(h.start - main.start))
    return _around_verb(r, verb, nouns)


def _between_pair(r: _Reading) -> Clause | None:
    """"اشتباكات بين الفصائل وقوات النظام": the first side, then the second."""
    view, lex, main = r.view, r.lex, r.main
    between = [h for h in view.find(lex.roles.between) if main.start <= h.start < r.hi]
    name = main.payload[0].name if main.payload is not None else None
    paired = name is not None and (
        name == TriggerName.CLASH
        # "اجتماع بين وفد روسي ووجهاء البلدة", "اتفاق بين أنقرة وموسكو"
        or (
            name in (TriggerName.MEETING, TriggerName.AGREEMENT)
            and bool(between) and view.words_between(main.end, between[0].start) <= 1
        )
    )
    if not (between and paired):
        return None
    first = phrase_span(view, lex, between[0].end, numbers=r.numbers, blocked=r.blocked)
    if first is None:
        return None
    second = None
    nxt = view.words_from(first[1], 1)
    again = next((h for h in between[1:] if h.start >= first[1]), None)
    if again is not None:
        # "بين قوات النظام وحزب الله، وبين مقاتلين من الفصائل": the second "بين" opens the other side
        second = phrase_span(view, lex, again.end, numbers=r.numbers, blocked=r.blocked)
    elif nxt and nxt[0][2].startswith("و") and not view.boundary_between(first[1], nxt[0][0]):
        span = phrase_span(view, lex, nxt[0][0], numbers=r.numbers, blocked=r.blocked)
        second = (span[0] + 1, span[1]) if span is not None else None  # without the "و"
    return Clause(first, second)


def _object_first(r: _Reading, resumed: Span) -> Clause | None:
    """"الميليشيات الإيرانية استهدفتها قوات النظام": the object put first, taken up by the
    verb's pronoun; the subject follows the verb."""
    view, lex = r.view, r.lex
    vs, ve = resumed
    obj = phrase_span(view, lex, vs, backwards=True, blocked=r.blocked)
    subj = phrase_span(view, lex, ve, numbers=r.numbers, blocked=r.blocked, counted=False)
    lead = view.words_from(obj[0], 2) if obj is not None else []
    if obj is not None and len(lead) == 2 and lead[0][2] in lex.roles.subject_openers and lead[1][0] < obj[1]:
        obj = (lead[1][0], obj[1])  # "بأن عسكريين ماليين خطفهم ...": without the "أن"
    if obj is not None and any(
        obj[0] <= h.start < obj[1] or (h.end <= obj[0] and not view.folded[h.end : obj[0]].strip())
        for h in view.find(lex.triggers)
    ):
        obj = None  # "قذائف صاروخية أطلقها الإرهابيون": the pronoun takes up the weapon, not a target
    if subj is not None and (obj is not None or resumed[0] < r.main.start):
        return Clause(subj, obj)
    return None


def _around_verb(r: _Reading, verb: Hit, nouns: Sequence[Hit]) -> Clause:
    """The clause of the predicate `verb`: a masdar's complement, a passive's victims, or the
    subject before or after the verb."""
    view, lex, blocked, numbers = r.view, r.lex, r.blocked, r.numbers
    roles = lex.roles
    agent = after_cue(view, lex, _AGENT_CUES, verb.end, r.hi, blocked)
    before_verb = view.words_before(verb.word_start, 1)
    # ("وفي وقت مبكر امس، قصفت الطائرات ...": a time word before a finite verb makes no masdar of it)
    masdar = (verb.start > verb.word_start and view.folded[verb.word_start] in "بلك") or (
        bool(before_verb) and before_verb[0][2] in roles.phrase_stops and before_verb[0][2] not in roles.verb_particles
        and before_verb[0][2] not in lex.attribution.time_words
    )
    if masdar and without_proclitic(view.folded[verb.word_start : verb.end]) in roles.agent_masdars:
        # "جراء شن الطائرات الحربية غارة على أحياء ...": this noun's complement is the one who
        # launched the attack, and the target is what it was launched on.
        launcher = phrase_span(view, lex, verb.end, numbers=numbers, blocked=blocked, counted=False)
        target = after_cue(view, lex, ("على", "ضد"), launcher[1] if launcher else verb.end, r.hi, blocked)
        return Clause(launcher, target)
    if before_verb and before_verb[0][2] in roles.relatives and not inside(before_verb[0][0], blocked):
        return _relative(r, verb, before_verb[0][0])
    if masdar or any(verb is n for n in nouns):
        # "مقتل سبعة أشخاص", "اغتيال الصحافي ...": the noun's complement is the victim.
        return Clause(agent, phrase_span(view, lex, verb.end, numbers=numbers, blocked=blocked), passive=True)
    word = view.folded[verb.word_start : verb.end]
    bare = word[1:] if word[:1] in "وف" and word[1:] in roles.passive else word
    passive_form = bare in roles.passive  # unvocalised, "قتل" is also "قُتل"
    count_after = count_at(view, lex, verb.end, numbers)
    next_word = view.words_from(verb.end, 1)
    prev_word = view.words_before(verb.word_start, 1)
    if prev_word and prev_word[0][2] in roles.subject_pronouns:
        # "أكد الحلف أنه قتل ...": the subject is the one the report quotes.
        subject = phrase_span(view, lex, prev_word[0][0], backwards=True, blocked=())
        obj = phrase_span(view, lex, count_after or verb.end, numbers=numbers, blocked=blocked)
        return Clause(subject, obj)
    fronted = _fronted_subject(view, lex, verb, blocked)
    # (a dual agrees like a plural with a subject before it: "اثنين من عناصر الصحوة قتلا")
    dual = passive_form and bare.endswith("ا") and not bare.endswith("وا")
    if word.endswith(("وا", "ون")) or dual or fronted is not None or (next_word and next_word[0][2] in roles.reflexive):
        return _subject_first(r, verb, word, fronted, agent, passive_form)
    if count_after is not None:
        counted = phrase_span(view, lex, count_after, numbers=numbers, blocked=blocked)
        if r.main.payload is not None and r.main.payload[0].plover == Plover.PROTEST:
            return Clause(counted, None)  # "تظاهر مئات الأشخاص": the crowd protests
        return Clause(agent, counted, passive=True)
    return _verb_first(r, verb, agent, passive_form)


def _subject_first(
    r: _Reading, verb: Hit, word: str, fronted: Span | None, agent: Span | None, passive_form: bool
) -> Clause:
    """Subject before the verb: a plural verb agrees with a subject before it ("مسلحون اغتالوا"),
    "إن X فجر نفسه", "أن دبابات أطلقت ..."."""
    view, lex, blocked, numbers = r.view, r.lex, r.blocked, r.numbers
    next_word = view.words_from(verb.end, 1)
    subject = fronted or phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
    start = verb.end
    if next_word and next_word[0][2] in lex.roles.reflexive:
        start = next_word[0][1]
    obj = phrase_span(view, lex, start, numbers=numbers, blocked=blocked)
    if obj is not None and view.boundary_between(start, obj[0]):
        obj = None  # ("قتلا، بينما أصيب ...": the clause ends with the verb)
    plural = word.endswith(("وا", "ون", "ا"))
    # A count that opens the subject ("إن أربعة أشخاص قتلوا") counts victims too, when nothing follows.
    led_by_count = subject is not None and any(n.start <= subject[0] < n.end for n in numbers)
    if passive_form and subject is not None and (
        count_before(view, lex, subject[0], numbers) or (obj is None and (not plural or led_by_count))
    ):
        return Clause(agent, subject, passive=True)  # "سبعة أشخاص قتلوا", "جنديا قتل": the victims
    if passive_form and subject is not None and (agent is not None or obj is not None) and means_only(view, lex, obj):
        # "عناصر ... قتلوا بكمين نفذه مقاتلون ...", "عناصر ... قتلوا بانفجار لغم": the victims
        return Clause(agent, subject, passive=True)
    return Clause(subject, obj)


def _verb_first(r: _Reading, verb: Hit, agent: Span | None, passive_form: bool) -> Clause:
    """Verb-subject-object, or a passive whose victims follow the verb."""
    view, lex, blocked, numbers = r.view, r.lex, r.blocked, r.numbers
    if passive_form and agent is not None:
        # "قتل عناصر من قوات النظام بكمين نفذه مقاتلون ...": the means and its agent follow, so the
        # words up to the means are the victims, not the verb's subject.
        means = next((h for h in view.find(lex.triggers) if verb.end < h.word_start < agent[0]
                      and h.start > h.word_start and view.folded[h.word_start] == "ب"), None)
        # ("قتل أحد عناصر الشرطة بنيران مسلحين": else the agent's cue word itself ends the victims)
        cue = view.words_before(agent[0], 1)
        stop = means.word_start if means is not None else (cue[0][0] if cue and cue[0][0] > verb.end else None)
        if stop is not None:
            victims = phrase_span(view, lex, verb.end, numbers=numbers, blocked=[*blocked, (stop, r.hi)])
            if victims is not None:
                return Clause(agent, victims, passive=True)
    subject = phrase_span(view, lex, verb.end, numbers=numbers, blocked=blocked, counted=False)
    obj = None
    split = None
    if subject is not None:
        subject, split = _split_accusative(view, lex, subject)
    if split is not None:
        obj = phrase_span(view, lex, split, numbers=numbers, blocked=blocked)
    elif subject is not None:
        # "طائرات النظام وروسيا غارات": a conjunct after the subject still acts.
        after = subject[1]
        for ws, we, w in view.words_from(after, 3):
            if not (w.startswith("و") and len(w) > 3) or view.boundary_between(after, ws):
                break
            if w[1:] in lex.roles.verbs:
                break  # ("وقتل شخص وأصيب 13 آخرون": a verb joined by "و" opens the next clause)
            after = we
        obj = phrase_span(view, lex, after, numbers=numbers, blocked=blocked)
    if passive_form and subject is not None and obj is not None and means_only(view, lex, obj):
        # "قتل مراسل بقصف لفصائل المعارضة": the victims, then the means and whose it was.
        return Clause(agent or obj, subject, passive=True)
    if passive_form and obj is None:
        # "وقتل شخص بعد ...", "جنديا عراقيا قتل": nobody acted on anyone, so it is the passive.
        victim = subject or phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
        return Clause(agent, victim, passive=True)
    if agent is not None and subject is None:
        subject = agent
    return Clause(subject, obj)


def _relative(r: _Reading, verb: Hit, pronoun: int) -> Clause:
    """"الطائرات الروسية التي قصفت المدينة": the noun before the relative pronoun is the verb's
    subject. "تبنى تنظيم داعش التفجير الذي استهدف حاجزا لقسد": when that noun is the event itself,
    whoever claims it did it (else nobody named), and the object is the target."""
    view, lex = r.view, r.lex
    antecedent = phrase_span(view, lex, pronoun, backwards=True, blocked=r.blocked)
    after = view.words_from(verb.end, 1)
    if after and after[0][2] in lex.roles.relative_pronouns_after and not view.boundary_between(verb.end, after[0][0]):
        # ("البلدات التي سيطرت عليها الفصائل": the towns were taken, the factions took them)
        return Clause(phrase_span(view, lex, after[0][1], blocked=r.blocked, counted=False), antecedent)
    obj = phrase_span(view, lex, verb.end, numbers=r.numbers, blocked=r.blocked)
    if antecedent is not None and not any(antecedent[0] <= h.start < antecedent[1] for h in view.find(lex.triggers)):
        return Clause(antecedent, obj)
    claim = next((h for h in r.within(view.find(lex.roles.claim_verbs)) if h.end <= pronoun), None)
    claimant = phrase_span(view, lex, claim.end, blocked=r.blocked) if claim is not None else None
    return Clause(claimant, obj)


def _split_accusative(view: SentenceView, lex: EventLexicon, span: Span) -> tuple[Span, int | None]:
    """"اغتال مجهولون قياديا في الهيئة": the subject ends before an indefinite accusative person
    noun ("قياديا"), which starts the object. Returns the subject and where the object starts."""
    words = [w for w in view.words_from(span[0], lex.roles.max_phrase_words + 2) if w[0] < span[1]]
    for i in range(1, len(words)):
        w = words[i][2]
        if w.endswith("ا") and len(w) > 3 and names_party([w], lex):
            return (words[0][0], words[i - 1][1]), words[i][0]
        # "وخطف مسلحون مطران الكلدان": a nominative plural in -ون is never the first noun of a
        # construct, so a noun after it that does not agree with it (no -ون/-ين) starts the object.
        prev = words[i - 1][2]
        if len(prev) > 4 and prev.endswith("ون") and not w.endswith(("ون", "ين")) and w not in lex.roles.phrase_stops:
            return (words[0][0], words[i - 1][1]), words[i][0]
    return span, None


def _attacked(r: _Reading, noun: Hit) -> Span | None:
    """What an attack noun after "قام ب" is done to ("بقصف أنفاق يستخدمها التنظيم"): the phrase after
    it, when the event is an assault and the noun one of the event verbs."""
    trig = r.main.payload[0] if r.main.payload is not None else None
    if trig is None or trig.plover != Plover.ASSAULT:
        return None
    if noun is not r.main and not any(h.start == noun.start for h in r.within(r.view.find(r.lex.roles.verbs))):
        return None
    return phrase_span(r.view, r.lex, noun.end, numbers=r.numbers, blocked=r.blocked)


def _doer_before(view: SentenceView, lex: EventLexicon, verb: Hit, blocked: Spans) -> Span | None:
    """The phrase between "قيام"/"قامت" and a noun with "ب" ("قيام X بإخلاء", "قامت مقاتلات تابعة
    لسلاح الجو التركي بقصف"), if the verb is such a noun."""
    if view.folded[verb.word_start] != "ب":
        return None
    back = view.words_before(verb.word_start, lex.roles.max_phrase_words + 4)
    for i in range(len(back) - 1, -1, -1):
        ws, we, w = back[i]
        if inside(ws, blocked) or view.boundary_between(we, verb.word_start):
            return None
        if w in lex.roles.doer_nouns:
            return (back[i + 1][0], back[-1][1]) if i + 1 < len(back) else None
    return None


def _resumptive_verb(view: SentenceView, lex: EventLexicon, lo: int, hi: int, blocked: Spans) -> Span | None:
    """An event verb carrying an object pronoun after a noun phrase ("X استهدفتها"): its span."""
    for h in view.find(lex.roles.resumptive):
        ws = h.word_start
        if ws < lo or h.start != ws or inside(ws, blocked):
            continue  # ("وقتلهم": with "و", a new clause about people told before, not an object put first)
        if ws >= hi:
            break
        before = view.words_before(ws, 1)
        if not before or before[0][2] in lex.roles.phrase_stops or view.boundary_between(before[0][1], ws):
            continue  # "خلال قصفها المدينة": a noun with its possessor, not a verb
        return ws, h.end
    return None


def _fronted_subject(view: SentenceView, lex: EventLexicon, verb: Hit, blocked: Spans) -> Span | None:
    """The noun phrase between "أن/إن" (or the clause start) and the verb: a subject put first."""
    span = phrase_span(view, lex, verb.word_start, backwards=True, blocked=blocked)
    if span is None:
        return None
    before = view.words_before(span[0], 1)
    if not before or view.boundary_between(before[0][1], span[0]):
        return span
    if before[0][2] in lex.roles.subject_openers:
        return span
    return _subject_of_kana(view, lex, verb, blocked)


def _subject_of_kana(view: SentenceView, lex: EventLexicon, verb: Hit, blocked: Spans) -> Span | None:
    """"وكانت فرقة مظلية من قوات مكافحة الإرهاب قد قتلت": the words between "كان" and "قد" right
    before the verb are its subject, however long (a phrase with "من" in it)."""
    back = view.words_before(verb.word_start, _KANA_WORDS + 2)
    if len(back) < 3 or back[-1][2] != "قد" or view.boundary_between(back[0][0], verb.word_start):
        return None
    for i in range(len(back) - 3, -1, -1):
        if back[i][2] in lex.roles.subject_openers and back[i][2] not in lex.roles.phrase_stops:
            words = back[i + 1 : -1]
            # ("وكان الآلاف من النيباليين قد خرجوا": the amount and its "من" are not the subject)
            while len(words) > 1 and (words[0][2] in lex.roles.quantifiers or words[0][2] == "من" or words[0][2].isdigit()):
                words = words[1:]
            start, end = words[0][0], words[-1][1]
            return None if any(s <= start < e or s < end <= e for s, e in blocked) else (start, end)
    return None


def _protest_target(view: SentenceView, lex: EventLexicon, lo: int, hi: int, blocked: Spans) -> Span | None:
    """Whom a protest is against: the phrase after the earliest target cue in the clause."""
    best: Span | None = None
    for cue in lex.roles.protest_targets:
        i = view.folded.find(cue, lo, hi)
        while i >= 0 and not opens_word(view, i):
            i = view.folded.find(cue, i + 1, hi)
        if i >= 0 and (best is None or i < best[0]):
            best = (i, i + len(cue))
    if best is None:
        return None
    end = best[1]
    if end < len(view.folded) and view.folded[end - 1] != " " and view.folded[end].isalpha():
        # "تنديداً بالانقلاب": the preposition is written onto the noun; the phrase starts inside the word
        word = next(((ws, we) for ws, we, _w in view.words_from(best[0], 6) if ws < end < we), None)
        if word is not None:
            span = phrase_span(view, lex, word[0], blocked=blocked)
            return _demand_cut(view, (end, span[1])) if span is not None and span[1] > end else None
    span = phrase_span(view, lex, end, blocked=blocked)
    return _demand_cut(view, span) if span is not None else None


def _demand_cut(view: SentenceView, span: Span) -> Span:
    """"يطالبون المجلس المحلي بتحسين الخدمات": whom they ask, without what they ask for ("بـ…")."""
    for ws, _we, w in view.words_from(span[0], 8):
        if ws >= span[1]:
            break
        if ws > span[0] and w.startswith("ب") and len(w) > 3:
            return span[0], view.words_before(ws, 1)[0][1]
    return span
