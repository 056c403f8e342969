"""What the article around a candidate tells it: the speaker of a quoted "قواتنا", the place a
definite noun refers to, the place and date of the sentences just before, the publication day,
the place the headline names, and whether the incident is background (dated well before).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

from rasid.document import Document, Mention
from rasid.extract.events.camps import camp_of
from rasid.extract.events.candidate import Candidate
from rasid.extract.events.dates import stated_weekday
from rasid.extract.events.fields import Location, RoleActor
from rasid.extract.events.kinds import TEXT_DATES, Acled, DateFrom
from rasid.extract.events.lexicon import EventLexicon
from rasid.extract.events.roles import first_person
from rasid.extract.events.sentence import DocIndex, actor_ref

# The headline is among the first sentences and short; outlet-name lines before it have no place.
_HEADLINE_SENTENCES = 3
_HEADLINE_MAX_WORDS = 25
_HEADLINE_PLACE_TYPES = frozenset({"city", "town", "village", "neighbourhood", "governorate", "district", "airport", "base"})
# A report recalls, not reports, an incident dated (or a period ending) this long before publication.
_STALE_DAYS = 7
# How far back a day the article names can anchor its undated incidents.
_REPORT_DAYS = 2
# Sentences back (within the paragraph) that lend a place, a date or a speaker.
_CONTEXT_SENTENCES = 2
_UNSET = object()
# Sentences back that may name a battle's other side when its own sentence does not.
_OPPONENT_SENTENCES = 3


def fill_context(
    candidates: Sequence[Candidate], doc: Document, lex: EventLexicon, index: DocIndex | None = None
) -> None:
    """Place and date from earlier sentences of the paragraph, else the publication date; the
    speaker of a quoted "قواتنا" from the nearest sentence before that names a source actor."""
    headline: object = _UNSET
    anchor: dt.date | None = None
    parties: list[tuple[int, RoleActor]] | None = None
    for i, c in enumerate(candidates):
        f = c.fields
        if first_person(f.actor1, lex):
            _quoted_speaker(c, candidates[:i])
        if c.event_type == Acled.BATTLES and _known(f.actor1) != _known(f.actor2) and not (_coded(f.actor1) and _coded(f.actor2)):
            if parties is None:
                parties = _article_parties(doc)
            _opponent_from_article(c, parties, lex)
        if f.location is None:
            named = _named_before(c, doc, lex)
            if named is not None:
                f.location = Location.of(named)
                f.location_from = "anaphora"
        _from_earlier(c, candidates[:i])
        if f.date is None and doc.published is not None:
            if anchor is None:
                anchor = report_day(doc, lex, index)
            f.date = anchor.isoformat()
            f.date_precision = "unknown"
            f.date_from = DateFrom.PUBLICATION
        if f.location is None and not (doc.published and stale(c, doc.published)):
            # Nothing near names the place: the one place the headline names, if it names one
            # ("… تريد إقصاء نظيرتها من حلب" heads a report told in Aleppo).
            if headline is _UNSET:
                headline = _headline_place(doc)
            # (not the headline's own sentence: it names its place itself)
            if isinstance(headline, Mention) and not (f.evidence.start <= headline.start < f.evidence.end):
                f.location = Location.of(headline)
                f.location_from = "headline"


def _known(actor: RoleActor | None) -> bool:
    return actor is not None and bool(actor.id)


def _coded(actor: RoleActor | None) -> bool:
    """Known, or words coded by role (civilians, protesters): a role the article must not overwrite."""
    return actor is not None and bool(actor.id or actor.side)


# Both sides a state's forces (its army and its police): camps tell nothing of who fought whom.
_STATE_SIDES = frozenset({"government", "foreign_state"})


def _article_parties(doc: Document) -> list[tuple[int, RoleActor]]:
    """The known actors the article names, with the sentence each is named in."""
    starts = [sent.start for sent in doc.sentences]
    out = []
    for m in doc.mentions:
        if m.type == "actor" and m.kb_id and m.attrs.get("side"):
            at = max(0, bisect.bisect_right(starts, m.start) - 1)
            out.append((at, RoleActor.of(actor_ref(m.start, m.end, m.kb_id, m.text, m.attrs))))
    return out


def _opponent_from_article(c: Candidate, parties: Sequence[tuple[int, RoleActor]], lex: EventLexicon) -> None:
    """A battle with one side named ("سيطرت المقاومة على جبل منيف"): the other side is the party of
    the other camp the article names most around it (`_OPPONENT_SENTENCES` before, one after),
    the nearest before on a tie; none when no such party is named."""
    f = c.fields
    known = f.actor1 if f.actor1 is not None and f.actor1.id else f.actor2
    camp = camp_of(known, lex)
    if known is None or camp is None:
        return
    near: Counter[str] = Counter()
    last: dict[str, tuple[int, RoleActor]] = {}
    for at, actor in parties:
        if not (c.sentence_index - _OPPONENT_SENTENCES <= at <= c.sentence_index + 1):
            continue
        other = camp_of(actor, lex)
        if other is None or other == camp or actor.side == "civilian" or actor.name == known.name:
            continue
        if known.side in _STATE_SIDES and actor.side in _STATE_SIDES:
            continue
        near[str(actor.id)] += 1
        if at <= c.sentence_index or str(actor.id) not in last:
            last[str(actor.id)] = (at, actor)
    if not near:
        return
    best = max(near, key=lambda k: (near[k], last[k][0] <= c.sentence_index, last[k][0]))
    opponent = last[best][1]
    if f.actor1 is None or not f.actor1.id:
        f.actor1 = opponent
    else:
        f.actor2 = opponent
    f.opponent_from = "article"


def report_day(doc: Document, lex: EventLexicon | None = None, index: DocIndex | None = None) -> dt.date:
    """The day an undated incident of the report is told on: the day the article most often names
    among the last `_REPORT_DAYS` days up to publication (a morning paper's "أمس": the sources spoke,
    and the fighting was, the day before), else the publication day; on a tie the one named first. (A
    part of a day, "مساء أول أمس", names its day; the day a source spoke, "أفادت مصادر أمس", counts
    half beside a day the text gives an incident: "قتل 30 شخصا أول أمس، بحسب ما أفادت مصادر أمس".)"""
    assert doc.published is not None
    published = doc.published
    spoke = _spoken_at(lex, index)
    counts: dict[dt.date, float] = {}
    first: dict[dt.date, int] = {}
    for m in doc.mentions:
        if m.type != "time" or m.attrs.get("precision") not in _DAY_PRECISIONS or not m.attrs.get("value"):
            continue
        try:
            # ("اليوم الثلاثاء" in Thursday's paper names Tuesday)
            day = dt.date.fromisoformat(str(stated_weekday(m, str(m.attrs["value"])[:10])))
        except ValueError:
            continue
        if 0 <= (published - day).days <= _REPORT_DAYS:
            counts[day] = counts.get(day, 0.0) + (0.5 if spoke is not None and spoke(m.start) else 1.0)
            first[day] = min(first.get(day, m.start), m.start)
    if not counts:
        return published
    # (on a tie, the day the lead names: a round-up's later paragraphs go on with its day)
    return max(counts, key=lambda d: (counts[d], -first[d]))


# Time precisions that name one day.
_DAY_PRECISIONS = frozenset({"day", "part_of_day"})
# A time this many words after a reporting verb ("أفادت مصادر أمنية أمس") is when the source spoke.
_SPOKE_WORDS = 4


def _spoken_at(lex: EventLexicon | None, index: DocIndex | None) -> Callable[[int], bool] | None:
    """Whether a time at a text position dates a reporting verb just before it."""
    if lex is None or index is None:
        return None
    ends = sorted(h.end for h in index.hits(lex.attribution.verbs)[1])
    folded = index.folded

    def spoke(pos: int) -> bool:
        at = index.to_folded(pos)
        i = bisect.bisect_right(ends, at) - 1
        if i < 0:
            return False
        gap = folded[ends[i] : at]
        return not any(c in gap for c in ".،,؛;\n") and len(gap.split()) <= _SPOKE_WORDS

    return spoke


def _quoted_speaker(c: Candidate, before: Sequence[Candidate]) -> None:
    """"قواتنا": the source actor of the candidate's own sentence, else of one just before."""
    own = [a.source_actor for a in c.fields.attributed_to if a.source_actor]
    earlier = (
        a.source_actor
        for prev in reversed(before)
        if c.sentence_index - prev.sentence_index <= _CONTEXT_SENTENCES
        for a in prev.fields.attributed_to
        if a.source_actor
    )
    speaker = own[0] if own else next(earlier, None)
    if speaker is not None:
        c.fields.actor1 = RoleActor.of(speaker)
        c.spans.pop("actor1", None)


