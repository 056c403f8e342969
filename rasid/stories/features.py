"""Per-article features used to group articles into stories.

Computed once per article from its stored annotations and kept (as compressed JSON) in `story_articles`,
so later arrivals compare against stored features instead of re-reading articles.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rasid.document import Document, Event
from rasid.stories._data import lexicon
from rasid.text.stem import stem
from rasid.text.tokens import search_terms

# Places this broad say nothing about which incident an article reports.
_BROAD_PLACE_TYPES = {"country", "region"}
_MAX_TERMS = 120


@dataclass
class ArticleFeatures:
    article_id: int
    outlet: str | None
    published: str | None
    terms: dict[str, float] = field(default_factory=dict)  # stem -> 1 + log(tf)
    places: list[str] = field(default_factory=list)  # specific place ids
    regions: list[str] = field(default_factory=list)  # admin1 / containers, for blocking
    place_names: dict[str, str] = field(default_factory=dict)
    actors: list[str] = field(default_factory=list)
    event_dates: list[str] = field(default_factory=list)  # day-precision event dates
    anchor: str | None = None  # best guess of when the reported events happened
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        # Shallow copies: asdict() deep-copies recursively and costs more than the features themselves.
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "published": self.published,
            "terms": dict(self.terms),
            "places": list(self.places),
            "regions": list(self.regions),
            "place_names": dict(self.place_names),
            "actors": list(self.actors),
            "event_dates": list(self.event_dates),
            "anchor": self.anchor,
            "title": self.title,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ArticleFeatures:
        return cls(**data)

    # Read for every pair an article is compared in: computed once (features are not changed once built).
    @cached_property
    def anchor_date(self) -> dt.date | None:
        return dt.date.fromisoformat(self.anchor) if self.anchor else None

    @cached_property
    def place_set(self) -> frozenset[str]:
        return frozenset(self.places)

    @cached_property
    def actor_set(self) -> frozenset[str]:
        return frozenset(self.actors)


def _content_stem(term: str, stop: frozenset[str]) -> str:
    """The stem a search term counts as, or "" if it is no content word."""
    if len(term) < 3 or term in stop or any(ch.isdigit() for ch in term):
        return ""
    stemmed = stem(term)
    if len(stemmed) < 2 or stemmed in stop:
        return ""
    return stemmed


# term -> `_content_stem(term)`, for the stop words it was computed with (a dict lookup per word
# where the tests above cost ~1 µs each); bounded like the tokenizer's memo.
_STEMS: dict[str, str] = {}
_STEMS_STOP: list[frozenset[str]] = []
_STEMS_LIMIT = 200_000


def content_terms(text: str) -> Counter[str]:
    """Stems of content words, plus adjacent-pair bigrams (names and phrases are more specific)."""
    stop = lexicon().stopwords
    if not _STEMS_STOP or _STEMS_STOP[0] is not stop or len(_STEMS) >= _STEMS_LIMIT:
        _STEMS.clear()
        _STEMS_STOP[:] = [stop]
    memo = _STEMS
    counts: Counter[str] = Counter()
    previous: str | None = None
    for term in search_terms(text):
        stemmed = memo.get(term)
        if stemmed is None:
            stemmed = memo[term] = _content_stem(term, stop)
        if not stemmed:
            previous = None
            continue
        counts[stemmed] += 1
        if previous is not None:
            counts[f"{previous}_{stemmed}"] += 1
        previous = stemmed
    return counts


def _day_dates(doc: Document) -> set[str]:
    """Dates the text itself states to the day (event dates not among them are guesses)."""
    return {
        str(m.attrs.get("value"))
        for m in doc.mentions_of("time")
        if m.attrs.get("value") and m.attrs.get("precision") in ("day", "part_of_day")
    }


def _dates_and_anchor(doc: Document, news: list[Event]) -> tuple[list[str], str | None]:
    """(the day-precision dates of the article's own events that its text states, sorted; the anchor:
    their median, or else the publication date)."""
    stated = _day_dates(doc)
    event_dates = sorted(
        str(e.fields.get("date"))
        for e in news
        if e.fields.get("date")
        and e.fields.get("date_precision") == "day"
        and str(e.fields.get("date")) in stated
    )
    anchor: str | None = None
    if event_dates:
        anchor = dt.date.fromordinal(
            int(statistics.median_low([dt.date.fromisoformat(d).toordinal() for d in event_dates]))
        ).isoformat()
    elif doc.published:
        anchor = doc.published.isoformat()
    return event_dates, anchor


def article_anchor(doc: Document) -> str | None:
    """`article_features(...).anchor` without the rest (what stories are grouped in the order of)."""
    return _dates_and_anchor(doc, _news(doc))[1]


def _news(doc: Document) -> list[Event]:
    """The article's own events (not the earlier incidents it recalls)."""
    return [e for e in doc.events if not e.fields.get("background")]


