"""The learned incident filter (likely.py): the shipped model, what it keeps and drops, and the
pipeline without it. Fixtures are short reports written for these tests."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from rasid.document import Document, Event
from rasid.extract.events import event_record, likely
from rasid.extract.events.incident import is_incident
from rasid.extract.events.likely import (
    MODEL_PATH,
    PROBABILITY,
    UNLIKELY,
    ArticleContext,
    IncidentFilter,
    IncidentFilterError,
    features,
    load_filter,
    read_filter,
    screen,
)
from rasid.stages import build_pipeline

PUBLISHED = dt.date(2024, 3, 9)
STRIKE = "قصفت طائرات النظام مدينة أريحا في ريف إدلب اليوم، ما أدى إلى مقتل ثلاثة مدنيين وإصابة خمسة آخرين."


def _context(events: int = 1) -> ArticleContext:
    return ArticleContext(PUBLISHED, text_chars=2000, sentences=12, title_chars=0, events=events, per_sentence={1: 1})


def _fresh_report() -> dict[str, Any]:
    """A strike of the publication day, at a town, by a named air force on named fighters, three killed."""
    return {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "plover_mode": "aerial",
        "actor1": {"id": "syria_government", "side": "government"},
        "actor2": {"id": "hts", "side": "jihadist"},
        "location": {"place_id": "sy-ariha", "geo_precision": 1, "country": "Syria"},
        "date": PUBLISHED.isoformat(),
        "date_precision": "day",
        "date_from": "text",
        "killed": {"total": 3},
        "injured": {"total": 5},
        "hedged": False,
        "attributed_to": [{"id": "sohr"}],
        "evidence": {"text": "x" * 150, "start": 300, "end": 450},
        "sentence_index": 1,
        "background": False,
        "special": [],
        "confidence": 0.9,
    }


def _recalled_unplaced() -> dict[str, Any]:
    """A clash told years before publication, with no place and no one named: what the rules set aside."""
    return {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": None,
        "actor2": None,
        "location": None,
        "date": "2019-05-01",
        "date_precision": "year",
        "date_from": "text",
        "killed": None,
        "injured": None,
        "evidence": {"text": "x" * 40, "start": 1500, "end": 1540},
        "sentence_index": 9,
        "background": True,
        "special": ["background", "no_place", "one_side", "low_confidence"],
        "confidence": 0.4,
    }


@pytest.fixture(scope="module")
def model() -> IncidentFilter:
    found = load_filter()
    assert found is not None, f"{MODEL_PATH} is missing (rasid train incidents)"
    return found


def test_the_shipped_model_loads_with_the_features_it_was_trained_with(model: IncidentFilter) -> None:
    assert model.meta.get("part") == "tune"
    assert len(model.names) == len(set(model.names)) == len(model.coef) == len(model.mean) == len(model.scale)
    for name in ("confidence", "days_before:log", "place:none", "killed:present", "special:background", "headline"):
        assert name in model.names
    # every trained feature is one `features` can give
    produced = set(features(_fresh_report(), _context())) | set(features(_recalled_unplaced(), _context()))
    prefixes = {n.split(":")[0] for n in produced}
    assert all(n in produced or n.split(":")[0] in prefixes for n in model.names)
    assert 0.0 <= model.threshold < 1.0


def test_a_fresh_placed_deadly_report_scores_above_a_recalled_placeless_one(model: IncidentFilter) -> None:
    good = model.probability(features(_fresh_report(), _context()))
    bad = model.probability(features(_recalled_unplaced(), _context()))
    assert good >= model.threshold
    assert bad < model.threshold
    assert good > bad + 0.3


def test_the_filters_own_reason_is_not_a_feature() -> None:
    record = _fresh_report()
    again = {**record, "special": [UNLIKELY], PROBABILITY: 0.01}
    assert features(record, _context()) == features(again, _context())


def _toy(threshold: float) -> IncidentFilter:
    # a model that trusts confidence alone: p = sigmoid(10 * (confidence - 0.5))
    return IncidentFilter(("confidence",), (0.5,), (1.0,), (10.0,), 0.0, threshold)


def _event(confidence: float, special: list[str]) -> Event:
    return Event("Battles", "Armed clash", fields={"special": special, "date": None}, confidence=confidence)


def test_screen_sets_aside_a_low_scored_incident_and_keeps_every_score() -> None:
    doc = Document(id="t", text="نص", published=PUBLISHED)
    high, low, special = screen((_event(0.9, []), _event(0.2, []), _event(0.2, ["background"])), doc, _toy(0.5))
    assert high.fields["special"] == [] and high.fields[PROBABILITY] > 0.9
    assert low.fields["special"] == [UNLIKELY] and low.fields[PROBABILITY] < 0.1
    assert special.fields["special"] == ["background"]  # the rules' reasons stay the only ones
    assert not is_incident({"special": low.fields["special"]})


def test_types_the_key_never_codes_are_not_judged(model: IncidentFilter) -> None:
    """A protest scored low is kept when the model was never shown a coded protest (war reports)."""
    import dataclasses

    doc = Document(id="t", text="نص", published=PUBLISHED)
    judging = dataclasses.replace(_toy(0.5), screened_types=("Battles",))
    protest = Event("Protests", "Peaceful protest", fields={"special": [], "date": None}, confidence=0.2)
    clash, kept = screen((_event(0.2, []), protest), doc, judging)
    assert clash.fields["special"] == [UNLIKELY]
    assert kept.fields["special"] == [] and kept.fields[PROBABILITY] < 0.1
    assert model.screened_types and "Protests" not in model.screened_types
    assert read_filter(MODEL_PATH).screened_types == model.screened_types


def test_the_pipeline_keeps_a_clear_strike(model: IncidentFilter) -> None:
    pipeline = build_pipeline(["text", "entities", "events"])
    records = [event_record(e) for e in pipeline(Document(id="t", text=STRIKE, published=PUBLISHED)).events]
    assert records and all(is_incident(r) for r in records)
    assert all(r[PROBABILITY] >= model.threshold for r in records)


def test_a_missing_model_file_leaves_the_pipeline_unfiltered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "none.json"
    with caplog.at_level(logging.WARNING, logger=likely.__name__):
        assert load_filter(missing) is None
        assert load_filter(missing) is None
    assert sum("no incident filter model" in r.getMessage() for r in caplog.records) == 1  # warned once
    monkeypatch.setattr("rasid.extract.events.stage.load_filter", lambda: load_filter(missing))
    pipeline = build_pipeline(["text", "entities", "events"])
    records = [event_record(e) for e in pipeline(Document(id="t", text=STRIKE, published=PUBLISHED)).events]
    assert records and all(is_incident(r) and PROBABILITY not in r for r in records)


def test_a_malformed_model_file_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": likely.FORMAT, "threshold": 0.1, "intercept": 0.0}), encoding="utf-8")
    with pytest.raises(IncidentFilterError, match=r"bad\.json"):
        read_filter(bad)
    flt = _toy(0.3)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(flt.to_json()), encoding="utf-8")
    assert read_filter(good).probability({"confidence": 0.5}) == pytest.approx(0.5)
