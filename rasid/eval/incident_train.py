"""`rasid train incidents`: the incident filter of `rasid/extract/events/likely.py`, learned from the
tune part of the hand-coded real-news key (never the held part).

Every event Rasid codes on a tune article (incidents and specials alike) is an example: 1 when its
ACLED row could pair with one of the article's coded events under the evaluation's own matching
(`realnews.pair_cost`: same type, same or nested place, dates within a day), else 0. A logistic
regression is cross-validated by article (5 folds, fixed shuffle). The regularisation and the
threshold are chosen by what the evaluation scores: event F1 of the ACLED export (incidents only,
rolled up one per place and day) on the held-out folds. The F1 reported is honest about that choice:
each fold is scored with the threshold chosen on the other four folds' out-of-fold scores.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rasid.eval.realnews import Tally, load_key, match, pair_cost, read_article, read_corpus

FOLDS = 5
SEED = 0
C_VALUES = (0.03, 0.1, 0.3, 1.0)
THRESHOLDS = tuple(round(0.01 * i, 2) for i in range(0, 71))


@dataclass
class ArticleEvents:
    """One tune article: its coded events, and Rasid's events with their features and labels."""

    id: str
    gold: tuple[Mapping[str, Any], ...]
    records: list[dict[str, Any]]
    features: list[dict[str, float]]
    labels: list[int]


MIN_POSITIVES = 5  # coded examples of an event type before the filter may judge that type