def _from_earlier(c: Candidate, before: Sequence[Candidate]) -> None:
    """A missing place, or date, from the nearest candidate just before in the paragraph (a date
    only when that one's text gave it)."""
    f = c.fields
    if f.location is None:
        for prev in _just_before(c, before):
            if prev.fields.location is not None:
                f.location = prev.fields.location
                f.location_from = "context"
                break
    if f.date is None:
        for prev in _just_before(c, before):
            if prev.fields.date is not None and prev.fields.date_from == DateFrom.TEXT:
                f.date = prev.fields.date
                f.date_precision = prev.fields.date_precision
                f.date_from = DateFrom.CONTEXT
                break


def _just_before(c: Candidate, before: Sequence[Candidate]) -> list[Candidate]:
    out = []
    for prev in reversed(before):
        if prev.paragraph != c.paragraph or c.sentence_index - prev.sentence_index > _CONTEXT_SENTENCES:
            break
        out.append(prev)
    return out


def _named_before(c: Candidate, doc: Document, lex: EventLexicon) -> Mention | None:
    """The place "المدينة" / "الحي" in the candidate's sentence refers to: of the places of that
    kind named before it (outside its source's words), the one named most often."""
    anaphora = lex.place_anaphora
    if not anaphora:
        return None
    start, end = c.fields.evidence.start, c.fields.evidence.end
    lo = bisect.bisect_left(doc.tokens, start, key=lambda t: t.start)
    hi = bisect.bisect_left(doc.tokens, end, key=lambda t: t.start)
    words = [t for t in doc.tokens[lo:hi] if t.is_word and t.norm in anaphora]
    if not words:
        return None
    places = [m for m in doc.mentions if m.type == "place" and m.kb_id and m.start < end]
    inside = [(m.start, m.end) for m in places if start <= m.start]
    types: tuple[str, ...] | None = None
    at = start
    for t in words:
        if any(cl.form == "ال" for cl in t.clitics) and not any(s <= t.start < e for s, e in inside):
            types, at = anaphora[t.norm], t.start
            break
    if types is None:
        return None
    # (places named earlier in the sentence count too, but not where its source is: "قال
    # مراسلنا في إدلب إن الطائرة قصفت وسط المدينة" is not about Idlib)
    sources = [(sp.start, sp.end) for sp in c.spans.get("attributed_to", [])]
    earlier = [
        m for m in places
        if m.end <= at and m.attrs.get("place_type") in types and not any(s <= m.start < e for s, e in sources)
    ]
    if not earlier:
        return None
    # The place the article keeps naming, not the last one in passing ("الحملة على إدلب"):
    # the most often named, the first named (the lead's) on a tie.
    counts = Counter(m.kb_id for m in earlier)
    return max(earlier, key=lambda m: counts[m.kb_id])


