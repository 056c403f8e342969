"""Training the incident filter: folds by article, the export score it is chosen by, and a model
written that the pipeline's loader reads. The examples are synthetic records, not key articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasid.eval import incident_train
from rasid.eval.incident_train import ArticleEvents, cross_validate, export_tally, folds_of
from rasid.extract.events.likely import PROBABILITY, UNLIKELY, read_filter


def _record(place: str, lat: float, lon: float, quality: float) -> dict[str, Any]:
    return {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "location": {"name_en": place, "lat": lat, "lon": lon, "geo_precision": 1, "country": "Syria"},
        "date": "2024-03-09",
        "special": [],
        "confidence": quality,
    }


def _gold(place: str, lat: float, lon: float) -> dict[str, Any]:
    return {"event_type": "Battles", "event_date": "2024-03-09", "location": place, "latitude": lat, "longitude": lon}


def _articles(n: int) -> list[ArticleEvents]:
    """Articles with one real clash (well-scored) and one spurious one elsewhere (poorly scored)."""
    out = []
    for i in range(n):
        real, spurious = _record("Ariha", 35.81, 36.61, 0.9), _record("Palmyra", 34.56, 38.28, 0.2)
        feats = [{"confidence": 0.9, "noise": (i % 3) / 3}, {"confidence": 0.2, "noise": (i % 2) / 2}]
        out.append(ArticleEvents(f"a{i}", (_gold("Ariha", 35.81, 36.61),), [real, spurious], feats, [1, 0]))
    return out


def test_folds_are_by_article_fixed_and_balanced() -> None:
    ids = [f"a{i}" for i in range(23)]
    folds = folds_of(ids)
    assert folds == folds_of(list(reversed(ids)))  # the order given does not matter
    sizes = [list(folds.values()).count(k) for k in range(5)]
    assert sorted(sizes) == [4, 4, 5, 5, 5]


def test_the_export_score_counts_only_kept_incidents() -> None:
    articles = _articles(2)
    everything = export_tally(articles).scores()
    assert (everything["tp"], everything["fp"], everything["fn"]) == (2, 2, 0)
    only_real = export_tally(articles, [[True, False], [True, False]]).scores()
    assert (only_real["tp"], only_real["fp"], only_real["precision"]) == (2, 0, 1.0)
    nothing = export_tally(articles, [[False, False], [False, False]]).scores()
    assert (nothing["tp"], nothing["fn"]) == (0, 2)


def test_cross_validation_finds_a_threshold_that_drops_the_spurious_events() -> None:
    cv = cross_validate(_articles(10))
    assert cv["no_filter"]["f1"] == pytest.approx(0.667, abs=0.001)
    assert cv["filtered"]["f1"] == 1.0 and cv["threshold"] > 0


def test_the_filters_own_marks_are_taken_off_before_training() -> None:
    record = {**_record("Ariha", 35.81, 36.61, 0.9), "special": [UNLIKELY, "background"], PROBABILITY: 0.02}
    clean = incident_train._unfiltered(record)
    assert clean["special"] == ["background"] and PROBABILITY not in clean


def test_train_writes_a_model_the_loader_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incident_train, "collect", lambda key, corpus: _articles(10))
    out = tmp_path / "filter.json"
    summary = incident_train.train("key.jsonl", "corpus.jsonl", out)
    model = read_filter(out)
    assert summary["kept"] and model.threshold == summary["threshold"] > 0
    assert set(model.names) == {"confidence", "noise"}
    assert model.probability({"confidence": 0.9, "noise": 0.0}) > model.threshold
    assert model.probability({"confidence": 0.2, "noise": 0.0}) < model.threshold
