"""The names the event rules test or write: ACLED and PLOVER types, trigger names, casualty kinds.

The lexicon (`data/event_lexicon.yaml`) is checked against these when it is loaded, so a rule never
refers to a kind the data does not define. ACLED names are plain strings because they are written
into the records as they are; the vocabularies only compared with are `StrEnum`s.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class Acled:
    """ACLED event types and the sub-types the rules name."""

    BATTLES: Final = "Battles"
    REMOTE_VIOLENCE: Final = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS: Final = "Violence against civilians"
    PROTESTS: Final = "Protests"
    RIOTS: Final = "Riots"
    STRATEGIC: Final = "Strategic developments"

    ARMED_CLASH: Final = "Armed clash"
    GOVERNMENT_REGAINS: Final = "Government regains territory"
    NON_STATE_OVERTAKES: Final = "Non-state actor overtakes territory"
    ATTACK: Final = "Attack"
    PEACEFUL_PROTEST: Final = "Peaceful protest"
    PROTEST_WITH_INTERVENTION: Final = "Protest with intervention"
    EXCESSIVE_FORCE: Final = "Excessive force against protesters"
    TRANSFER_OF_TERRITORY: Final = "Non-violent transfer of territory"
    DISRUPTED_WEAPONS: Final = "Disrupted weapons use"
    OTHER: Final = "Other"


ACLED_EVENT_TYPES: Final[dict[str, frozenset[str]]] = {
    Acled.BATTLES: frozenset({Acled.ARMED_CLASH, Acled.GOVERNMENT_REGAINS, Acled.NON_STATE_OVERTAKES}),
    Acled.REMOTE_VIOLENCE: frozenset(
        {
            "Air/drone strike",
            "Shelling/artillery/missile attack",
            "Remote explosive/landmine/IED",
            "Suicide bomb",
            "Grenade",
        }
    ),
    Acled.VIOLENCE_AGAINST_CIVILIANS: frozenset({Acled.ATTACK, "Abduction/forced disappearance", "Sexual violence"}),
    Acled.PROTESTS: frozenset({Acled.PEACEFUL_PROTEST, Acled.PROTEST_WITH_INTERVENTION, Acled.EXCESSIVE_FORCE}),
    Acled.RIOTS: frozenset({"Violent demonstration", "Mob violence"}),
    Acled.STRATEGIC: frozenset(
        {
            "Agreement",
            "Arrests",
            "Change to group/activity",
            Acled.DISRUPTED_WEAPONS,
            "Headquarters or base established",
            "Looting/property destruction",
            Acled.TRANSFER_OF_TERRITORY,
            Acled.OTHER,
        }
    ),
}

# Event types of violence: a toll without an event word may complete any of them.
VIOLENT_TYPES: Final = frozenset({Acled.BATTLES, Acled.REMOTE_VIOLENCE, Acled.VIOLENCE_AGAINST_CIVILIANS})


class Plover(StrEnum):
    """PLOVER event types (a trigger's `plover`)."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class TriggerName(StrEnum):
    """Triggers the rules name; the lexicon must define each of them."""

    KILL = "kill"  # the generic words ("قتل", "استهدف"): the type only when nothing more specific is there
    SHOOTING = "shooting"
    CLASH = "clash"
    SHELLING = "shelling"
    TERRITORY = "territory"
    MEETING = "meeting"
    AGREEMENT = "agreement"
    AIRSTRIKE = "airstrike"
    SHOOT_DOWN = "shoot_down"


# Casualty kinds (a fact's `kind`, the `killed` / `injured` fields).
KILLED: Final = "killed"
INJURED: Final = "injured"
CASUALTY_KINDS: Final = (KILLED, INJURED)


class Category:
    """Categories of people in casualty counts (the lexicon's `casualties.categories`)."""

    CIVILIANS: Final = "civilians"
    CHILDREN: Final = "children"
    WOMEN: Final = "women"
    COMBATANTS: Final = "combatants"
    PERSONS: Final = "persons"  # people of no stated kind ("أشخاص")
    OTHERS: Final = "others"  # "آخرون": more of the people counted before


CATEGORIES: Final = frozenset(
    {Category.CIVILIANS, Category.CHILDREN, Category.WOMEN, Category.COMBATANTS, Category.PERSONS, Category.OTHERS}
)
CIVILIAN_CATEGORIES: Final = (Category.CIVILIANS, Category.CHILDREN, Category.WOMEN)


class DateFrom:
    """Where an event's date came from (`date_from`)."""

    TEXT: Final = "text"
    CONTEXT: Final = "context"  # an earlier sentence of the paragraph
    PUBLICATION: Final = "publication"


# Dates the text gives (its own sentence or the one before), not the publication day.
TEXT_DATES: Final = (DateFrom.TEXT, DateFrom.CONTEXT)

# Hedge kinds of the lexicon's `hedging` entries; a denial keeps the denier out of the roles.
DENIAL: Final = "denial"
HEDGE_KINDS: Final = frozenset({"rumour", "uncertain", DENIAL, "disputed", "hedge"})
