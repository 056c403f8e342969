"""Which coded events of a story tell the same incident.

Events of a story's articles are folded into incidents. Two events are one incident only when
nothing says otherwise:

- the same kind of event (violence, territory);
- the same day: two day-precision dates that differ are two incidents. An article with no
  publication date still says which day it means ("الخميس", "اليوم الجمعة", "قبل يومين"): its
  time expressions are resolved against a stand-in "today" (the weekday the article names for
  today, when it does), so two events of one article told on different days stay apart;
- the same place: the same gazetteer entry, one inside the other (a neighbourhood and its city,
  a town and its governorate), or two points closer than a small distance when both have their own
  coordinates. Two neighbourhoods of one city are two places.

Some things must also be shared: two kinds of violence (a shelling, a clash) are one incident only
on the same day or at the same place finer than a city; an event placed nowhere (or in a whole
country) joins only an incident of its own article, as its headline or told on the same day. A
headline is placed after its body and joins what the body tells.

Among the incidents an event may join it joins the one it fits best (same day, same place), so a
vague event ("in Aleppo", no day) does not decide which of two specific incidents absorb the next.
The limits (distance, which places are vague) are data: stories.yaml, `incidents`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rasid.document import Document
from rasid.knowledge.places import km_between
from rasid.stories._data import LexiconError, read_mapping

# A day an undated article names: ("day", n) once the article says which weekday "today" is;
# else ("rel", n) for "today"/"yesterday"/"two days ago" and ("wd", n) for a bare weekday.
DayTag = tuple[str, int]

_STAND_IN = dt.date(2001, 1, 1)  # a Monday; any date would do, only differences are used
_DAY_PRECISIONS = ("day", "part_of_day", "hour", "minute")


@dataclass(frozen=True)
class IncidentLexicon:
    near_km: float  # two places with their own coordinates closer than this may be one place
    vague_place_types: frozenset[str]  # a shared place of these types is no evidence of one incident
    unknown_actor_prefixes: tuple[str, ...]  # perpetrators that are no claim ("Unidentified ...")
    headline_max_chars: int  # a first line longer than this is a lead, not a headline
    unplaced_types: frozenset[str]  # a place this large ties no two reports to one incident


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"stories.yaml: 'incidents.{key}' must be a list of strings")
    return tuple(value)


@lru_cache(maxsize=1)
def incident_lexicon() -> IncidentLexicon:
    data = read_mapping("stories.yaml").get("incidents")
    if not isinstance(data, dict):
        raise LexiconError("stories.yaml: 'incidents' must be a mapping")
    near = data.get("near_km")
    if not isinstance(near, int | float) or near < 0:
        raise LexiconError("stories.yaml: 'incidents.near_km' must be a non-negative number")
    headline = data.get("headline_max_chars")
    if not isinstance(headline, int) or headline < 1:
        raise LexiconError("stories.yaml: 'incidents.headline_max_chars' must be a positive integer")
    return IncidentLexicon(
        headline_max_chars=headline,
        near_km=float(near),
        vague_place_types=frozenset(_strings(data, "vague_place_types")),
        unplaced_types=frozenset(_strings(data, "unplaced_types")),
        unknown_actor_prefixes=_strings(data, "unknown_actor_prefixes"),
    )


# ---------------------------------------------------------------------------------- places


def _ancestors(place_id: str | None) -> set[str]:
    if not place_id:
        return set()
    from rasid.knowledge.places import load_places

    return {p.id for p in load_places().containers(place_id)}


def _own_coordinates(place: Mapping[str, Any]) -> tuple[float, float] | None:
    """The place's coordinates when they are its own (geo-precision 1), not its city's or region's."""
    lat, lon = place.get("lat"), place.get("lon")
    if (
        place.get("geo_precision") != 1
        or not isinstance(lat, int | float)
        or not isinstance(lon, int | float)
    ):
        return None
    return float(lat), float(lon)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    return km_between(a[0], a[1], b[0], b[1])


def _lineage(place: Mapping[str, Any]) -> set[str]:
    """The places that contain this one: its gazetteer ancestors and the container the text named."""
    container = place.get("container_id")
    out = _ancestors(place.get("place_id")) | _ancestors(container)
    if container:
        out.add(str(container))
    return out


