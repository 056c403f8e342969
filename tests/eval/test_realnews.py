"""Scoring hand-coded real articles: matching rules, field checks, the key reader and a whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rasid.eval.realnews import agreement, evaluate, field_checks, load_key, match, pair_cost

ALEPPO = {"location": "Aleppo", "latitude": 36.2, "longitude": 37.16, "admin1": "Aleppo", "geo_precision": 1}
IDLIB = {"location": "Idlib", "latitude": 35.93, "longitude": 36.63, "admin1": "Idlib", "geo_precision": 1}


def event(event_type: str = "Battles", date: str = "2015-08-01", **extra: object) -> dict[str, object]:
    return {"event_type": event_type, "event_date": date, **ALEPPO, **extra}


def test_pairs_need_the_same_type_place_and_a_day() -> None:
    assert pair_cost(event(), event()) == 0.0
    assert pair_cost(event(), event(date="2015-08-02")) == 1.0
    assert pair_cost(event(), event(date="2015-08-03")) is None
    assert pair_cost(event(), event("Explosions/Remote violence")) is None
    assert pair_cost(event(), {**event(), **IDLIB}) is None


def test_a_governorate_record_contains_its_towns() -> None:
    governorate = event(location="Aleppo Governorate", latitude=None, longitude=None, geo_precision=3)
    town = event(location="Al-Bab", latitude=36.37, longitude=37.52, geo_precision=1)
    assert pair_cost(governorate, town) is not None
    assert pair_cost(governorate, {**town, "admin1": "Idlib"}) is None


def test_matching_is_one_to_one_and_prefers_the_closest() -> None:
    gold = [event(), event(date="2015-08-02")]
    pred = [event(date="2015-08-02")]
    assert match(gold, pred) == [(1, 0)]
    assert match(gold, [event(), event(), event()]) in ([(0, 0), (1, 1)], [(0, 0), (1, 2)], [(0, 1), (1, 0)])


def test_battle_sides_in_either_order_and_government_years_ignored() -> None:
    gold = event(actor1="Military Forces of Syria (2000-)", actor2="Islamic State (Syria)", killed=4)
    pred = event(actor1="Islamic State (Syria)", actor2="Military Forces of Syria (2000-2024)", fatalities=4)
    checks = field_checks(gold, pred)
    assert checks["actor1"] and checks["actor2"] and checks["fatalities"] and checks["location"]
    strike = event("Explosions/Remote violence", actor1="Military Forces of Syria (2000-)", actor2="Civilians (Syria)")
    swapped = event("Explosions/Remote violence", actor1="Civilians (Syria)", actor2="Military Forces of Syria (2000-)")
    assert not field_checks(strike, swapped)["actor1"]


def test_a_malformed_key_line_names_the_file_and_line(tmp_path: Path) -> None:
    key = tmp_path / "key.jsonl"
    key.write_text('{"id": "a", "published": "2015-08-01", "events": []}\n{"published": "2015-08-01"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"key\.jsonl:2"):
        load_key(key)


def test_agreement_of_two_coders(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "x", "published": "2015-08-01", "events": [event(), event(**IDLIB)]}) + "\n")
    second.write_text(json.dumps({"id": "x", "published": "2015-08-01", "events": [event()]}) + "\n")
    result = agreement(first, second)
    assert (result["tp"], result["fp"], result["fn"]) == (1, 0, 1)


def test_a_whole_run_scores_rasid_and_the_headline_baseline(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    text = "قتل ثلاثة مدنيين أمس الجمعة في قصف جوي لطيران النظام على مدينة حلب، بحسب ناشطين.\n"
    corpus.write_text(
        json.dumps({"id": "r1", "published": "2015-08-01", "title": "مقتل ثلاثة مدنيين في قصف على حلب", "text": text},
                   ensure_ascii=False) + "\n"
        + json.dumps({"id": "r2", "published": "2015-08-01", "title": "افتتاح معرض للكتاب", "text": "افتتح المعرض.\n"},
                     ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    coded = event("Explosions/Remote violence", date="2015-07-31", actor1="Military Forces of Syria (2000-)",
                  actor2="Civilians (Syria)", killed=3)
    key = tmp_path / "key.jsonl"
    key.write_text(
        json.dumps({"id": "r1", "published": "2015-08-01", "part": "tune", "events": [coded]}) + "\n"
        + json.dumps({"id": "r2", "published": "2015-08-01", "part": "held", "events": []}) + "\n",
        encoding="utf-8",
    )
    result = evaluate(key, corpus)
    tune = result["parts"]["tune"]
    assert tune["rasid"]["tp"] == 1 and tune["rasid"]["field_accuracy"]["fatalities"] == 1.0
    # The headline reader guesses the key's most common type on the publication day: a day off is still a match.
    assert tune["baseline"]["tp"] == 1 and tune["baseline"]["field_accuracy"]["date"] == 0.0
    assert result["parts"]["held"]["rasid"]["fp"] == 0


def test_the_command_scores_a_key_and_asks_for_the_key_with_a_corpus(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rasid.cli import app

    corpus, key = tmp_path / "corpus.jsonl", tmp_path / "key.jsonl"
    corpus.write_text(json.dumps({"id": "r", "published": "2015-08-01", "title": "خبر", "text": "افتتح المعرض.\n"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    # A part other than tune/held (a later, untouched "fresh" set) is scored too, not silently dropped.
    key.write_text(json.dumps({"id": "r", "published": "2015-08-01", "part": "fresh", "events": []}) + "\n")
    runner = CliRunner()
    missing = runner.invoke(app, ["eval", "events", "--corpus", str(corpus)])
    assert missing.exit_code == 2 and "--gold" in missing.output
    result = runner.invoke(app, ["eval", "events", "--gold", str(key), "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)["parts"]
    assert scored["fresh"]["articles"] == 1 and scored["fresh"]["rasid"]["fp"] == 0 and "held" not in scored
