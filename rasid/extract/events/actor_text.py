"""Whether words of the text can stand in a role: not a place, a weapon, a verb or a lone adjective
("إيرانية"); and what they stand for. Words are never an actor of their own (issue 14): they are
coded as the role actor they name (unidentified gunmen, civilians, protesters, a state's forces by
its nationality adjective) or the role stays empty."""

from __future__ import annotations

from collections.abc import Sequence

from rasid.extract.events.fields import RoleActor
from rasid.extract.events.kinds import CIVILIAN_CATEGORIES, Plover
from rasid.extract.events.lexicon import EventLexicon, KnownActor
from rasid.extract.events.sentence import SentenceView
from rasid.text.fold import proclitic_variants
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


def actor_text_ok(text: str, lex: EventLexicon, *, acting: bool = False) -> bool:
    """Whether an unlinked actor text reads as a noun phrase that can act or suffer: it does not
    open with a verb, a weapon or a place noun, and is not a lone adjective. The acting side
    (`acting`) must also name a party (`names_party`): what was hit may be anyone or anything
    (PLOVER's target), who did it is a force, a group or people."""
    words = normalize_word(text).split()
    if not words:
        return False
    first = words[0]
    bare = first[1:] if first[:1] in "وف" and len(first) > 3 else first
    not_actor = lex.actor_text.not_actor
    if _opens_with_verb(first, lex) or " ".join(words[:2]) in not_actor:
        return False
    if len(words) == 1 and first[:1] == "و" and len(bare) in (4, 5) and bare[-1] == "ت" and bare[-2] not in "اوي":
        return False  # "وأسرت": a verb of the next clause (its feminine perfect), not a noun
    if lex.is_place_head(first) or bare in not_actor:
        return False
    if len(words) == 1 and (first in lex.roles.verb_particles or first in lex.roles.actor_lead_words):
        return False  # ("كما", "حيث": a particle left of the next clause names no one)
    if len(words) == 1 and _lone_adjective(first, lex):
        return False
    return names_party(words, lex) if acting else True


def names_party(words: Sequence[str], lex: EventLexicon) -> bool:
    """Whether folded words name a party: a party noun, a person noun, a generic head or a people
    by its nisba ("عراقيين") among the first two words, or a nationality adjective ("دبابة
    إسرائيلية")."""
    rules = lex.actor_text
    for w in words[:2]:
        if w in lex.roles.own_forces or (w[:1] == "و" and w[1:] in lex.roles.own_forces):
            return True  # ("قواتنا", "عناصره": whose they are is read later, see `context`)
        if lex.category_of(w) is not None or (len(w) > 5 and w.endswith(("يين", "يون"))):
            return True
        if any(v in rules.party_heads or v in rules.generic for v in proclitic_variants(w)):
            return True
    return any(any(v in lex.roles.means_nationality for v in proclitic_variants(w)) for w in words)


def checked_actor(
    view: SentenceView, lex: EventLexicon, actor: RoleActor | None, places: Sequence[tuple[int, int]],
    trigger_end: int | None = None, named: Sequence[tuple[int, int]] = (),
) -> RoleActor | None:
    """An unlinked actor as it may stand, or None: a place ("على مدينة X", a place mention) is no
    actor; a verb before a noun phrase is dropped ("أحكمت قواتنا" -> "قواتنا"); a text that is
    still no noun phrase of an actor is dropped. With `trigger_end`, a lone nationality adjective
    of the event noun itself names the attacker ("ضربة جوية أميركية"). `named` are the spans of
    the sentence's name mentions that no known actor links ("حركة طالبان", a person): a name is a
    party, it may act though its words hold no party noun."""
    if actor is None or actor.id or actor.side or not actor.text:
        return actor
    span = actor.span
    if span is not None:
        s = span[0]
        if any(ps <= s < pe for ps, pe in places):
            return None
        if trigger_end is not None and trigger_end <= s and not view.boundary_between(trigger_end, s):
            between = [w for w in view.words_from(trigger_end, 4) if w[0] < s]
            words = normalize_word(str(actor.text)).split()
            if (
                len(words) == 1 and _lone_adjective(words[0], lex) and all(_lone_adjective(w[2], lex) for w in between)
                and not _opens_with_verb(words[0], lex) and words[0] not in lex.actor_text.not_actor
            ):
                return role_actor(view, lex, actor, 1, _plover_at(view, lex, trigger_end))
        if any(h.word_start == s and h.payload is not None and not h.payload[0].in_actor_names for h in view.find(lex.triggers)):
            return None  # an event noun or its means ("بانفجار", "غارات"), not who took part
        before = view.words_before(s, 1)
        if before and lex.is_place_head(before[0][2]) and not view.boundary_between(before[0][1], s):
            return None  # "مدينة أريحا": the place noun was left out of the phrase
    # (the acting side is a party: "المملكة تدين" is none; what was hit may be any noun phrase, its
    # words are PLOVER's target and the notes', and a protest's become what it was against)
    acting = trigger_end is not None and (span is None or span not in named)
    if span is not None:
        inside = [w for w in view.words_from(span[0], lex.roles.max_phrase_words + 2) if w[0] < span[1]]
        if len(inside) > 1 and _opens_with_verb(inside[0][2], lex):
            rest = (inside[1][0], span[1])
            text = view.original(*rest)
            if actor_text_ok(text, lex, acting=acting):
                return actor.but(text=text, span=rest)
    if not actor_text_ok(str(actor.text), lex, acting=acting):
        return None
    if trigger_end is not None:
        return role_actor(view, lex, actor, 1, _plover_at(view, lex, trigger_end))
    protest = any(h.payload is not None and h.payload[0].plover == Plover.PROTEST for h in view.find(lex.triggers))
    return actor if protest else role_actor(view, lex, actor, 2, None)


