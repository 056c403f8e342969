"""Claim alignment: which outlet (and which quoted source) asserts which fact in a story.

Facts come from each member article's coded events (casualties by category, cause, perpetrator,
who took a place) and from its sentences (withdrawal framing, retractions). Events are folded
into incidents (rasid.stories.incidents: another day or another place is another incident), so a
fact is keyed by (incident, kind). A holder is an outlet, or a source it quotes by name.

Each fact is contradicted (two holders disagree about the same incident: values and their
holders), agreed, updated (one holder's figure changed from one report to the next: a rising toll
is no contradiction) or single-source. One holder never contradicts itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rasid.document import Document
from rasid.records import ArticleStore
from rasid.serialize import load_record
from rasid.stories._data import lexicon, norm_phrase
from rasid.stories.holders import resolve_back_references, source_label
from rasid.stories.incidents import (
    DayCalendar,
    EventKey,
    Incident,
    best_incident,
    event_spans,
    incident_lexicon,
)

VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
TERRITORY = {
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
}
_CASUALTY_KINDS = ("total", "civilians", "children", "women")
_CLASH_JOIN = " ↔ "  # the sides of a clash, as one perpetrator value
_ALLY_JOIN = " + "  # an actor and the allies named with it
_DAY_PRECISE = ("day", "part_of_day", "hour", "minute")
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
    headline: bool = False  # told by the headline alone: the body of the same article says it better
    # False for an actor the knowledge base does not know: shown, never set against another holder
    comparable: bool = True

    @property
    def holder(self) -> str:
        return f"{self.outlet} ← {self.source}" if self.source else self.outlet


def _family(event_type: str, sub_event_type: str) -> str:
    if sub_event_type in TERRITORY:
        return "territory"
    return "violence" if event_type in VIOLENT else "other"


def _cause(record: dict[str, Any]) -> str | None:
    """The cause family of a violent event (clash, shelling, airstrike ...)."""
    sub = str(record.get("sub_event_type") or "")
    if str(record.get("event_type")) not in VIOLENT or sub in TERRITORY:
        return None
    return lexicon().cause_families.get(sub)


def _label(actor: Any) -> str | None:
    if not isinstance(actor, dict):
        return None
    return str(actor.get("name") or actor.get("text") or actor.get("id") or "") or None


def _linked(actor: Any) -> bool:
    """The actor is one of the knowledge base's, not words the extraction could not name."""
    return isinstance(actor, dict) and bool(actor.get("id"))


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


def _casualty_facts(record: dict[str, Any]) -> list[tuple[str, Any, str, bool]]:
    """(fact, value, field, comparable) of the event's tolls; fighters are counted per side, so
    one source's count of one side's dead is never set against another's count of another side."""
    out: list[tuple[str, Any, str, bool]] = []
    for kind in ("killed", "injured"):
        counts = record.get(kind) or {}
        if not isinstance(counts, dict):
            continue
        fighters = [c for c in counts.get("combatants") or [] if isinstance(c, dict)]
        fighters_sum = sum(c.get("count") or 0 for c in fighters if isinstance(c.get("count"), int))
        for category in _CASUALTY_KINDS:
            value = counts.get(category)
            # A total that only repeats the civilian or fighter count adds nothing.
            if isinstance(value, int | float) and not (
                category == "total" and value in (counts.get("civilians"), fighters_sum)
            ):
                out.append((f"{kind}.{category}", value, kind, True))
        by_side: dict[str, int] = {}
        for c in fighters:
            if isinstance(c.get("count"), int):
                side = f"{kind}.combatants ({c['side']})" if c.get("side") else f"{kind}.combatants"
                by_side[side] = by_side.get(side, 0) + int(c["count"])
        out.extend((fact, n, kind, True) for fact, n in by_side.items())
    return out


def _side(record: dict[str, Any], which: int) -> tuple[str | None, bool]:
    """One side of the event as "actor + its allies" (names), and whether all are known actors."""
    actor = record.get(f"actor{which}")
    name = _label(actor)
    if name is None:
        return None, False
    allies = [a for a in record.get("assoc_actors") or [] if isinstance(a, dict) and a.get("with") == which]
    names = [name, *sorted({n for a in allies if (n := _label(a)) and n != name})]
    return _ALLY_JOIN.join(names), _linked(actor) and all(_linked(a) for a in allies)


