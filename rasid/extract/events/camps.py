"""Camps of the war (the lexicon's `camps`): government incl. Russia and Iran, rebels, Kurdish-led.

An actor's camp comes from its side, or for a foreign state from its country (or its nearest
ancestor's in the actor knowledge base).
"""

from __future__ import annotations

from functools import lru_cache

from rasid.extract.events.fields import RoleActor
from rasid.extract.events.lexicon import EventLexicon


@lru_cache(maxsize=4096)
def _country_of(actor_id: str) -> str | None:
    """An actor's country, or the nearest ancestor's (a unit of the Russian forces is Russian)."""
    from rasid.knowledge.actors import load_actors

    kb = load_actors()
    if actor_id not in kb:
        return None
    chain = [kb.get(actor_id), *kb.parents(actor_id)]
    return next((x.country for x in chain if x.country), None)


@lru_cache(maxsize=4096)
def kin(first: str, second: str) -> bool:
    """Whether two actors of the knowledge base are one party: the same, or one a unit of the
    other (the air force and the army of a state; not two militias of one camp)."""
    from rasid.knowledge.actors import load_actors

    if first == second:
        return True
    kb = load_actors()
    if first not in kb or second not in kb:
        return False
    return any(p.id == second for p in kb.parents(first)) or any(p.id == first for p in kb.parents(second))


def camp_of(actor: RoleActor | None, lex: EventLexicon) -> str | None:
    if not actor or not actor.id:
        return None
    side = actor.side
    if side == "foreign_state":
        country = _country_of(str(actor.id))
        return lex.camps.countries.get(country) if country else None
    return lex.camps.sides.get(str(side)) if side else None


def sides_by_camp(
    actor1: RoleActor | None, actor2: RoleActor | None, assoc: list[RoleActor], lex: EventLexicon
) -> tuple[RoleActor | None, list[RoleActor]]:
    """"معارك بين الجيش وحزب الله وفصائل درعا": the first two named are allies; the
    side of the other camp is the opponent, and the ally fights along with actor1."""
    camp1, camp2 = camp_of(actor1, lex), camp_of(actor2, lex)
    if camp1 is None or camp1 != camp2:
        return actor2, assoc
    other = next((a for a in assoc if camp_of(a, lex) not in (None, camp1)), None)
    if other is None or actor2 is None:
        return actor2, assoc
    return other, [actor2, *(a for a in assoc if a is not other)]
