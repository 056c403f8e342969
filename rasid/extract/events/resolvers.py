"""Sub-type resolvers: small rules that refine a trigger's ACLED type from its sentence.

A trigger of the lexicon names one with `resolve: <name>`; the loader rejects a name that is not
registered here. A new rule is one function decorated with `@resolver("name")`, returning the
(event type, sub-type) to code, or None to keep the trigger's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasid.extract.events.fields import RoleActor
from rasid.extract.events.kinds import Acled
from rasid.extract.events.lexicon import EventLexicon, Trigger
from rasid.extract.events.sentence import SentenceView


@dataclass(slots=True)
class Resolution:
    """What a resolver may read of the event being coded."""

    view: SentenceView
    lex: EventLexicon
    trigger: Trigger
    actor1: RoleActor | None
    killed: dict[str, Any] | None
    injured: dict[str, Any] | None
    civilians_hit: bool  # civilians among the killed or hurt
    combatants_hit: bool  # fighters among the killed or hurt
    form: str = ""  # the trigger's form as matched (folded)
    allies: tuple[RoleActor, ...] = ()  # actors acting with actor1
    start: int = -1  # where the trigger stands in the folded sentence


Resolver = Callable[[Resolution], "tuple[str, str] | None"]

RESOLVERS: dict[str, Resolver] = {}


def resolver(name: str) -> Callable[[Resolver], Resolver]:
    """Register a resolver under the name the lexicon's `resolve:` uses."""

    def register(func: Resolver) -> Resolver:
        if name in RESOLVERS:
            raise ValueError(f"resolver {name!r} registered twice")
        RESOLVERS[name] = func
        return func

    return register


def resolve(r: Resolution) -> tuple[str, str]:
    """The event's (type, sub-type): the trigger's, refined by its resolver if it names one."""
    own = (r.trigger.event_type, r.trigger.sub_event_type)
    if r.trigger.resolve is None:
        return own
    return RESOLVERS[r.trigger.resolve](r) or own


@resolver("victims")
def _victims(r: Resolution) -> tuple[str, str] | None:
    """Killing or shooting: civilians only hurt, or an execution with no fighter counted among
    the dead, make an attack on civilians, else a clash."""
    if r.civilians_hit and not r.combatants_hit:
        return Acled.VIOLENCE_AGAINST_CIVILIANS, Acled.ATTACK
    if not r.combatants_hit and r.view.find(r.lex.resolve.executions):
        return Acled.VIOLENCE_AGAINST_CIVILIANS, Acled.ATTACK
    return Acled.BATTLES, Acled.ARMED_CLASH


@resolver("attack")
def _attack(r: Resolution) -> tuple[str, str] | None:
    """An attack ("هجوم", "هاجم", not "اشتباكات") that hurt civilians only is an attack on civilians."""
    if r.civilians_hit and not r.combatants_hit and r.form in r.lex.resolve.attack_forms.words:
        return Acled.VIOLENCE_AGAINST_CIVILIANS, Acled.ATTACK
    return None


# Words a defusing verb may stand from the bomb word, in its clause ("فككت فرق الهندسة في الجيش 15 عبوة").
_DEFUSE_WINDOW = 6


@resolver("defused")
def _defused(r: Resolution) -> tuple[str, str] | None:
    """A bomb found and made safe ("تفكيك 15 عبوة ناسفة", "أبطلت مفعول قنبلة", "تدمير خمس عجلات
    مفخخة") is a disrupted weapons use, not an explosion, unless people were hurt."""
    if r.start < 0 or any(x and (x.get("total") or x.get("reported")) for x in (r.killed, r.injured)):
        return None
    view = r.view
    for verb in view.find(r.lex.resolve.defusing):
        if (
            verb.end <= r.start
            and view.words_between(verb.end, r.start) <= _DEFUSE_WINDOW
            and view.clause_of(verb.start, weak=True) == view.clause_of(r.start, weak=True)
        ):
            return Acled.STRATEGIC, Acled.DISRUPTED_WEAPONS
    return None


@resolver("territory")
def _territory(r: Resolution) -> tuple[str, str] | None:
    """A capture with the state's own forces among the takers is "Government regains territory"."""
    rules = r.lex.resolve
    sides = {a.side for a in (r.actor1, *r.allies) if a is not None}
    regaining = rules.regaining_sides or rules.government_sides
    if sides & regaining:
        return r.trigger.event_type, Acled.GOVERNMENT_REGAINS
    return None


@resolver("withdrawal")
def _withdrawal(r: Resolution) -> tuple[str, str] | None:
    """A withdrawal that hands positions over is a "Non-violent transfer of territory"."""
    if r.view.find(r.lex.resolve.handover):
        return r.trigger.event_type, Acled.TRANSFER_OF_TERRITORY
    return None


@resolver("protest")
def _protest(r: Resolution) -> tuple[str, str] | None:
    """Deaths make "Excessive force against protesters"; dispersal cues "Protest with intervention"."""
    killed = r.killed
    if killed and (killed.get("total") or killed.get("reported")):
        return r.trigger.event_type, Acled.EXCESSIVE_FORCE
    if r.view.find(r.lex.resolve.protest_intervention):
        return r.trigger.event_type, Acled.PROTEST_WITH_INTERVENTION
    return None
