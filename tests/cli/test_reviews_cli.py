"""`rasid reviews` and `rasid events --reviewed`: exports carry the reviewed values and say so, and
the gold export is a key `rasid eval events` scores (three short reports written for this test)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rasid.api import Rasid
from rasid.cli import app

_REPORTS = [
    {"id": "t-1", "title": "قصف على كفرنبل", "source": "عنب بلدي", "published": "2019-05-06",
     "text": "قصفت قوات النظام السوري بالمدفعية الثقيلة بلدة كفرنبل في ريف إدلب الجنوبي صباح اليوم الاثنين، ما أسفر "
             "عن مقتل خمسة مدنيين بينهم طفلان وإصابة عشرة آخرين، بحسب الدفاع المدني."},
    {"id": "t-2", "title": "اشتباكات في ريف حماة", "source": "أورينت نت", "published": "2019-05-06",
     "text": "اندلعت اشتباكات عنيفة بين فصائل المعارضة وقوات النظام على محور تل ملح في ريف حماة الشمالي أمس الأحد، "
             "وقتل فيها سبعة عناصر من قوات النظام، وفق المرصد السوري لحقوق الإنسان."},
    {"id": "t-3", "title": "غارات على معرة النعمان", "source": "عنب بلدي", "published": "2019-05-07",
     "text": "شنت طائرات حربية روسية غارات جوية على مدينة معرة النعمان جنوبي إدلب اليوم الثلاثاء، وقتل ثلاثة مدنيين "
             "بحسب مصادر محلية."},
]  # fmt: skip


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """A database of the three reports with one event confirmed, one corrected and one rejected."""
    folder = tmp_path_factory.mktemp("reviews_cli")
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _REPORTS), encoding="utf-8")
    db = folder / "r.db"
    with Rasid(db) as rasid:
        rasid.analyze([corpus])
        by_place = {str(e["location"]["name"]): str(e["id"]) for e in rasid.events().items}
        assert set(by_place) >= {"كفر نبل", "تل ملح", "معرة النعمان"}, by_place
        rasid.review(by_place["كفر نبل"], "confirm", note="صحيح", reviewer="ali")
        rasid.review(by_place["تل ملح"], "correct", changes={"killed": 9}, note="تسعة", reviewer="sara")
        rasid.review(by_place["معرة النعمان"], "reject", note="مكرر", reviewer="sara")
    yield db, corpus, by_place


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_reviews_json_and_jsonl(reviewed: tuple[Path, Path, dict[str, str]]) -> None:
    db, _corpus, by_place = reviewed
    rows = json.loads(_run("reviews", "--db", str(db)))
    assert [(r["event_id"], r["status"], r["reviewer"]) for r in rows] == [
        (by_place["كفر نبل"], "confirmed", "ali"),
        (by_place["تل ملح"], "corrected", "sara"),
        (by_place["معرة النعمان"], "rejected", "sara"),
    ]
    corrected = rows[1]
    assert corrected["changes"]["killed"]["total"] == 9 and corrected["before"]["killed"]["total"] == 7
    assert corrected["note"] == "تسعة" and corrected["at"] and corrected["article_doc_id"] == "t-2"
    lines = _run("reviews", "--db", str(db), "--format", "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == rows


def test_events_exports_use_and_name_reviewed_values(reviewed: tuple[Path, Path, dict[str, str]]) -> None:
    db, _corpus, by_place = reviewed
    records = {r["id"]: r for r in json.loads(_run("events", "--db", str(db), "--format", "json"))}
    assert by_place["معرة النعمان"] not in records  # rejected: hidden
    assert records[by_place["تل ملح"]]["killed"]["total"] == 9
    assert records[by_place["تل ملح"]]["review"]["before"]["killed"]["total"] == 7
    flat = {r["id"]: r for r in csv.DictReader(io.StringIO(_run("events", "--db", str(db), "--format", "csv")))}
    assert flat[by_place["تل ملح"]]["killed"] == "9" and flat[by_place["تل ملح"]]["reviewed"] == "corrected"
    assert flat[by_place["كفر نبل"]]["reviewed"] == "confirmed"
    acled = list(csv.DictReader(io.StringIO(_run("events", "--db", str(db), "--format", "acled"))))
    by_location = {r["location"]: r for r in acled}
    assert by_location["Tal Malah"]["fatalities"] == "9" and by_location["Tal Malah"]["reviewed"] == "corrected"
    everything = list(csv.DictReader(io.StringIO(_run("events", "--db", str(db), "--format", "acled", "--all"))))
    assert "rejected" in {r["reviewed"] for r in everything}
    features = json.loads(_run("events", "--db", str(db), "--format", "geojson"))["features"]
    statuses = {f["properties"]["id"]: f["properties"]["reviewed"] for f in features}
    assert statuses[by_place["تل ملح"]] == "corrected" and statuses[by_place["كفر نبل"]] == "confirmed"


def test_events_reviewed_lists_only_reviewed_events(reviewed: tuple[Path, Path, dict[str, str]]) -> None:
    db, _corpus, by_place = reviewed
    shown = json.loads(_run("events", "--db", str(db), "--format", "json", "--reviewed"))
    assert {r["id"] for r in shown} == {by_place["كفر نبل"], by_place["تل ملح"]}
    shown = json.loads(_run("events", "--db", str(db), "--format", "json", "--reviewed", "--all"))
    assert {r["id"] for r in shown} == set(by_place.values())


def test_gold_export_is_a_key_rasid_eval_scores(reviewed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    db, corpus, _by_place = reviewed
    key = tmp_path / "key.jsonl"
    _run("reviews", "--db", str(db), "--format", "gold", "-o", str(key))
    lines: list[dict[str, Any]] = [json.loads(line) for line in key.read_text(encoding="utf-8").splitlines()]
    assert {line["id"]: len(line["events"]) for line in lines} == {"t-1": 1, "t-2": 1, "t-3": 0}
    clash = next(line for line in lines if line["id"] == "t-2")["events"][0]
    assert clash["killed"] == 9 and clash["event_type"] == "Battles" and clash["review"] == "corrected"
    scores = json.loads(_run("eval", "events", "--gold", str(key), "--corpus", str(corpus), "--json"))
    rasid = scores["parts"]["all"]["rasid"]
    # Both kept events are found again; the rejected air strike is Rasid's false positive; the
    # corrected toll is the one field Rasid gets wrong.
    assert (rasid["tp"], rasid["fp"], rasid["fn"]) == (2, 1, 0)
    assert rasid["field_accuracy"]["fatalities"] == 0.5


def test_reviews_command_errors(reviewed: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> None:
    db, _corpus, _by_place = reviewed
    result = CliRunner().invoke(app, ["reviews", "--db", str(db), "--format", "xml"])
    assert result.exit_code == 2 and "xml" in result.output
    result = CliRunner().invoke(app, ["reviews", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "missing.db" in result.output
