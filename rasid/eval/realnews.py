"""Event precision/recall on hand-coded real articles (the development key of `docs/CODING-GUIDE.md`).

The key is JSONL, one article a line (`id`, `published`, `country`, `part` = tune|held|fresh, `events`), keyed
by the article ids of a realnews-style JSONL corpus. Rasid reads each keyed article exactly as
`rasid analyze` does (same cleaning, same stages) and its events are compared, as ACLED rows, with the
key's.

Matching is one-to-one within an article: a predicted event and a coded one can pair when they have
the same `event_type`, the same place (within `PLACE_KM`, the same name, or one is the governorate
or country the other lies in) and dates within a day when both are known; among those pairs the
largest set is taken (ties broken by the closest places, then the closest dates). Field accuracy is
measured on matched pairs. The baseline beside the score is what a reader of headlines would code: one
event per article whose title has a violence word, of the key's most common type, at the first
place Rasid finds in the article, on the publication day.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasid.document import Document

PLACE_KM = 15.0
_VIOLENCE_TITLE = re.compile(
    r"قتل|مقتل|قتلى|غارة|غارات|قصف|اشتباك|معارك|هجوم|انفجار|تفجير|سيطر|استهداف|صاروخ|اغتيال|جرحى|قذائف|انتحاري|كمين"
)
# ACLED names carry the years of a government ("(2000-)", "(2000-2024)"): the same force either way.
_YEARS = re.compile(r"\s*\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")


@dataclass(frozen=True)
class KeyArticle:
    id: str
    published: dt.date | None
    country: str
    part: str
    events: tuple[Mapping[str, Any], ...]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fields: Counter[str] = field(default_factory=Counter)
    field_totals: Counter[str] = field(default_factory=Counter)

    def scores(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        accuracy = {
            name: round(self.fields[name] / total, 3) for name, total in sorted(self.field_totals.items()) if total
        }
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "field_accuracy": accuracy,
        }


def load_key(path: str | Path) -> list[KeyArticle]:
    """The coded articles of a key file; a malformed line is an error naming the file and line."""
    articles: list[KeyArticle] = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                published = dt.date.fromisoformat(row["published"]) if row.get("published") else None
                articles.append(
                    KeyArticle(
                        id=str(row["id"]),
                        published=published,
                        country=str(row.get("country") or ""),
                        part=str(row.get("part") or "tune"),
                        events=tuple(row.get("events") or ()),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{line_no}: not a key record ({exc})") from exc
    return articles


def read_corpus(path: str | Path, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The records of `ids` from a JSONL (or .jsonl.gz) corpus."""
    wanted = set(ids)
    found: dict[str, dict[str, Any]] = {}
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record.get("id") in wanted:
                found[record["id"]] = record
    return found


@dataclass(frozen=True)
class Prediction:
    rows: tuple[dict[str, Any], ...]  # Rasid's events as ACLED rows
    first_place: Mapping[str, Any] | None  # the first place mention's attributes (for the baseline)


def read_article(
    pipeline: Callable[[Document], Document], article_id: str, record: Mapping[str, Any]
) -> Document:
    """The analysed `Document` of one corpus record, read as `rasid analyze` reads a JSONL line."""
    from rasid.ingest.readers import RawArticle
    from rasid.ingest.runner import build_document

    published = dt.date.fromisoformat(record["published"]) if record.get("published") else None
    raw = RawArticle(
        origin=f"key:{article_id}",
        kind="text",
        body=str(record.get("text") or ""),
        external_id=article_id,
        url=record.get("url"),
        source=record.get("source"),
        published=published,
        title=record.get("title"),
    )
    return pipeline(build_document(raw))


