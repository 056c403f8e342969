"""Which coded events are reportable incidents, and why the others are special.

Every event is kept in the record (an analyst can see what Rasid read and why it set it aside), but
an ACLED/GeoJSON export or a map must hold incidents only: a recalled attack, a plan dated next
week, a relayed denial, a report located only by a country or told by words alone is not one.
`assess` writes `EventFields.special`: an empty list for an incident, else the reasons, in the
order of the rules in `rasid/extract/data/incident_rules.yaml` (read and checked here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from rasid.document import Document
from rasid.extract.events.candidate import Candidate
from rasid.extract.events.fields import EventFields
from rasid.extract.events.incident_rules import IncidentRules, incident_rules
from rasid.extract.events.kinds import TEXT_DATES
from rasid.knowledge.places import load_places
from rasid.text.fold import fold_word

_PUNCT = "«»\"'()[]{}.,:;!?،؛؟-–—"

# The reasons an event is not a reportable incident (the words exports and the API show); the events
# stage may add one more after these rules, `likely.UNLIKELY`, the learned filter's.
BACKGROUND = "background"
AFTER_PUBLICATION = "after_publication"
HEDGED = "hedged"  # followed by ":" and the hedge kind (denial, rumour)
NO_PLACE = "no_place"
COUNTRY_ONLY = "country_only"
NOT_AN_INCIDENT = "not_an_incident"
WORDS_ONLY = "words_only"
ONE_SIDE = "one_side"
NO_ACTOR = "no_actor"
COURT_CASE = "court_case"
MEDIA = "media"
NOT_A_REPORT = "not_a_report"
LOW_CONFIDENCE = "low_confidence"
REASONS = (
    BACKGROUND, AFTER_PUBLICATION, HEDGED, NO_PLACE, COUNTRY_ONLY, NOT_AN_INCIDENT, WORDS_ONLY, ONE_SIDE, NO_ACTOR,
    COURT_CASE, MEDIA, NOT_A_REPORT, LOW_CONFIDENCE,
)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _has_toll(record: dict[str, Any] | None) -> bool:
    return bool(record) and bool(record.get("total") or record.get("reported"))  # type: ignore[union-attr]


def reasons(c: Candidate, published: dt.date | None, rules: IncidentRules | None = None) -> list[str]:
    """Why a coded event is not a reportable incident (empty: it is one)."""
    rules = rules or incident_rules()
    f = c.fields
    out: list[str] = []
    if f.background:
        out.append(BACKGROUND)
    day = _day(f.date)
    if published is not None and day is not None and (day - published).days > rules.max_days_after_publication:
        out.append(AFTER_PUBLICATION)
    if f.hedged and f.hedge_kind in rules.excluded_hedges:
        out.append(f"{HEDGED}:{f.hedge_kind}")
    if f.location is None:
        out.append(NO_PLACE)
    else:
        place = load_places().get(f.location.place_id) if f.location.place_id else None
        if place is None:
            out.append(NO_PLACE)  # words no gazetteer locates: not mappable
        elif place.type in rules.unlocated_place_types:
            out.append(COUNTRY_ONLY)
    kind = (c.event_type, c.sub_event_type)
    if kind in rules.not_incidents or (kind in rules.need_stated_day and not _stated_day(f)):
        out.append(NOT_AN_INCIDENT)
    if c.event_type in rules.need_actor_or_toll:
        known = any(a is not None and a.id for a in (f.actor1, f.actor2))
        if not known and not _has_toll(f.killed) and not _has_toll(f.injured):
            out.append(WORDS_ONLY)
    unidentified = f.actor1 is None or not f.actor1.id or f.actor1.id in rules.unidentified_actors
    if c.event_type in rules.two_sided and f.actor2 is None and unidentified:
        out.append(ONE_SIDE)
    if c.event_type in rules.need_actor1 and (f.actor1 is None or not (f.actor1.id or f.actor1.side)):
        out.append(NO_ACTOR)
    if says_any(f.evidence.text, rules.court_phrases):
        out.append(COURT_CASE)
    if says_any(f.evidence.text, rules.media_phrases):
        out.append(MEDIA)
    if c.confidence < rules.min_confidence:
        out.append(LOW_CONFIDENCE)
    return out


def _stated_day(f: EventFields) -> bool:
    """The text itself (its sentence or the one before) gives the event's day, not the publication."""
    return bool(f.date) and f.date_from in TEXT_DATES and (f.date_precision or "day") == "day"


def says_any(sentence: str, phrases: Sequence[tuple[str, ...]]) -> bool:
    """Whether a sentence holds one of the folded `phrases` (a trial, a video ...), a leading
    و/ف/ب/ل on a sentence word tried off as well."""
    variants = _word_variants(sentence)
    by_first = _by_first_word(tuple(phrases))
    for i, forms in enumerate(variants):
        for form in forms:
            for phrase in by_first.get(form, ()):
                n = len(phrase)
                if i + n <= len(variants) and all(phrase[k] in variants[i + k] for k in range(1, n)):
                    return True
    return False


@lru_cache(maxsize=256)
def _word_variants(sentence: str) -> tuple[frozenset[str], ...]:
    # (cached: the candidates of one sentence, and a merged report's, ask about the same text)
    words = [w for w in (fold_word(w.strip(_PUNCT)) for w in sentence.split()) if w]
    return tuple(frozenset((w, w[1:])) if w[:1] in "وفبل" and len(w) > 3 else frozenset((w,)) for w in words)


@lru_cache(maxsize=16)
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, list[tuple[str, ...]]]:
    out: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        if phrase:
            out.setdefault(phrase[0], []).append(phrase)
    return out


def assess(candidates: Sequence[Candidate], published: dt.date | None, *, report: bool = True) -> None:
    """Write each candidate's `special` reasons (after merging: a merged report is judged whole);
    `report` False: the article is no report (`reads_as_report`), none of its events is an incident."""
    rules = incident_rules()
    for c in candidates:
        c.fields.special = reasons(c, published, rules)
        if not report:
            c.fields.special.append(NOT_A_REPORT)


def reads_as_report(doc: Document, citations: int, rules: IncidentRules | None = None) -> bool:
    """Whether an article reads as a news report: it names a day of the last few before publication,
    or cites sources (`citations`: its reporting verbs and "بحسب"-phrases). An essay or a column
    does neither; an article with no publication date is given the benefit of the doubt."""
    rules = rules or incident_rules()
    published = doc.published
    if published is None or citations >= rules.report_min_citations:
        return True
    for m in doc.mentions:
        if m.type != "time" or not m.attrs.get("value"):
            continue
        day = _day(str(m.attrs["value"]))
        if day is not None and 0 <= (published - day).days <= rules.report_recent_days:
            return True
    return False


def is_incident(record: dict[str, Any]) -> bool:
    """Whether a stored event record is a reportable incident (records stored before the rules
    existed have no `special` and count as incidents unless they were background)."""
    special = record.get("special")
    if special is None:
        return not record.get("background")
    return not special