def article_features(article_id: int, doc: Document) -> ArticleFeatures:
    counts = content_terms(doc.text)
    # The title says what the article is about: count its words again.
    for term, n in content_terms(doc.title).items():
        counts[term] += 2 * n
    top = counts.most_common(_MAX_TERMS)
    terms = {t: round(1.0 + math.log(n), 4) for t, n in top}
    # Entities join the weighted vector too, so a rare shared actor or place counts more than Aleppo.
    entity_counts: Counter[str] = Counter(
        f"@{m.kb_id}" for m in doc.mentions if m.type in ("actor", "person", "place") and m.kb_id
    )
    # What happened (event type and who did it) is part of what the story is about.
    news = _news(doc)
    for e in news:
        entity_counts[f"#{e.sub_event_type}"] += 1
        actor1 = e.fields.get("actor1") or {}
        if isinstance(actor1, dict) and actor1.get("id"):
            entity_counts[f"#{e.sub_event_type}|{actor1['id']}"] += 1
    for key, n in entity_counts.items():
        terms[key] = round(1.0 + math.log(n), 4)

    places: list[str] = []
    regions: list[str] = []
    names: dict[str, str] = {}
    actors: list[str] = []
    for m in doc.mentions:
        if m.type == "place" and m.kb_id:
            attrs = m.attrs
            if attrs.get("place_type") in _BROAD_PLACE_TYPES:
                continue
            if attrs.get("place_type") == "governorate":
                regions.append(m.kb_id)
            else:
                places.append(m.kb_id)
            names.setdefault(m.kb_id, str(attrs.get("name_en") or m.text))
            for key in ("container_id", "admin1"):
                if attrs.get(key):
                    regions.append(f"{key}:{attrs[key]}")
        elif m.type in ("actor", "person") and m.kb_id:
            actors.append(m.kb_id)

    event_dates, anchor = _dates_and_anchor(doc, news)
    return ArticleFeatures(
        article_id=article_id,
        outlet=doc.source,
        published=doc.published.isoformat() if doc.published else None,
        terms=terms,
        places=sorted(set(places)),
        regions=sorted(set(regions)),
        place_names=names,
        actors=sorted(set(actors)),
        event_dates=event_dates,
        anchor=anchor,
        title=doc.title,
    )


class Idf:
    """Inverse document frequency from counts; unseen terms count as rare."""

    def __init__(self, df: dict[str, int] | None = None, n_docs: int = 0):
        self.df = df if df is not None else {}
        self.n = n_docs + 1

    def get(self, term: str, default: float = 1.0) -> float:
        return math.log(1.0 + self.n / (1 + self.df.get(term, 0)))


def jaccard(a: list[str], b: list[str]) -> float:
    return _set_jaccard(set(a), set(b))


def _set_jaccard(sa: frozenset[str] | set[str], sb: frozenset[str] | set[str]) -> float:
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


# A term vector weighted by IDF, with its Euclidean norm: computed once, compared many times.
Weighted = tuple[dict[str, float], float]


def weighted(terms: dict[str, float], idf: Idf) -> Weighted:
    vector = {t: w * idf.get(t, 1.0) for t, w in terms.items()}
    return vector, math.sqrt(sum(v * v for v in vector.values()))


def weighted_cosine(a: Weighted, b: Weighted) -> float:
    (va, na), (vb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(va) > len(vb):
        va, vb = vb, va
    dot = sum(w * vb[t] for t, w in va.items() if t in vb)
    return dot / (na * nb)


def cosine(a: dict[str, float], b: dict[str, float], idf: Idf) -> float:
    if not a or not b:
        return 0.0
    return weighted_cosine(weighted(a, idf), weighted(b, idf))


@dataclass(frozen=True)
class Weights:
    content: float = 0.55
    places: float = 0.15
    actors: float = 0.15
    time: float = 0.15
    neutral_time: float = 0.3  # time score when either side has no date
    close_days: int = 3
    far_days: int = 10  # beyond this the pair is penalised hard


def pair_score(a: ArticleFeatures, b: ArticleFeatures, idf: Idf, w: Weights = Weights()) -> float:
    """Similarity of two articles in [0, 1]: content, shared places/actors, closeness in time."""
    return combined_score(a, b, cosine(a.terms, b.terms, idf), w)


def combined_score(a: ArticleFeatures, b: ArticleFeatures, content: float, w: Weights = Weights()) -> float:
    """`pair_score` given the content cosine (callers with cached weighted vectors pass it in)."""
    places = _set_jaccard(a.place_set, b.place_set)
    actors = _set_jaccard(a.actor_set, b.actor_set)
    da, db = a.anchor_date, b.anchor_date
    penalty = 1.0
    if da and db:
        gap = abs((da - db).days)
        if gap <= w.close_days:
            time = 1.0
        elif gap <= w.far_days:
            time = 1.0 - (gap - w.close_days) / (w.far_days - w.close_days)
        else:
            time = 0.0
            # Same place, different months or years: a different incident, whatever the wording.
            penalty = 0.3 if gap <= 90 else 0.1
    else:
        time = w.neutral_time
    score = w.content * content + w.places * places + w.actors * actors + w.time * time
    return score * penalty
