"""Score story grouping against a gold key: pairwise precision, recall and F1.

A pair of articles is positive when both sit in the same story. The gold key is the sample
corpus's gold.json (`articles.<id>.story`, missing for singletons). Beside the score: the two
trivial groupings, "every article its own story" (no pair, F1 0) and "all articles in one story"
(recall 1, precision the share of same-story pairs).
"""

from __future__ import annotations

import itertools
import json
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rasid.eval.baselines import story_baselines
from rasid.store.base import Store


class GoldError(ValueError):
    """The gold file is missing or malformed."""


def load_gold(path: Path) -> dict[str, str]:
    """Article id -> story id (singletons get their own id)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read gold key ({exc})") from exc
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, dict) or not articles:
        raise GoldError(f"{path}: expected an 'articles' mapping of article id -> {{story: ...}}")
    return {str(k): str((v or {}).get("story") or f"singleton:{k}") for k, v in articles.items()}


def article_key(doc_id: str, origin: str) -> str:
    """The gold id of a stored article: the record id, or the file stem for one-article files."""
    if origin and ":" not in Path(origin).name:
        return Path(origin).stem
    return doc_id


def predicted_groups(store: Store) -> dict[str, int]:
    rows = store.query(
        "SELECT a.doc_id, a.origin, s.story_id FROM story_articles s JOIN articles a ON a.id = s.article_id"
    )
    return {article_key(doc_id, origin): int(story) for doc_id, origin, story in rows}


def pairwise_scores(gold: Mapping[str, str], predicted: Mapping[str, Any]) -> dict[str, float]:
    ids = sorted(set(gold) & set(predicted))
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        same_gold = gold[a] == gold[b]
        same_pred = predicted[a] == predicted[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "articles": len(ids),
        "true_pairs": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def evaluate_sample(gold_path: Path, corpus: Path | None = None) -> dict[str, Any]:
    """Analyse the corpus next to the gold key into a temporary database and score the stories."""
    from rasid.api import Rasid

    gold = load_gold(gold_path)
    corpus = corpus or gold_path.parent
    with tempfile.TemporaryDirectory() as tmp, Rasid(Path(tmp) / "eval.db") as rasid:
        start = time.perf_counter()
        report = rasid.analyze([corpus])
        elapsed = time.perf_counter() - start
        predicted = predicted_groups(rasid.store)
        stories = int(rasid.store.query("SELECT COUNT(*) FROM stories")[0][0])
        recycled = [
            article_key(d, o)
            for d, o in rasid.store.query(
                "SELECT a.doc_id, a.origin FROM recycled r JOIN articles a ON a.id = r.article_id"
            )
        ]
    scores = pairwise_scores(gold, predicted)
    missing = sorted(set(gold) - set(predicted))
    groups: dict[int, list[str]] = {}
    for key, story in predicted.items():
        groups.setdefault(story, []).append(key)
    return {
        **scores,
        "baselines": story_baselines({k: gold[k] for k in predicted if k in gold}, pairwise_scores),
        "stories": stories,
        "gold_stories": len(set(gold.values())),
        "missing": missing,
        "groups": sorted(sorted(g) for g in groups.values()),
        "recycled": sorted(recycled),
        "analyzed": report.added,
        "seconds": round(elapsed, 2),
    }
