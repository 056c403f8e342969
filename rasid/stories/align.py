"""Claim alignment: which outlet (and which quoted source) asserts which fact in a story.

Facts come from each member article's coded events (casualties by category, cause, perpetrator,
who took a place) and from its sentences (withdrawal framing, retractions). Events of different
articles that share place and date form one incident, so a fact is keyed by (incident, kind).
Each fact is agreed, contradicted (values and their holders) or single-source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rasid.document import Document
from rasid.records import ArticleStore
from rasid.stories._data import lexicon, norm_phrase
from rasid.stories.holders import resolve_back_references, source_label

VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
TERRITORY = {
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
}
_CASUALTY_KINDS = ("total", "civilians", "children", "women")
_QUOTED = re.compile(r"[“\"«]([^”\"»]{3,60})[”\"»]\s*(\S+)")


@dataclass
class Claim:
    fact: str
    incident: int
    value: Any
    article_id: int
    outlet: str
    source: str | None = None  # short canonical label of the quoted source (None: the outlet itself)
    evidence: str = ""
    hedged: bool = False
    retracted: bool = False
    source_text: str | None = None  # the attribution phrase as written

    @property
    def holder(self) -> str:
        return f"{self.outlet} ← {self.source}" if self.source else self.outlet


@dataclass
class Incident:
    index: int
    family: str
    place_ids: set[str] = field(default_factory=set)
    place_names: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    # the publication day of the earliest report that gave no day: the incident happened by then
    latest: str | None = None

    def accepts(self, family: str, place: dict[str, Any] | None, date: str | None, latest: str | None = None) -> bool:
        if family != self.family:
            return False
        if date and self.dates and not any(abs(_ordinal(date) - _ordinal(d)) <= 1 for d in self.dates):
            return False
        # A report published on the 2nd tells of nothing that happened on the 7th.
        if date and self.latest and date[:10] > self.latest:
            return False
        if not date and latest and self.dates and min(d[:10] for d in self.dates) > latest:
            return False
        if place and self.place_ids:
            ids = {place.get("place_id"), place.get("container_id")} - {None}
            return bool(ids & self.place_ids)
        return True

    def add(self, place: dict[str, Any] | None, date: str | None, latest: str | None = None) -> None:
        if not date and latest:
            self.latest = min(self.latest or latest, latest)
        if place:
            self.place_ids |= {str(v) for v in (place.get("place_id"), place.get("container_id")) if v}
            if place.get("name"):
                self.place_names.add(str(place["name"]))
        if date:
            self.dates.add(date)


def _ordinal(day: str) -> int:
    import datetime as dt

    return dt.date.fromisoformat(day[:10]).toordinal()


def _family(event_type: str, sub_event_type: str) -> str:
    if sub_event_type in TERRITORY:
        return "territory"
    return "violence" if event_type in VIOLENT else "other"


def _label(actor: Any) -> str | None:
    if not isinstance(actor, dict):
        return None
    return str(actor.get("name") or actor.get("text") or actor.get("id") or "") or None


def _quoted_source(sentence: str, before: int) -> str | None:
    """A quoted name right before an attribution verb ("“شبكة ...” قالت"), last one before `before`."""
    verbs = lexicon().attribution_verbs
    found = None
    for m in _QUOTED.finditer(sentence[:before]):
        if (
            norm_phrase(m.group(2).strip("،,.")).removeprefix("و") in verbs
            or norm_phrase(m.group(2)) in verbs
        ):
            found = m.group(1).strip()
    return found


def _source_for(record: dict[str, Any], text: str, anchor: int | None) -> tuple[str | None, dict[str, Any] | None]:
    """(phrase, linked actor) of the attribution nearest before `anchor` (a character offset),
    else of the event's first one."""
    attributions = record.get("attributed_to") or []
    spans = (record.get("spans") or {}).get("attributed_to") or []
    if anchor is not None:
        sentence_start = text.rfind("\n", 0, anchor) + 1
        quoted = _quoted_source(text[sentence_start : anchor + 1], anchor - sentence_start)
        best: tuple[int, str, dict[str, Any] | None] | None = None
        earlier: list[tuple[int, str, dict[str, Any] | None]] = sorted(
            (
                (int(start), str(attr.get("text") or ""), attr.get("source_actor"))
                for (start, _end), attr in zip(spans, attributions, strict=False)
                if start <= anchor
            ),
            key=lambda item: item[0],
        )
        back_refs = lexicon().same_source
        for position, (start, name, actor) in enumerate(earlier):
            if any(norm_phrase(name).startswith(ref) for ref in back_refs) and position > 0:
                # "the same source" means the one named before it.
                name, actor = earlier[position - 1][1], earlier[position - 1][2]
                earlier[position] = (start, name, actor)
            best = (start, name, actor)
        if quoted and (best is None or text.find(quoted, sentence_start, anchor) > best[0]):
            return quoted, None
        if best is not None and best[0] >= sentence_start:
            return (best[1] or None), best[2]
    if attributions:
        return (str(attributions[0].get("text") or "") or None), attributions[0].get("source_actor")
    return None, None