def _actor_facts(record: dict[str, Any]) -> list[tuple[str, Any, str, bool]]:
    """(fact, value, field, comparable) of who did it (both sides of a clash) and who took a place."""
    out: list[tuple[str, Any, str, bool]] = []
    sub = str(record.get("sub_event_type") or "")
    family = _cause(record)
    if family:
        out.append(("cause", family, "trigger", True))
        (side1, known1), (side2, known2) = _side(record, 1), _side(record, 2)
        if family == "clash" and side1 and side2:
            out.append(("perpetrator", _CLASH_JOIN.join(sorted({side1, side2})), "actor1", known1 and known2))
        elif side1:
            out.append(("perpetrator", side1, "actor1", known1))
    if sub in TERRITORY:
        side1, known1 = _side(record, 1)
        place = (record.get("location") or {}).get("name")
        if side1 and place:
            out.append((f"control:{place}", side1, "actor1", known1))
    return out


def _event_claims(
    record: dict[str, Any], incident: int, article_id: int, outlet: str, text: str
) -> list[Claim]:
    claims: list[Claim] = []
    hedged = bool(record.get("hedged"))
    evidence = str((record.get("evidence") or {}).get("text") or "")

    def add(fact: str, value: Any, field_name: str, comparable: bool = True) -> None:
        anchor = _value_anchor(record, text, field_name, value)
        phrase, actor = _source_for(record, text, anchor)
        label = source_label(phrase, outlet, actor if isinstance(actor, dict) else None)
        claim = Claim(fact, incident, value, article_id, outlet, label, evidence, hedged, source_text=phrase)
        claim.comparable = comparable
        claims.append(claim)

    for fact, value, field_name, comparable in (*_casualty_facts(record), *_actor_facts(record)):
        add(fact, value, field_name, comparable)
    return claims


def _sentences(doc: Document) -> list[tuple[int, str]]:
    if doc.sentences:
        return [(s.start, doc.sentence_text(s)) for s in doc.sentences]
    out, pos = [], 0
    for line in doc.text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _normed_sentences(doc: Document) -> list[tuple[int, str, str]]:
    """(start, sentence, `norm_phrase` of it) for each sentence: what the cue scans below read."""
    return [(start, sentence, norm_phrase(sentence)) for start, sentence in _sentences(doc)]


def withdrawal_framing(
    doc: Document, normed: list[tuple[int, str, str]] | None = None
) -> tuple[str, str] | None:
    """(framing, sentence) of the article's strongest withdrawal wording: denied > withdrawal > redeployment.

    `normed`: the article's `_normed_sentences`, when the caller has them already."""
    framings = lexicon().withdrawal
    denial_verbs = set(framings.get("denial_verbs", ()))
    moves = framings.get("withdrawal", ()) + framings.get("redeployment", ())
    found: dict[str, str] = {}
    for _start, sentence, norm in _normed_sentences(doc) if normed is None else normed:
        split = norm.split()
        words = {w.removeprefix("و") for w in split} | set(split)
        denial = bool(words & denial_verbs) and any(p in norm for p in moves)
        if denial and "denied" not in found:
            found["denied"] = "denied\t" + sentence.strip()
        for framing in ("denied", "withdrawal", "redeployment"):
            if framing not in found and any(p in norm for p in framings.get(framing, ())):
                label = framing
                if framing == "withdrawal":
                    if any(p in split for p in framings.get("partial", ())):
                        label = "withdrawal (partial)"
                    elif any(p in norm for p in framings.get("complete", ())):
                        label = "withdrawal (complete)"
                found[framing] = label + "\t" + sentence.strip()
    for framing in ("denied", "withdrawal", "redeployment"):
        if framing in found:
            label, sentence = found[framing].split("\t", 1)
            return label, sentence
    return None


def retractions(doc: Document, normed: list[tuple[int, str, str]] | None = None) -> list[dict[str, Any]]:
    """Sentences where the report (or a source it quotes) takes back an earlier claim.

    `normed`: the article's `_normed_sentences`, when the caller has them already."""
    cues = lexicon().retraction_cues
    out = []
    for start, sentence, norm in _normed_sentences(doc) if normed is None else normed:
        for cue in cues:
            if cue in norm:
                out.append({"start": start, "sentence": sentence.strip(), "cue": cue})
                break
    return out