def predict(records: Mapping[str, Mapping[str, Any]]) -> dict[str, Prediction]:
    """Rasid's events for each record, read as `rasid analyze` reads a JSONL line."""
    from rasid.export.acled import acled_row
    from rasid.export.rollup import one_per_place_day
    from rasid.extract.events import event_record
    from rasid.extract.events.incident import is_incident
    from rasid.stages import default_pipeline

    pipeline = default_pipeline()
    out: dict[str, Prediction] = {}
    for article_id, record in records.items():
        doc = read_article(pipeline, article_id, record)
        place = next((m for m in doc.mentions if m.type == "place"), None)
        out[article_id] = Prediction(
            # What the ACLED export holds by default: incidents, not background or denied reports.
            rows=tuple(acled_row(r) for r in one_per_place_day([r for r in map(event_record, doc.events) if is_incident(r)])),
            first_place=dict(place.attrs) if place is not None else None,
        )
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from rasid.knowledge.places import km_between

    return km_between(a[0], a[1], b[0], b[1])


def _coords(row: Mapping[str, Any]) -> tuple[float, float] | None:
    try:
        return float(row["latitude"]), float(row["longitude"])
    except (KeyError, TypeError, ValueError):
        return None


def _name(value: Any) -> str:
    return " ".join(str(value or "").lower().replace("-", " ").split())


