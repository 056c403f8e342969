"""Whether words of the text can stand as an unlinked actor: not a place, a weapon, a verb or a
lone adjective ("إيرانية")."""

from __future__ import annotations

from collections.abc import Sequence

from rasid.extract.events.fields import RoleActor
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.sentence import SentenceView
from rasid.text.normalize import normalize_word


def _opens_with_verb(word: str, lex: EventLexicon) -> bool:
    """A verb where an actor's first word should be: an event or reporting verb, a naming verb
    ("سمتهم"), or the feminine perfect of a derived verb ("أحكمت", "أطلقت": alif, three letters, ت)."""
    bare = word[1:] if word[:1] in "وف" and len(word) > 3 else word
    not_actor = lex.actor_text.not_actor
    if any(w in lex.roles.verbs or w in lex.attribution.verbs or w in not_actor for w in (word, bare)):
        return True
    return len(bare) == 5 and bare[0] == "ا" and bare[-1] == "ت" and bare[-2] not in "اوي"


def _lone_adjective(word: str, lex: EventLexicon) -> bool:
    """A nisba standing alone ("إيرانية", "صاروخي"): it qualifies a noun, it names no one."""
    bare = word[1:] if word[:1] in "وف" and len(word) > 3 else word
    if bare.startswith("ال") or bare in lex.actor_text.nisba_nouns or lex.category_of(word):
        return False  # "الداخلية", "الصحافي": with the article, a nisba is a noun of its own
    return len(bare) >= 4 and (bare.endswith("ي") or bare.endswith("يه"))


def actor_text_ok(text: str, lex: EventLexicon) -> bool:
    """Whether an unlinked actor text reads as a noun phrase that can act or suffer: it does not
    open with a verb, a weapon or a place noun, and is not a lone adjective."""
    words = normalize_word(text).split()
    if not words:
        return False
    first = words[0]
    bare = first[1:] if first[:1] in "وف" and len(first) > 3 else first
    not_actor = lex.actor_text.not_actor
    if _opens_with_verb(first, lex) or " ".join(words[:2]) in not_actor:
        return False
    if lex.is_place_head(first) or bare in not_actor:
        return False
    return not (len(words) == 1 and _lone_adjective(first, lex))


def checked_actor(
    view: SentenceView, lex: EventLexicon, actor: RoleActor | None, places: Sequence[tuple[int, int]],
    trigger_end: int | None = None,
) -> RoleActor | None:
    """An unlinked actor as it may stand, or None: a place ("على مدينة X", a place mention) is no
    actor; a verb before a noun phrase is dropped ("أحكمت قواتنا" -> "قواتنا"); a text that is
    still no noun phrase of an actor is dropped. With `trigger_end`, a lone nationality adjective
    of the event noun itself names the attacker ("ضربة جوية أميركية")."""
    if actor is None or actor.id or actor.side or not actor.text:
        return actor
    span = actor.span
    if span is not None:
        s, e = span
        if any(ps <= s < pe for ps, pe in places):
            return None
        if trigger_end is not None and trigger_end <= s and not view.boundary_between(trigger_end, s):
            between = [w for w in view.words_from(trigger_end, 4) if w[0] < s]
            words = normalize_word(str(actor.text)).split()
            if (
                len(words) == 1 and _lone_adjective(words[0], lex) and all(_lone_adjective(w[2], lex) for w in between)
                and not _opens_with_verb(words[0], lex) and words[0] not in lex.actor_text.not_actor
            ):
                return actor
        if any(h.word_start == s and h.payload is not None and not h.payload[0].in_actor_names for h in view.find(lex.triggers)):
            return None  # an event noun or its means ("بانفجار", "غارات"), not who took part
        before = view.words_before(s, 1)
        if before and lex.is_place_head(before[0][2]) and not view.boundary_between(before[0][1], s):
            return None  # "مدينة أريحا": the place noun was left out of the phrase
        inside = [w for w in view.words_from(s, lex.roles.max_phrase_words + 2) if w[0] < e]
        if len(inside) > 1 and _opens_with_verb(inside[0][2], lex):
            rest = (inside[1][0], e)
            text = view.original(*rest)
            if actor_text_ok(text, lex):
                return actor.but(text=text, span=rest)
    return actor if actor_text_ok(str(actor.text), lex) else None