def _headline_end(doc: Document) -> int:
    """Where the article's headline ends in its text (0: no headline line)."""
    title = doc.title.strip()
    if title and doc.text.startswith(title):
        return len(title)
    end = doc.text.find("\n")
    return end if 0 < end <= incident_lexicon().headline_max_chars else 0


def _is_headline(record: dict[str, Any], doc: Document) -> bool:
    """The event is told by the headline alone (not a headline the extraction merged with its body)."""
    end = _headline_end(doc)
    spans = event_spans(record)
    return bool(end and spans) and all(hi <= end + 1 for _lo, hi in spans)


def _place_events(
    records: list[dict[str, Any]], doc: Document, article_id: int, incidents: list[Incident]
) -> list[int | None]:
    """The incident (index) of each of an article's events, None for events that tell none.

    The body is placed first, so a headline that sums it up joins what the body tells."""
    calendar = DayCalendar(doc)
    latest = doc.published.isoformat() if doc.published else None
    keys: list[EventKey | None] = []
    for record in records:
        family = _family(str(record.get("event_type")), str(record.get("sub_event_type")))
        if record.get("background") or family == "other":
            # an earlier incident the report recalls is no claim about this story
            keys.append(None)
            continue
        date = record.get("date") if record.get("date_precision") in _DAY_PRECISE else None
        day = calendar.tag(event_spans(record)) if date is None else None
        place = record.get("location") or None
        cause = _cause(record)
        keys.append(EventKey(family, place, date, latest, day, article_id, cause, _is_headline(record, doc)))
    out: list[int | None] = [None] * len(records)
    for i in sorted(range(len(keys)), key=lambda k: bool(keys[k] and keys[k].headline)):  # type: ignore[union-attr]
        key = keys[i]
        if key is None:
            continue
        incident = best_incident(incidents, key)
        if incident is None:
            incident = Incident(len(incidents) + 1, key.family)
            incidents.append(incident)
        incident.take(key)
        out[i] = incident.index
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
        records = [load_record(raw) for (raw,) in events]
        article_claims: list[Claim] = []
        for record, incident in zip(records, _place_events(records, doc, int(article_id), incidents), strict=True):
            if incident is not None:
                found = _event_claims(record, incident, int(article_id), outlet, doc.text)
                for claim in found:
                    claim.headline = _is_headline(record, doc)
                article_claims.extend(found)
        for claim, label in zip(
            article_claims, resolve_back_references([c.source for c in article_claims]), strict=True
        ):
            claim.source = label
        claims.extend(article_claims)
        normed = _normed_sentences(doc)  # both cue scans read each sentence's normal form once
        framing = withdrawal_framing(doc, normed)
        if framing:
            claims.append(Claim("withdrawal", 0, framing[0], int(article_id), outlet, None, framing[1]))
        for item in retractions(doc, normed):
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


def _key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def holder_positions(claims: Sequence[Claim]) -> tuple[dict[str, set[str]], list[str]]:
    """What each holder last says about one fact of one incident, and who changed their figure.

    Claims come in publication order. A holder's position is what its latest article says: a toll
    that rose (or was corrected) from one report to the next is an update of that holder, not a
    second opinion. Several counts in one article stand for its largest."""
    # What the body of an article says about the incident stands for its headline.
    told_in_body = {c.article_id for c in claims if not c.headline and not c.retracted}
    by_holder: dict[str, list[Claim]] = {}
    for c in claims:
        if c.comparable and not c.retracted and not (c.headline and c.article_id in told_in_body):
            by_holder.setdefault(c.holder, []).append(c)
    positions: dict[str, set[str]] = {}
    updated: list[str] = []
    for holder, items in by_holder.items():
        last = [c for c in items if c.article_id == items[-1].article_id]
        counts = [c.value for c in last if isinstance(c.value, int | float) and not isinstance(c.value, bool)]
        position = {_key(max(counts))} if counts and len(counts) == len(last) else {_key(c.value) for c in last}
        positions[holder] = position
        if any(_key(c.value) not in position for c in items if c.article_id != last[0].article_id):
            updated.append(holder)
    return positions, updated


def _sides(key: str) -> frozenset[str] | None:
    """Every actor a perpetrator value names (both sides of a clash, allies included)."""
    value = json.loads(key)
    if not isinstance(value, str):
        return None
    return frozenset(n for side in value.split(_CLASH_JOIN) for n in side.split(_ALLY_JOIN))


def _unknown(key: str) -> bool:
    names = _sides(key)
    prefixes = incident_lexicon().unknown_actor_prefixes
    return names is not None and all(n.startswith(prefixes) for n in names)