def _value_anchor(record: dict[str, Any], text: str, field_name: str, value: Any) -> int | None:
    """Offset of the span of `field_name` that states `value` (or its first span)."""
    spans = (record.get("spans") or {}).get(field_name) or []
    digits = str(value)
    for start, end in spans:
        if digits and digits in text[start:end]:
            return int(start)
    return int(spans[0][0]) if spans else None


def _event_claims(
    record: dict[str, Any], incident: int, article_id: int, outlet: str, text: str
) -> list[Claim]:
    claims: list[Claim] = []
    hedged = bool(record.get("hedged"))
    evidence = str((record.get("evidence") or {}).get("text") or "")

    def add(fact: str, value: Any, field_name: str) -> None:
        anchor = _value_anchor(record, text, field_name, value)
        phrase, actor = _source_for(record, text, anchor)
        label = source_label(phrase, outlet, actor if isinstance(actor, dict) else None)
        claims.append(
            Claim(fact, incident, value, article_id, outlet, label, evidence, hedged, source_text=phrase)
        )

    for kind in ("killed", "injured"):
        counts = record.get(kind) or {}
        if not isinstance(counts, dict):
            continue
        for category in _CASUALTY_KINDS:
            value = counts.get(category)
            if isinstance(value, int | float):
                # A total that only repeats the civilian or fighter count adds nothing.
                fighters_sum = sum(
                    c.get("count") or 0 for c in counts.get("combatants") or [] if isinstance(c, dict)
                )
                if category == "total" and value in (counts.get("civilians"), fighters_sum):
                    continue
                add(f"{kind}.{category}", value, kind)
        fighters = [c.get("count") for c in counts.get("combatants") or [] if isinstance(c, dict)]
        if any(isinstance(n, int) for n in fighters):
            add(f"{kind}.combatants", sum(n for n in fighters if isinstance(n, int)), kind)
    sub = str(record.get("sub_event_type") or "")
    family = lexicon().cause_families.get(sub)
    if family and str(record.get("event_type")) in VIOLENT and sub not in TERRITORY:
        add("cause", family, "trigger")
        actor1, actor2 = _label(record.get("actor1")), _label(record.get("actor2"))
        if family == "clash" and actor1 and actor2:
            add("perpetrator", " ↔ ".join(sorted({actor1, actor2})), "actor1")
        elif actor1:
            add("perpetrator", actor1, "actor1")
    if sub in TERRITORY:
        actor1 = _label(record.get("actor1"))
        place = (record.get("location") or {}).get("name")
        if actor1 and place:
            add(f"control:{place}", actor1, "actor1")
    return claims


def _sentences(doc: Document) -> list[tuple[int, str]]:
    if doc.sentences:
        return [(s.start, doc.sentence_text(s)) for s in doc.sentences]
    out, pos = [], 0
    for line in doc.text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def withdrawal_framing(doc: Document) -> tuple[str, str] | None:
    """(framing, sentence) of the article's strongest withdrawal wording: denied > withdrawal > redeployment."""
    framings = lexicon().withdrawal
    found: dict[str, str] = {}
    for _start, sentence in _sentences(doc):
        norm = norm_phrase(sentence)
        words = {w.removeprefix("و") for w in norm.split()} | set(norm.split())
        denial = bool(words & set(framings.get("denial_verbs", ()))) and any(
            p in norm for p in framings.get("withdrawal", ()) + framings.get("redeployment", ())
        )
        if denial and "denied" not in found:
            found["denied"] = "denied\t" + sentence.strip()
        for framing in ("denied", "withdrawal", "redeployment"):
            if framing not in found and any(p in norm for p in framings.get(framing, ())):
                label = framing
                if framing == "withdrawal":
                    if any(p in norm.split() for p in framings.get("partial", ())):
                        label = "withdrawal (partial)"
                    elif any(p in norm for p in framings.get("complete", ())):
                        label = "withdrawal (complete)"
                found[framing] = label + "\t" + sentence.strip()
    for framing in ("denied", "withdrawal", "redeployment"):
        if framing in found:
            label, sentence = found[framing].split("\t", 1)
            return label, sentence
    return None


def retractions(doc: Document) -> list[dict[str, Any]]:
    """Sentences where the report (or a source it quotes) takes back an earlier claim."""
    cues = lexicon().retraction_cues
    out = []
    for start, sentence in _sentences(doc):
        norm = norm_phrase(sentence)
        for cue in cues:
            if cue in norm:
                out.append({"start": start, "sentence": sentence.strip(), "cue": cue})
                break
    return out


