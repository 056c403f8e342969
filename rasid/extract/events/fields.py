"""Typed fields of an event while it is coded; `EventFields.record()` writes `Event.fields`.

The record is stored and exported, so its dicts keep the exact keys and key order they have always
had (see `RoleActor.record`). The small field objects are values: they are shared between merged
candidates and never changed in place (`RoleActor.but` makes a changed copy). They are not frozen
only because a frozen dataclass costs several times more to build, and thousands are built per
hundred articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasid.document import Mention
from rasid.extract.events.attribution import Attribution
from rasid.extract.events.lexicon import KnownActor
from rasid.extract.events.sentence import ActorRef
from rasid.knowledge.places import Place, country_of


@dataclass(slots=True)
class RoleActor:
    """An actor in a role of an event (actor1, actor2 or associated): known (`id`) or words of the text."""

    id: str | None
    text: str | None
    side: str | None = None
    inter: int | None = None
    name: str | None = None
    # Folded-sentence offsets of its words while the sentence is read (they give the role's span).
    span: tuple[int, int] | None = None
    joins: int | None = None  # an associated actor: the role (1 or 2) it acts with
    # Victims named by the text alone take the actor2 slot with their words set last: their
    # records have always listed `text` after `name`.
    text_last: bool = False

    @classmethod
    def of(cls, ref: ActorRef, *, spanned: bool = False) -> RoleActor:
        """The actor of a mention in the sentence (with its span when `spanned`)."""
        return cls(ref.id, ref.text, ref.side, ref.inter, ref.name, (ref.start, ref.end) if spanned else None)

    @classmethod
    def words(cls, text: str, span: tuple[int, int] | None) -> RoleActor:
        """An unlinked actor: words of the text that name no known actor."""
        return cls(None, text, span=span)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RoleActor:
        """An actor from its record form (a casualty count's actor)."""
        return cls(record["id"], record["text"], record["side"], record["inter"], record["name"])

    def but(self, **changes: Any) -> RoleActor:
        """A copy with some fields changed (`dataclasses.replace`, without its per-call introspection)."""
        get = changes.get
        return RoleActor(
            get("id", self.id), get("text", self.text), get("side", self.side), get("inter", self.inter),
            get("name", self.name), get("span", self.span), get("joins", self.joins), get("text_last", self.text_last),
        )

    def as_known(self, actor: KnownActor) -> RoleActor:
        """These words coded as a role actor of the knowledge base (no id: the words stay the record's)."""
        return self.but(id=None, side=actor.side, inter=actor.inter, name=actor.name)

    def record(self) -> dict[str, Any]:
        if self.text_last:
            out = {"id": self.id, "side": self.side, "inter": self.inter, "name": self.name, "text": self.text}
        else:
            out = {"id": self.id, "text": self.text, "side": self.side, "inter": self.inter, "name": self.name}
        if self.joins is not None:
            out["with"] = self.joins
        return out


def role_id(actor: RoleActor | None) -> str | None:
    """The actor's id, if there is a known actor in the role."""
    return actor.id if actor is not None else None


@dataclass(slots=True)
class Victims:
    """The people killed or hurt, in the text's words, and their category (PLOVER's target)."""

    text: str | None
    category: str

    def record(self) -> dict[str, Any]:
        return {"text": self.text, "category": self.category}


@dataclass(slots=True)
class ProtestTarget:
    """What a protest was against, in its words ("الحصار المفروض")."""

    text: str | None

    def record(self) -> dict[str, Any]:
        return {"text": self.text}


@dataclass(slots=True)
class Location:
    place_id: str | None
    name: str  # the place's own name ("الطلحية")
    text: str  # the words as written ("قريتي الطلحية")
    name_en: str | None
    lat: float | None
    lon: float | None
    admin1: str | None
    admin2: str | None
    geo_precision: int | None
    container_id: str | None
    country: str | None = None  # as ACLED spells it ("Yemen")
    iso: int | None = None  # ISO 3166 numeric

    @classmethod
    def of(cls, m: Mention) -> Location:
        a = m.attrs
        return cls(
            m.kb_id, a.get("name") or m.text, m.text, a.get("name_en"), a.get("lat"), a.get("lon"),
            a.get("admin1"), a.get("admin2"), a.get("geo_precision"), a.get("container_id"),
            a.get("country"), a.get("iso"),
        )

    @classmethod
    def of_place(cls, place: Place, text: str) -> Location:
        """A gazetteer place as an event's location, named in the text by `text`."""
        country = country_of(place.country)
        return cls(
            place.id, place.name_ar, text, place.name_en, place.lat, place.lon, place.admin1, place.admin2,
            place.geo_precision, place.parent, country.name_en if country else None, country.iso if country else None,
        )

    @property
    def precision(self) -> int:
        """ACLED geo precision, 3 (the least precise) when unknown."""
        return int(self.geo_precision or 3)

    def record(self) -> dict[str, Any]:
        return {
            "place_id": self.place_id,
            "name": self.name,
            "text": self.text,
            "name_en": self.name_en,
            "lat": self.lat,
            "lon": self.lon,
            "admin1": self.admin1,
            "admin2": self.admin2,
            "geo_precision": self.geo_precision,
            "container_id": self.container_id,
            "country": self.country,
            "iso": self.iso,
        }


@dataclass(slots=True)
class Evidence:
    """The sentence an event was read from (document offsets)."""

    text: str
    start: int
    end: int

    def record(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class EventFields:
    """Everything an event says besides its type; `record()` is `Event.fields`."""

    plover_type: str
    plover_mode: str
    trigger: str
    actor1: RoleActor | None
    actor2: RoleActor | None
    assoc_actors: list[RoleActor]
    victims: Victims | None
    protest_target: ProtestTarget | None
    location: Location | None
    date: str | None
    date_precision: str | None
    date_from: str | None
    killed: dict[str, Any] | None  # casualty records, built in their stored shape by casualties.summarize
    injured: dict[str, Any] | None
    attributed_to: list[Attribution]
    hedged: bool
    hedge_cue: str | None
    hedge_kind: str | None
    denied_by: list[ActorRef]
    evidence: Evidence
    sentence_index: int
    background: bool = False
    location_from: str | None = None  # anaphora | context | headline, when the place came from elsewhere
    opponent_from: str | None = None  # "article": a battle's other side named in the sentences around
    more_evidence: list[Evidence] | None = None  # the sentences of reports merged into this one
    special: list[str] | None = None  # why it is no reportable incident (incident.py); [] for one
    # ISO-3 of the country a strike or a shell came from, when another than where it fell
    # ("سقوط مقذوف على منزل بقرية المغيرة من داخل الأراضي اليمنية"): an unknown attacker is of that country
    launched_from: str | None = None

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "plover_type": self.plover_type,
            "plover_mode": self.plover_mode,
            "trigger": self.trigger,
            "actor1": self.actor1.record() if self.actor1 is not None else None,
            "actor2": self.actor2.record() if self.actor2 is not None else None,
            "assoc_actors": [a.record() for a in self.assoc_actors],
            # the people killed or hurt in the text's words, whatever actor2 is (PLOVER's target)
            "victims": self.victims.record() if self.victims is not None else None,
            "protest_target": self.protest_target.record() if self.protest_target is not None else None,
            "location": self.location.record() if self.location is not None else None,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_from": self.date_from,
            "killed": self.killed,
            "injured": self.injured,
            "attributed_to": [a.record() for a in self.attributed_to],
            "hedged": self.hedged,
            "hedge_cue": self.hedge_cue,
            "hedge_kind": self.hedge_kind,
            "denied_by": [d.as_dict() for d in self.denied_by],
            "evidence": self.evidence.record(),
            "sentence_index": self.sentence_index,
            "background": self.background,
        }
        if self.location_from is not None:
            out["location_from"] = self.location_from
        if self.opponent_from is not None:
            out["opponent_from"] = self.opponent_from
        if self.more_evidence is not None:
            out["more_evidence"] = [e.record() for e in self.more_evidence]
        if self.special is not None:
            out["special"] = list(self.special)
        if self.launched_from is not None:
            out["launched_from"] = self.launched_from
        return out