def _unfiltered(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the rules alone left it (the filter's reason and score taken off)."""
    from rasid.extract.events.likely import PROBABILITY, UNLIKELY

    out = {k: v for k, v in record.items() if k != PROBABILITY}
    if out.get("special") is not None:
        out["special"] = [s for s in out["special"] if s != UNLIKELY]
    return out


def collect(key_path: str | Path, corpus_path: str | Path, *, part: str = "tune") -> list[ArticleEvents]:
    """The labelled events of the key's `part` articles (read as `rasid analyze` reads them)."""
    from rasid.export.acled import acled_row
    from rasid.extract.events import event_record
    from rasid.extract.events.likely import article_context, features
    from rasid.stages import default_pipeline

    key = [a for a in load_key(key_path) if a.part == part]
    corpus = read_corpus(corpus_path, (a.id for a in key))
    missing = [a.id for a in key if a.id not in corpus]
    if missing:
        raise ValueError(f"{corpus_path}: {len(missing)} keyed articles are not in the corpus (first: {missing[0]})")
    pipeline = default_pipeline()
    out: list[ArticleEvents] = []
    for article in key:
        doc = read_article(pipeline, article.id, corpus[article.id])
        records = [_unfiltered(event_record(e)) for e in doc.events]
        context = article_context(doc, records)
        labels = [
            int(any(pair_cost(g, row) is not None for g in article.events))
            for row in (acled_row(r) for r in records)
        ]
        out.append(ArticleEvents(article.id, article.events, records, [features(r, context) for r in records], labels))
    return out


def export_tally(articles: Sequence[ArticleEvents], keep: Sequence[Sequence[bool]] | None = None) -> Tally:
    """The evaluation's score of the ACLED export when only the `keep` events may be incidents."""
    from rasid.export.acled import acled_row
    from rasid.export.rollup import one_per_place_day
    from rasid.extract.events.incident import is_incident

    tally = Tally()
    for i, article in enumerate(articles):
        kept = [r for j, r in enumerate(article.records) if is_incident(r) and (keep is None or keep[i][j])]
        rows = [acled_row(r) for r in one_per_place_day(kept)]
        pairs = match(article.gold, rows)
        tally.tp += len(pairs)
        tally.fp += len(rows) - len(pairs)
        tally.fn += len(article.gold) - len(pairs)
    return tally


def folds_of(ids: Sequence[str], folds: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """Each article's fold (a fixed shuffle of the sorted ids, dealt round)."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return {article_id: i % folds for i, article_id in enumerate(order)}


def _f1(tally: Tally) -> float:
    return float(tally.scores()["f1"])


def _fit(rows: Sequence[Mapping[str, float]], labels: Sequence[int], c: float) -> Any:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(
        DictVectorizer(sparse=False), StandardScaler(), LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    )
    model.fit(list(rows), list(labels))
    return model


def out_of_fold(articles: Sequence[ArticleEvents], fold: Mapping[str, int], c: float) -> list[list[float]]:
    """Each event's probability from the model fit on the other folds."""
    probs: list[list[float]] = [[0.0] * len(a.records) for a in articles]
    for k in sorted(set(fold.values())):
        train = [a for a in articles if fold[a.id] != k]
        model = _fit([x for a in train for x in a.features], [y for a in train for y in a.labels], c)
        judged = screened_types(train)
        for i, a in enumerate(articles):
            if fold[a.id] == k and a.records:
                found = model.predict_proba(a.features)[:, 1]
                probs[i] = [float(p) if r.get("event_type") in judged else 1.0 for p, r in zip(found, a.records, strict=True)]
    return probs


def screened_types(articles: Sequence[ArticleEvents]) -> tuple[str, ...]:
    """The event types the filter may judge: those with at least MIN_POSITIVES coded examples. A type
    the key never codes (protests, in war reports) would otherwise be learned as "never an incident"."""
    counts: dict[str, int] = {}
    for a in articles:
        for record, label in zip(a.records, a.labels, strict=True):
            counts[str(record.get("event_type"))] = counts.get(str(record.get("event_type")), 0) + label
    return tuple(sorted(t for t, n in counts.items() if n >= MIN_POSITIVES))


def _best_threshold(articles: Sequence[ArticleEvents], probs: Sequence[Sequence[float]]) -> tuple[float, float]:
    """The threshold with the highest export F1 (the lowest among equals) and that F1."""
    best = (0.0, -1.0)
    for t in THRESHOLDS:
        f1 = _f1(export_tally(articles, [[p >= t for p in ps] for ps in probs]))
        if f1 > best[1] + 1e-9:
            best = (t, f1)
    return best


def nested_tally(articles: Sequence[ArticleEvents], probs: Sequence[Sequence[float]], fold: Mapping[str, int]) -> Tally:
    """Each fold scored with the threshold chosen on the other folds (no threshold sees its fold)."""
    total = Tally()
    for k in sorted(set(fold.values())):
        others = [i for i, a in enumerate(articles) if fold[a.id] != k]
        t, _ = _best_threshold([articles[i] for i in others], [probs[i] for i in others])
        mine = [i for i, a in enumerate(articles) if fold[a.id] == k]
        part = export_tally([articles[i] for i in mine], [[p >= t for p in probs[i]] for i in mine])
        total.tp, total.fp, total.fn = total.tp + part.tp, total.fp + part.fp, total.fn + part.fn
    return total


def cross_validate(articles: Sequence[ArticleEvents]) -> dict[str, Any]:
    """Export scores without the filter and with it (each C; nested threshold choice), by article."""
    fold = folds_of([a.id for a in articles])
    result: dict[str, Any] = {"no_filter": export_tally(articles).scores(), "by_c": {}}
    for c in C_VALUES:
        probs = out_of_fold(articles, fold, c)
        threshold, f1 = _best_threshold(articles, probs)
        result["by_c"][str(c)] = {
            "threshold": threshold,
            "f1_at_threshold": round(f1, 3),
            "nested": nested_tally(articles, probs, fold).scores(),
        }
    best_c = max(C_VALUES, key=lambda c: (result["by_c"][str(c)]["nested"]["f1"], -c))
    result["c"] = best_c
    result["threshold"] = result["by_c"][str(best_c)]["threshold"]
    result["filtered"] = result["by_c"][str(best_c)]["nested"]
    return result


def train(key_path: str | Path, corpus_path: str | Path, out: Path) -> dict[str, Any]:
    """Cross-validate, then fit on the whole tune part and write the model to `out`. The filter is
    kept (threshold > 0) only when it raises the cross-validated export F1."""
    from rasid.extract.events.likely import IncidentFilter

    articles = collect(key_path, corpus_path)
    cv = cross_validate(articles)
    keep = cv["filtered"]["f1"] > cv["no_filter"]["f1"]
    model = _fit([x for a in articles for x in a.features], [y for a in articles for y in a.labels], cv["c"])
    vectorizer, scaler, logistic = (step for _, step in model.steps)
    names = tuple(str(n) for n in vectorizer.get_feature_names_out())
    events = sum(len(a.labels) for a in articles)
    summary = {
        "articles": len(articles),
        "events": events,
        "positives": sum(sum(a.labels) for a in articles),
        "cv": cv,
        "kept": keep,
        "trained": dt.date.today().isoformat(),
    }
    flt = IncidentFilter(
        names=names,
        mean=tuple(float(x) for x in scaler.mean_),
        scale=tuple(float(x) if x > 0 else 1.0 for x in scaler.scale_),
        coef=tuple(float(x) for x in logistic.coef_[0]),
        intercept=float(logistic.intercept_[0]),
        threshold=float(cv["threshold"]) if keep else 0.0,
        screened_types=screened_types(articles),
        meta={"key": Path(key_path).name, "part": "tune", "C": cv["c"], **summary},
    )
    import json

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(flt.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {**summary, "threshold": flt.threshold, "features": len(names)}