def same_place(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    """Whether two event locations may be the one place of one incident (unknown: yes)."""
    if not a or not b:
        return True
    ida, idb = a.get("place_id"), b.get("place_id")
    if not ida or not idb or ida == idb:
        return True
    if ida in _lineage(b) or idb in _lineage(a):
        return True
    pa, pb = _own_coordinates(a), _own_coordinates(b)
    return pa is not None and pb is not None and distance_km(pa, pb) <= incident_lexicon().near_km


def placed(place: Mapping[str, Any] | None) -> bool:
    """The event is located more finely than a country."""
    if not place or not place.get("place_id"):
        return False
    from rasid.knowledge.places import load_places

    known = load_places().get(str(place["place_id"]))
    kind = known.type if known is not None else str(place.get("place_type") or "")
    return kind not in incident_lexicon().unplaced_types


def specific_place(place: Mapping[str, Any] | None) -> str | None:
    """The place's id when it is finer than a city (a village, a neighbourhood, a base), else None."""
    if not place or not place.get("place_id"):
        return None
    from rasid.knowledge.places import load_places

    known = load_places().get(str(place["place_id"]))
    kind = known.type if known is not None else str(place.get("place_type") or "")
    return None if kind in incident_lexicon().vague_place_types else str(place["place_id"])


# ------------------------------------------------------------------------------------ days


def _resolved(text: str, today: dt.date) -> list[tuple[str, int, bool]]:
    """(kind, days after `today`, weekday conflict) of each day-precise expression in `text`."""
    from rasid.text.timex.api import find_times

    out: list[tuple[str, int, bool]] = []
    for m in find_times(text, today):
        if m.value is None or m.precision not in _DAY_PRECISIONS or m.kind not in ("relative", "weekday"):
            continue
        out.append((m.kind, (m.value - today).days, m.conflict))
    return out


class DayCalendar:
    """The days an undated article's time expressions name, relative to one another."""

    def __init__(self, doc: Document):
        self._tags: list[tuple[int, int, DayTag]] = []
        if doc.published is not None:
            return  # a dated article's events carry their dates
        texts = [(m.start, m.end, m.text) for m in doc.mentions_of("time")]
        if not texts:
            return
        # "اليوم الجمعة", "أمس الخميس": the one stand-in weekday with no conflict is the article's today.
        trials = []
        for shift in range(7):
            today = _STAND_IN + dt.timedelta(days=shift)
            found = [_resolved(t, today) for _s, _e, t in texts]
            trials.append((sum(c for items in found for _k, _d, c in items), today, found))
        conflicts = [c for c, _t, _f in trials]
        anchored = max(conflicts) > 0 and conflicts.count(0) == 1
        _c, today, found = trials[conflicts.index(0)] if anchored else trials[0]
        for (start, end, _text), items in zip(texts, found, strict=True):
            for kind, days, _conflict in items:
                if days > 0:
                    continue  # "بعد يوم", "غدا": not a day a report tells of as past
                if anchored:
                    tag: DayTag = ("day", days)
                elif kind == "weekday":
                    tag = ("wd", (today + dt.timedelta(days=days)).weekday())
                else:
                    tag = ("rel", days)
                self._tags.append((start, end, tag))

    def tag(self, spans: Iterable[tuple[int, int]]) -> DayTag | None:
        """The one day named inside the first of `spans` that names exactly one, else None."""
        for lo, hi in spans:
            tags = {t for s, e, t in self._tags if s >= lo and e <= hi}
            if len(tags) == 1:
                return tags.pop()
        return None


def event_spans(record: Mapping[str, Any]) -> list[tuple[int, int]]:
    """The event's own sentence first, then the sentences merged into it."""
    out = []
    for ev in [record.get("evidence"), *(record.get("more_evidence") or [])]:
        if isinstance(ev, dict) and isinstance(ev.get("start"), int) and isinstance(ev.get("end"), int):
            out.append((int(ev["start"]), int(ev["end"])))
    return out


def same_day_tag(a: DayTag, b: DayTag) -> bool | None:
    """True/False when the two tags are comparable, None when they are not."""
    if a[0] != b[0]:
        return None
    return a[1] == b[1]


# ------------------------------------------------------------------------------- incidents


def _ordinal(day: str) -> int:
    return dt.date.fromisoformat(day[:10]).toordinal()


@dataclass(frozen=True)
class EventKey:
    """What decides which incident an event belongs to."""

    family: str  # violence | territory
    place: dict[str, Any] | None = None
    date: str | None = None  # day-precision date
    latest: str | None = None  # publication day of an undated report: it happened by then
    day: DayTag | None = None  # the day an undated article names for it
    article: int | None = None
    cause: str | None = None  # clash | shelling | airstrike ... (violence only)
    headline: bool = False  # told by the article's headline alone


@dataclass
class Incident:
    index: int
    family: str
    place_ids: set[str] = field(default_factory=set)
    place_names: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    # the publication day of the earliest report that gave no day: the incident happened by then
    latest: str | None = None
    places: list[dict[str, Any]] = field(default_factory=list)  # distinct locations of its events
    days: dict[int, set[DayTag]] = field(default_factory=dict)  # article -> days it names (undated)
    causes: set[str] = field(default_factory=set)
    articles: set[int] = field(default_factory=set)

    def _same_day(self, key: EventKey) -> bool | None:
        """True: the same day; False: another day; None: cannot tell."""
        if key.date and self.dates:
            return key.date[:10] in {d[:10] for d in self.dates}
        if key.day is not None and key.article is not None and self.days.get(key.article):
            verdicts = {same_day_tag(key.day, t) for t in self.days[key.article]} - {None}
            if verdicts:
                return True in verdicts and False not in verdicts
        return None

    def score(self, key: EventKey) -> int | None:
        """How well an event fits this incident (higher is better), None when it cannot be it."""
        if key.family != self.family:
            return None
        same_day = self._same_day(key)
        if same_day is False:
            return None  # another day, another incident
        # A report published on the 2nd tells of nothing that happened on the 7th.
        if key.date and self.latest and key.date[:10] > self.latest:
            return None
        if not key.date and key.latest and self.dates and min(d[:10] for d in self.dates) > key.latest:
            return None
        if key.place and not all(same_place(key.place, p) for p in self.places):
            return None
        # An event placed nowhere (or in a whole country) is tied to an incident only by its own
        # article: as the headline, or told there on the same day.
        own = key.article in self.articles
        if not placed(key.place) and self.articles and not (own and (key.headline or same_day)):
            return None
        spot = specific_place(key.place)
        same_spot = spot is not None and spot in {specific_place(p) for p in self.places}
        # A shelling and a clash "in Aleppo" on no stated day are two stories' worth of news, not one.
        # (A headline sums up its body in a few words: it joins what the body tells.)
        new_cause = bool(key.cause and self.causes and key.cause not in self.causes)
        if new_cause and not (same_day or same_spot or key.headline):
            return None
        score = 2 * bool(same_day) + bool(same_spot) + bool(key.cause and key.cause in self.causes)
        return score + 4 * bool(key.headline and key.article in self.articles)

    def fit(
        self,
        family: str,
        place: dict[str, Any] | None,
        date: str | None,
        latest: str | None = None,
        day: DayTag | None = None,
        article: int | None = None,
    ) -> int | None:
        return self.score(EventKey(family, place, date, latest, day, article))

    def accepts(
        self, family: str, place: dict[str, Any] | None, date: str | None, latest: str | None = None
    ) -> bool:
        return self.score(EventKey(family, place, date, latest)) is not None

    def take(self, key: EventKey) -> None:
        """Count the event in: its place, day and cause narrow what joins later."""
        if not key.date and key.latest:
            self.latest = min(self.latest or key.latest, key.latest)
        place = key.place
        if place:
            self.place_ids |= {str(v) for v in (place.get("place_id"), place.get("container_id")) if v}
            if place.get("name"):
                self.place_names.add(str(place["name"]))
            ident = (place.get("place_id"), place.get("name"))
            if not any((p.get("place_id"), p.get("name")) == ident for p in self.places):
                self.places.append(dict(place))
        if key.date:
            self.dates.add(key.date)
        if key.day is not None and key.article is not None:
            self.days.setdefault(key.article, set()).add(key.day)
        if key.cause:
            self.causes.add(key.cause)
        if key.article is not None:
            self.articles.add(key.article)

    def add(
        self,
        place: dict[str, Any] | None,
        date: str | None,
        latest: str | None = None,
        day: DayTag | None = None,
        article: int | None = None,
    ) -> None:
        self.take(EventKey(self.family, place, date, latest, day, article))


def best_incident(incidents: list[Incident], key: EventKey) -> Incident | None:
    """The incident the event fits best (the earliest of equals), None when it fits none."""
    best: tuple[int, Incident] | None = None
    for incident in incidents:
        score = incident.score(key)
        if score is not None and (best is None or score > best[0]):
            best = (score, incident)
    return best[1] if best else None