def story_claims(store: ArticleStore, story_id: int) -> tuple[list[Claim], list[dict[str, Any]], list[Incident]]:
    rows = store.query(
        "SELECT a.id, COALESCE(a.source, ''), a.origin FROM story_articles s JOIN articles a ON a.id = s.article_id"
        " WHERE s.story_id = ? ORDER BY a.published, a.id",
        (story_id,),
    )
    incidents: list[Incident] = []
    claims: list[Claim] = []
    taken_back: list[dict[str, Any]] = []
    for article_id, outlet, _origin in rows:
        outlet = outlet or f"article {article_id}"
        doc = store.load_document(int(article_id))
        events = store.query(
            "SELECT record FROM events WHERE article_id = ? ORDER BY event_index", (article_id,)
        )
        article_claims: list[Claim] = []
        for (raw,) in events:
            record = json.loads(raw)
            if record.get("background"):
                continue  # an earlier incident the report recalls is no claim about this story
            family = _family(str(record.get("event_type")), str(record.get("sub_event_type")))
            if family == "other":
                continue
            place = record.get("location") or None
            date = record.get("date") if record.get("date_precision") == "day" else None
            latest = doc.published.isoformat() if doc.published else None
            incident = next((i for i in incidents if i.accepts(family, place, date, latest)), None)
            if incident is None:
                incident = Incident(len(incidents) + 1, family)
                incidents.append(incident)
            incident.add(place, date, latest)
            article_claims.extend(_event_claims(record, incident.index, int(article_id), outlet, doc.text))
        for claim, label in zip(
            article_claims, resolve_back_references([c.source for c in article_claims]), strict=True
        ):
            claim.source = label
        claims.extend(article_claims)
        framing = withdrawal_framing(doc)
        if framing:
            claims.append(Claim("withdrawal", 0, framing[0], int(article_id), outlet, None, framing[1]))
        for item in retractions(doc):
            taken_back.append({"article_id": int(article_id), "outlet": outlet, **item})
            # A claim stated in the retracting sentence, contradicted by the same article, was taken back.
            for claim in claims:
                if (
                    claim.article_id == article_id
                    and claim.evidence
                    and claim.evidence.strip() in item["sentence"]
                ):
                    others = {
                        c.value
                        for c in claims
                        if c.article_id == article_id and c.fact == claim.fact and c is not claim
                    }
                    if others - {claim.value}:
                        claim.retracted = True
    return claims, taken_back, incidents


def _status(claims: Sequence[Claim]) -> str:
    live = [c for c in claims if not c.retracted]
    holders = {c.holder for c in live}
    values = {json.dumps(c.value, ensure_ascii=False, default=str) for c in live}
    if len(values) > 1:
        return "contradicted"
    if len(holders) <= 1:
        return "single-source"
    return "agreed"


def align_story(store: ArticleStore, story_id: int) -> dict[str, Any]:
    """The source-by-fact matrix of one story, ready for JSON."""
    row = store.query(
        "SELECT id, title, first_date, last_date, places, outlets, article_count FROM stories WHERE id = ?",
        (story_id,),
    )
    if not row:
        raise KeyError(story_id)
    sid, title, first, last, places, outlets, count = row[0]
    claims, taken_back, incidents = story_claims(store, story_id)
    groups: dict[tuple[int, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.incident, claim.fact), []).append(claim)
    holders = sorted({c.holder for c in claims})
    facts = []
    for (incident, fact), items in sorted(groups.items()):
        values: dict[str, list[str]] = {}
        for c in items:
            key = json.dumps(c.value, ensure_ascii=False, default=str)
            values.setdefault(key, [])
            if c.holder not in values[key]:
                values[key].append(c.holder)
        cells: dict[str, list[Any]] = {}
        for c in items:
            shown = f"{c.value} (retracted)" if c.retracted else c.value
            if shown not in cells.setdefault(c.holder, []):
                cells[c.holder].append(shown)
        facts.append(
            {
                "incident": incident,
                "fact": fact,
                "status": _status(items),
                "values": [{"value": json.loads(v), "holders": h} for v, h in values.items()],
                "cells": cells,
                "claims": [asdict(c) | {"holder": c.holder} for c in items],
            }
        )
    from rasid.stories.recycled import recycled_links

    links = recycled_links(store)
    members = store.query(
        "SELECT a.id, a.title, a.source, a.published, s.score, s.reason FROM story_articles s"
        " JOIN articles a ON a.id = s.article_id WHERE s.story_id = ? ORDER BY a.published, a.id",
        (story_id,),
    )
    return {
        "id": sid,
        "title": title,
        "first_date": first,
        "last_date": last,
        "places": json.loads(places),
        "outlets": json.loads(outlets),
        "article_count": count,
        "articles": [
            {
                "id": a,
                "title": t,
                "outlet": o,
                "published": p,
                "score": s,
                "reason": r,
                "recycled": links.get(a),
            }
            for a, t, o, p, s, r in members
        ],
        "incidents": [
            {"incident": i.index, "kind": i.family, "places": sorted(i.place_names), "dates": sorted(i.dates)}
            for i in incidents
        ],
        "holders": holders,
        "facts": facts,
        "retractions": taken_back,
        "contradictions": sum(1 for f in facts if f["status"] == "contradicted"),
    }
