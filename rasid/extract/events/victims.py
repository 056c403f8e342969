"""The people killed or hurt, in the text's words: whom the event was done to (PLOVER's target)."""

from __future__ import annotations

from collections.abc import Sequence

from rasid.extract.events.actor_text import role_actor
from rasid.extract.events.casualties import CasualtyFact
from rasid.extract.events.fields import RoleActor, Victims
from rasid.extract.events.kinds import CIVILIAN_CATEGORIES, INJURED, KILLED, Category
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.phrases import phrase_span
from rasid.extract.events.sentence import SentenceView, is_means
from rasid.text.normalize import normalize, normalize_word


def victims_as_target(
    view: SentenceView,
    lex: EventLexicon,
    facts: Sequence[CasualtyFact],
    actor1: RoleActor | None,
    actor2: RoleActor | None,
    protest: bool = False,
) -> tuple[RoleActor | None, RoleActor | None, Victims | None]:
    """The victims of the event, and the roles once they are known.

    "إن جنديا عراقيا قتل وأصيب آخر": a phrase naming people ("جنديا", "مدنيين") right before a
    killed word with no count after it, or the counted victims themselves, is not the doer.
    Returns (actor1, actor2, victims). Victims of a kind ACLED codes as an actor (civilians,
    fighters) fill an empty actor2; people of no stated kind ("رجل", "أشخاص") only the victims.
    """
    if actor2 is not None and not actor2.id and actor2.text:
        first = str(actor2.text).split()[0]
        if lex.category_of(normalize_word(first)) == Category.OTHERS:
            actor2 = None  # "وأصيب ثلاثة آخرون": more victims, not an actor
    span = actor1.span if actor1 is not None else None
    if not protest and actor1 is not None and span is not None and (not actor1.id or actor1.side == "civilian"):
        head = view.words_from(span[0], 1)
        counted_after = any(f.count is not None and f.start >= span[1] for f in facts)
        verb_right_after = any(
            f.count is None and f.start >= span[1] and view.words_between(span[1], f.start) == 0 for f in facts
        )
        is_counted = any(f.count is not None and f.start <= span[0] < f.end for f in facts)
        category = lex.category_of(head[0][2]) if head else None
        if category and ((verb_right_after and not counted_after) or is_counted):
            if category != Category.PERSONS and (actor2 is None or not actor2.id):
                actor2 = role_actor(view, lex, actor1, 2, None)  # ("جنديين تركيين": Turkey's forces)
            return None, actor2, Victims(actor1.text, category)
    found = _victim_phrase(view, lex, facts)
    if found is None:
        return actor1, actor2, None
    noun_start, text, category = found
    civilians = lex.role_actors
    generic_civilians = actor2 is not None and not actor2.id and actor2.text == civilians.civilians_text
    if category != Category.PERSONS and (actor2 is None or generic_civilians):
        target = actor2 if actor2 is not None else RoleActor(None, None, text_last=True)
        if category in CIVILIAN_CATEGORIES:
            target = target.as_known(civilians.civilians)
        actor2 = target.but(text=text, span=(noun_start, noun_start + len(normalize(text).text)))
        if category not in CIVILIAN_CATEGORIES:
            actor2 = role_actor(view, lex, actor2, 2, None)  # ("جنديين تركيين": Turkey's forces)
    return actor1, actor2, Victims(text, category)


def _victim_phrase(view: SentenceView, lex: EventLexicon, facts: Sequence[CasualtyFact]) -> tuple[int, str, str] | None:
    """(start, words, category) of the victims: the people right before an uncounted killed word
    ("جنديا أميركيا قتل"), else the counted dead, else the counted hurt. "آخرون" (others) and a
    bare count ("ثلاثة") name nobody."""

    def named(start: int, end: int) -> tuple[int, str, str] | None:
        words = [w for w in view.words_from(start, 8) if w[0] < end]
        heads = [(ws, w, lex.category_of(w)) for ws, _we, w in words if not w.isdigit()]
        head = next(((ws, w, c) for ws, w, c in heads if c is not None), None)
        if head is None or head[2] == Category.OTHERS:
            return None
        phrase = view.phrase_after(head[0], lex).split()
        # ("عناصر الشرطة واصابة ثلاثة": a word joined by و starts the next item; "مدنياً قضوا": the
        # killed word ends the victims; "عناصر داعش بضربة جوية": so does the means)
        cas = lex.casualties
        verbs = {view.original(h.start, h.end) for h in (*view.find(cas.killed_cues), *view.find(cas.injured_cues))}
        folded = view.words_from(head[0], len(phrase))
        means = {h.start for h in view.find(lex.triggers) if h.start > h.word_start}
        cut = next(
            (
                i for i, w in enumerate(phrase)
                if i > 0 and (w.startswith("و") or w in verbs or is_means(normalize_word(w), lex)
                              or (i < len(folded) and folded[i][2][:1] == "ب" and folded[i][0] + 1 in means))
            ),
            len(phrase),
        )
        text = " ".join(phrase[:cut])
        return (head[0], text, head[2]) if text else None

    for f in facts:
        if f.kind == KILLED and f.count is None and f.sub_of is None:
            span = phrase_span(view, lex, f.start, backwards=True)
            if span is not None and span[1] <= f.start and view.words_between(span[1], f.start) == 0:
                got = named(*span)
                if got is not None:
                    return got
    for kind in (KILLED, INJURED):
        for f in facts:
            if f.kind == kind and f.sub_of is None and f.count is not None:
                got = named(f.start, f.end)
                if got is not None:
                    return got
    return None