def place_distance(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
    """0 for the same place, km apart, or None when the two places are not the same or nested."""
    if _name(gold.get("location")) and _name(gold.get("location")) == _name(pred.get("location")):
        return 0.0
    g, p = _coords(gold), _coords(pred)
    if g is not None and p is not None and (km := _km(g, p)) <= PLACE_KM:
        return km
    # One contains the other: a governorate-level record and a place inside that governorate.
    g_admin, p_admin = _name(gold.get("admin1")), _name(pred.get("admin1"))
    coarse = str(gold.get("geo_precision")) == "3" or str(pred.get("geo_precision")) == "3"
    if coarse and g_admin and g_admin == p_admin:
        return PLACE_KM
    if coarse and _name(gold.get("location")) in (p_admin, _name(pred.get("country"))):
        return PLACE_KM
    return None


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def pair_cost(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> float | None:
    """How far apart a coded and a predicted event are, or None when they cannot be the same incident."""
    if gold.get("event_type") != pred.get("event_type"):
        return None
    km = place_distance(gold, pred)
    if km is None:
        return None
    g, p = _day(gold.get("event_date")), _day(pred.get("event_date"))
    days = abs((g - p).days) if g and p else 0
    if days > 1:
        return None
    return km / PLACE_KM + days


def match(gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """The largest one-to-one set of compatible (gold, predicted) pairs, cheapest first among equals."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if not gold or not pred:
        return []
    impossible = 1e6
    costs = np.full((len(gold), len(pred)), impossible)
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            cost = pair_cost(g, p)
            if cost is not None:
                costs[i, j] = cost
    rows, cols = linear_sum_assignment(costs)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if costs[i, j] < impossible]


def actor_key(name: Any) -> str:
    return _name(_YEARS.sub("", str(name or "")))


def field_checks(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> dict[str, bool]:
    """Which fields of a matched prediction agree with the key."""
    g1, g2, p1, p2 = (actor_key(x) for x in (gold.get("actor1"), gold.get("actor2"), pred.get("actor1"), pred.get("actor2")))
    if gold.get("event_type") == "Battles":  # the order of the two sides does not matter
        actor1 = g1 in (p1, p2)
        actor2 = g2 in (p1, p2) if g2 else not (p2 and p1 == g1) or not p2
    else:
        actor1, actor2 = g1 == p1, g2 == p2
    km = place_distance(gold, pred)
    killed = gold.get("killed")
    return {
        "sub_event_type": gold.get("sub_event_type") == pred.get("sub_event_type"),
        "actor1": actor1,
        "actor2": actor2,
        "location": km is not None and km <= 5.0,
        "date": _day(gold.get("event_date")) == _day(pred.get("event_date")),
        # A prediction is an ACLED row (`fatalities`); a second coder's record has `killed`.
        "fatalities": int(killed or 0) == int(pred.get("fatalities", pred.get("killed")) or 0),
    }


def baseline_rows(
    article: KeyArticle, record: Mapping[str, Any], first_place: Mapping[str, Any] | None, majority: str
) -> list[dict[str, Any]]:
    """The headline reader's guess: one event if the title has a violence word."""
    if not _VIOLENCE_TITLE.search(str(record.get("title") or "")):
        return []
    place = first_place or {}
    return [
        {
            "event_type": majority,
            "event_date": article.published.isoformat() if article.published else "",
            "location": place.get("name_en") or "",
            "latitude": place.get("lat", ""),
            "longitude": place.get("lon", ""),
            "admin1": place.get("admin1") or "",
            "geo_precision": place.get("geo_precision") or "",
            "actor1": "",
            "actor2": "",
            "fatalities": 0,
        }
    ]


def _score(tally: Tally, gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    pairs = match(gold, pred)
    tally.tp += len(pairs)
    tally.fp += len(pred) - len(pairs)
    tally.fn += len(gold) - len(pairs)
    for i, j in pairs:
        for name, ok in field_checks(gold[i], pred[j]).items():
            tally.field_totals[name] += 1
            tally.fields[name] += int(ok)
    return pairs


def evaluate(key_path: str | Path, corpus_path: str | Path, *, parts: Sequence[str] | None = None) -> dict[str, Any]:
    """Scores per part of the key (and all together), with the headline baseline beside them.

    Without `parts`, every part the key holds is scored, in the order first seen (tune, held, fresh …)."""
    loaded = load_key(key_path)
    if parts is None:
        parts = list(dict.fromkeys(a.part for a in loaded))
    key = [a for a in loaded if a.part in parts]
    records = read_corpus(corpus_path, (a.id for a in key))
    missing = [a.id for a in key if a.id not in records]
    if missing:
        raise ValueError(f"{corpus_path}: {len(missing)} keyed articles are not in the corpus (first: {missing[0]})")
    predicted = predict(records)
    majority = Counter(e.get("event_type") for a in key for e in a.events).most_common(1)
    majority_type = str(majority[0][0]) if majority else "Battles"
    result: dict[str, Any] = {"articles": len(key), "events_in_key": sum(len(a.events) for a in key), "parts": {}}
    for part in (*parts, "all"):
        chosen = [a for a in key if part in ("all", a.part)]
        if not chosen:
            continue
        rasid, baseline = Tally(), Tally()
        for article in chosen:
            _score(rasid, article.events, predicted[article.id].rows)
            guess = baseline_rows(article, records[article.id], predicted[article.id].first_place, majority_type)
            _score(baseline, article.events, guess)
        result["parts"][part] = {"articles": len(chosen), "rasid": rasid.scores(), "baseline": baseline.scores()}
    return result


def iter_errors(key_path: str | Path, corpus_path: str | Path) -> Iterator[dict[str, Any]]:
    """Unmatched coded and predicted events, article by article (for reading what went wrong)."""
    key = load_key(key_path)
    records = read_corpus(corpus_path, (a.id for a in key))
    predicted = predict(records)
    for article in key:
        pred = predicted[article.id].rows
        pairs = match(article.events, pred)
        gold_hit = {i for i, _ in pairs}
        pred_hit = {j for _, j in pairs}
        yield {
            "id": article.id,
            "part": article.part,
            "missed": [e for i, e in enumerate(article.events) if i not in gold_hit],
            "spurious": [p for j, p in enumerate(pred) if j not in pred_hit],
        }


def agreement(first_path: str | Path, second_path: str | Path) -> dict[str, Any]:
    """Inter-coder agreement on the articles both keys code: event F1 (the first as reference) and
    field agreement on matched events, with the same matching as the evaluation."""
    first = {a.id: a for a in load_key(first_path)}
    second = {a.id: a for a in load_key(second_path)}
    shared = sorted(first.keys() & second.keys())
    tally = Tally()
    for article_id in shared:
        _score(tally, first[article_id].events, second[article_id].events)
    return {"articles": len(shared), **tally.scores()}