def _headline_place(doc: Document) -> Mention | None:
    """The one settlement or province the headline names, or None (none, or several)."""
    for sentence in doc.sentences[:_HEADLINE_SENTENCES]:
        text = doc.text[sentence.start : sentence.end]
        words = len(text.split())
        if words < 3:
            continue  # an outlet's name or a section line
        if words > _HEADLINE_MAX_WORDS:
            return None
        places = [
            m for m in doc.mentions
            if m.type == "place" and m.kb_id and sentence.start <= m.start < sentence.end
            and m.attrs.get("place_type") in _HEADLINE_PLACE_TYPES
        ]
        ids = {m.kb_id for m in places}
        return places[0] if len(ids) == 1 else None
    return None


def mark_background(candidates: Sequence[Candidate], published: dt.date) -> None:
    """An incident the text dates well before publication, or a recalled development dated
    before the report's day, is background: kept with its own date and flagged, never merged
    with what the report tells as news."""
    day = published.isoformat()
    for c in candidates:
        f = c.fields
        recalled = c.recalled and f.date_from == DateFrom.TEXT and str(f.date) < day
        if recalled or stale(c, published):
            f.background = True


def _period_end(value: str, precision: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    if precision == "year":
        return dt.date(day.year, 12, 31)
    if precision == "month":
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return day


def stale(c: Candidate, published: dt.date) -> bool:
    """Background: the text dates the incident (or the period it sums up) well before publication."""
    f = c.fields
    if f.date_from not in TEXT_DATES or not f.date:
        return False
    end = _period_end(str(f.date), f.date_precision)
    return end is not None and (published - end).days > _STALE_DAYS