def _refines(fine: str, broad: str) -> bool:
    """"withdrawal (complete)" says more than "withdrawal", not something else."""
    a, b = json.loads(fine), json.loads(broad)
    return isinstance(a, str) and isinstance(b, str) and "(" not in b and a.startswith(b + " (")


def _agree(a: set[str], b: set[str]) -> bool:
    """Two holders' positions agree when they share a value, or one only says more ("withdrawal
    (complete)" beside "withdrawal"); for the sides of a clash, when one
    holder names only some of the sides the other names ("X" beside "X ↔ Y"); a perpetrator the
    report does not know ("Unidentified Armed Group") disagrees with no one."""
    if a & b:
        return True
    for ka in a:
        for kb in b:
            if _refines(ka, kb) or _refines(kb, ka):
                return True
            sa, sb = _sides(ka), _sides(kb)
            if sa is not None and sb is not None and (sa <= sb or sb <= sa or _unknown(ka) or _unknown(kb)):
                return True
    return False


def _status(claims: Sequence[Claim]) -> str:
    """contradicted: two holders (outlets, or sources they quote) disagree about the same incident;
    agreed: several holders, no such disagreement; updated: one holder whose figure changed from
    one report to the next; single-source: one holder (whose claim can be compared: an actor the
    knowledge base does not know is shown but set against no one)."""
    positions, updated = holder_positions(claims)
    held = list(positions.values())
    if any(not _agree(a, b) for i, a in enumerate(held) for b in held[i + 1 :]):
        return "contradicted"
    if len(held) > 1:
        return "agreed"
    return "updated" if updated else "single-source"


def story_header(store: ArticleStore, story_id: int) -> tuple[Any, ...]:
    """The story's own row: (id, title, first date, last date, places, outlets, article count)."""
    row = store.query(
        "SELECT id, title, first_date, last_date, places, outlets, article_count FROM stories WHERE id = ?",
        (story_id,),
    )
    if not row:
        raise KeyError(story_id)
    return row[0]


def align_claims(
    claims: Sequence[Claim], taken_back: list[dict[str, Any]], incidents: Sequence[Incident]
) -> dict[str, Any]:
    """What a story's claims say, fact by fact: the part of `align_story` that depends only on the
    members and their events (stored by `rasid.stories.stored`)."""
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
                "updated_by": holder_positions(items)[1],
                "values": [{"value": json.loads(v), "holders": h} for v, h in values.items()],
                "cells": cells,
                "claims": [asdict(c) | {"holder": c.holder} for c in items],
            }
        )
    return {
        "incidents": [
            {"incident": i.index, "kind": i.family, "places": sorted(i.place_names), "dates": sorted(i.dates)}
            for i in incidents
        ],
        "holders": holders,
        "facts": facts,
        "retractions": taken_back,
        "contradictions": sum(1 for f in facts if f["status"] == "contradicted"),
    }


def assemble_story(store: ArticleStore, header: Sequence[Any], aligned: dict[str, Any]) -> dict[str, Any]:
    """The full story: its row (`story_header`), its members with their recycled links (read now)
    and the aligned claims (`align_claims`)."""
    sid, title, first, last, places, outlets, count = header
    members = store.query(
        "SELECT a.id, a.title, a.source, a.published, s.score, s.reason,"
        " r.article_id, r.original_article_id, r.original_story_id, r.reason, r.gap_days FROM story_articles s"
        " JOIN articles a ON a.id = s.article_id LEFT JOIN recycled r ON r.article_id = a.id"
        " WHERE s.story_id = ? ORDER BY a.published, a.id",
        (sid,),
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
                "id": m[0],
                "title": m[1],
                "outlet": m[2],
                "published": m[3],
                "score": m[4],
                "reason": m[5],
                "recycled": None
                if m[6] is None
                else {"original_article_id": m[7], "original_story_id": m[8], "reason": m[9], "gap_days": m[10]},
            }
            for m in members
        ],
        **aligned,
    }


def align_story(store: ArticleStore, story_id: int) -> dict[str, Any]:
    """The source-by-fact matrix of one story, ready for JSON, computed afresh (`rasid.stories.stored`
    reads it stored when the story has not changed)."""
    header = story_header(store, story_id)
    return assemble_story(store, header, align_claims(*story_claims(store, story_id)))
