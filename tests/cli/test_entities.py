"""`rasid entities`: what a user lists after `rasid analyze`, from reports written for this test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app
from tests.conftest import analyze_reports

CLASH_REPORT = """اشتباكات بين ميليشيا لواء الباقر وقوات النظام في حي الشعار بحلب
أفاد مراسل عنب بلدي في حلب بأن اشتباكات عنيفة اندلعت مساء أمس الأحد بين عناصر من ميليشيا لواء الباقر المدعومة من إيران وعناصر من الفرقة الرابعة في حي الشعار بمدينة حلب، ما أسفر عن مقتل ثلاثة عناصر من الطرفين.
وقال قائد ميليشيا الباقر (حسان الجاسم) في تسجيل صوتي إن عناصره "ردوا على استفزازات" الفرقة الرابعة، فيما قصفت قوات النظام أطراف ريف حلب الجنوبي.
وذكر المرصد السوري لحقوق الإنسان أن التوتر امتد إلى بلدة السفيرة في ريف حلب الشرقي.
"""

SECOND_REPORT = """توتر في السفيرة
قالت مصادر محلية لعنب بلدي إن ميليشيا الباقر استقدمت تعزيزات إلى محيط بلدة السفيرة وإلى مدينة حماة.
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("entities")
    return analyze_reports(root, {"clash.txt": CLASH_REPORT, "reinforcements.txt": SECOND_REPORT}, "2021-03-08")


def entities(db: Path, *args: str) -> list[dict]:
    result = CliRunner().invoke(app, ["entities", "--db", str(db), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_id(records: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in records if r["id"]}


def test_actors_carry_side_parent_and_every_article(db: Path) -> None:
    actors = by_id(entities(db, "--type", "actor"))
    baqir = actors["liwa_baqir"]
    assert baqir["name"] == "لواء الباقر"  # the knowledge base's name, whatever the surface form
    assert {"ميليشيا لواء الباقر", "ميليشيا الباقر"} & set(baqir["surface_forms"])
    assert baqir["attrs"]["side"] == "pro_government" and baqir["attrs"]["parent"] == "iran_backed_militias"
    assert [a["origin"].rsplit("/", 1)[-1] for a in baqir["articles"]] == ["clash.txt", "reinforcements.txt"]
    assert baqir["mentions"] >= 3
    assert actors["fourth_division"]["attrs"]["side"] == "government"
    assert all(r["type"] == "actor" for r in actors.values())


def test_places_have_coordinates_admin_areas_and_precision(db: Path) -> None:
    places = by_id(entities(db, "--type", "place"))
    shaar = places["sy-aleppo-shaar"]
    assert shaar["attrs"]["place_type"] == "neighbourhood" and shaar["attrs"]["geo_precision"] == 1
    assert shaar["attrs"]["admin1"] == "Aleppo"
    assert 36.1 < shaar["attrs"]["lat"] < 36.3 and 37.1 < shaar["attrs"]["lon"] < 37.3
    # The city and the governorate share a name; the listing tells them apart.
    governorate = next(r for r in places.values() if r["attrs"].get("place_type") == "governorate"
                       and r["attrs"]["admin1"] == "Aleppo")
    assert governorate["name"] == "محافظة حلب" and governorate["attrs"]["geo_precision"] == 3
    city = next(r for r in places.values() if r["attrs"].get("name_en") == "Aleppo"
                and r["attrs"].get("place_type") == "city")
    assert city["name"] == "حلب"
    safira = next(r for r in places.values() if r["attrs"].get("name") == "السفيرة")
    assert len(safira["articles"]) == 2


def test_person_linked_to_the_militia_they_lead(db: Path) -> None:
    [person] = [r for r in entities(db, "--type", "person") if r["name"] == "حسان الجاسم"]
    assert person["linked"] is False and person["id"].startswith("person:")
    assert person["attrs"]["affiliation"] == "liwa_baqir" and person["attrs"]["side"] == "pro_government"


def test_outlets_and_the_table_view(db: Path) -> None:
    outlets = by_id(entities(db, "--type", "outlet"))
    assert outlets["enab_baladi"]["name"] == "عنب بلدي"
    result = CliRunner().invoke(app, ["entities", "--db", str(db)], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "لواء الباقر" in result.stdout and "pro_government" in result.stdout


def test_bad_type_and_missing_database(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["entities", "--db", str(db), "--type", "weapon"])
    assert result.exit_code == 1 and "person, actor, place, outlet" in result.output
    result = CliRunner().invoke(app, ["entities", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "none.db" in result.output