def _plover_at(view: SentenceView, lex: EventLexicon, trigger_end: int) -> str | None:
    hit = next((h for h in view.find(lex.triggers) if h.end == trigger_end and h.payload is not None), None)
    return str(hit.payload[0].plover) if hit is not None else None


def named_role_actor(words: Sequence[str], lex: EventLexicon, role: int, plover: str | None) -> KnownActor | None:
    """The role actor unlinked words stand for, or None: a nationality adjective names that state's
    forces ("مقاتلات تابعة لسلاح الجو التركي"); a head word of `actor_text.generic` its actor
    ("مسلحون ملثمون"); civilian words the civilians; any crowd of a protest the protesters."""
    bare = [w[1:] if w[:1] in "وف" and len(w) > 3 else w for w in words]
    head = next((w for w in bare if w not in lex.roles.quantifiers and not w.isdigit()), None)  # ("عشرات المدنيين")
    if role == 2 and head is not None and lex.category_of(head) in CIVILIAN_CATEGORIES:
        return lex.role_actors.civilians  # ("5 مواطنين سوريين": civilians, not Syria's forces)
    for w in bare:
        state = lex.roles.means_nationality.get(w)
        if state is not None:
            return state
    generic = lex.actor_text.generic
    for w in bare[:2]:
        known = generic.get(w)
        if known is not None and (known.id != lex.role_actors.protesters.id or plover == Plover.PROTEST):
            return known
    if role == 1 and plover == Plover.PROTEST:
        return lex.role_actors.protesters
    if head is not None and lex.category_of(head) in CIVILIAN_CATEGORIES:
        return lex.role_actors.civilians
    return None


def role_actor(
    view: SentenceView, lex: EventLexicon, actor: RoleActor | None, role: int, plover: str | None
) -> RoleActor | None:
    """An unlinked actor as the role actor its words name (its words kept as `text`), else its
    words alone: no ACLED actor, only the text PLOVER's source/target and the notes show. A known
    actor, or one already coded by role (a side), stays as it is."""
    if actor is None or actor.id or actor.side or not actor.text:
        return actor
    known = named_role_actor(normalize_word(str(actor.text)).split(), lex, role, plover)
    if known is None:
        return actor
    if known.id in (lex.role_actors.civilians.id, lex.role_actors.protesters.id):
        return actor.as_known(known)  # (a role actor by its part: the record keeps no id for it)
    return actor.but(id=known.id, side=known.side, inter=known.inter, name=known.name)


def settle_unlinked(
    view: SentenceView, lex: EventLexicon, actor1: RoleActor | None, actor2: RoleActor | None, plover: str | None
) -> tuple[RoleActor | None, RoleActor | None]:
    """The last word on the roles once the victims and a protest's target are read: words left in
    a role ("جنديين تركيين" from the victims) become the role actor they name (a hook for the
    candidate builder, after `victims_as_target`)."""
    return role_actor(view, lex, actor1, 1, plover), role_actor(view, lex, actor2, 2, plover)
