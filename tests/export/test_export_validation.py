"""The exports as their consumers read them: ACLED CSV through pandas, GeoJSON through a GeoJSON validator.

The reports go through the whole pipeline (`rasid analyze`), so places are geocoded by the real
gazetteer and the exported rows are the ones a user would get.
"""

from __future__ import annotations

import json
from pathlib import Path

import geojson
import pandas as pd
import pytest
from typer.testing import CliRunner

from rasid.cli import app
from rasid.export import ACLED_COLUMNS
from tests.conftest import analyze_reports

AIRSTRIKE = """غارات جوية على معرة النعمان
قالت مصادر في الدفاع المدني السوري لعنب بلدي إن طائرات حربية روسية شنت غارات جوية، صباح اليوم الاثنين، على مدينة معرة النعمان في ريف إدلب الجنوبي، ما أسفر عن مقتل سبعة مدنيين بينهم ثلاثة أطفال وامرأة، وإصابة 12 آخرين.
وأضافت المصادر أن الغارات استهدفت سوقًا شعبيًا وسط المدينة.
"""

CLASH = """اشتباكات في ريف حلب الشمالي
أفاد المرصد السوري لحقوق الإنسان بمقتل خمسة عناصر من قوات النظام وأربعة مقاتلين من الفصائل في اشتباكات عنيفة اندلعت مساء أمس الأحد على محور بلدة تل رفعت بريف حلب الشمالي.
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("exports")
    db = analyze_reports(root, {"airstrike.txt": AIRSTRIKE, "clash.txt": CLASH}, "2020-01-20")
    runner = CliRunner()
    acled, geo = root / "events.csv", root / "events.geojson"
    for fmt, out in (("acled", acled), ("geojson", geo)):
        result = runner.invoke(app, ["events", "--db", str(db), "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
    return acled, geo


def test_acled_export_loads_in_pandas_with_acled_columns(exported: tuple[Path, Path]) -> None:
    frame = pd.read_csv(exported[0])
    assert tuple(frame.columns) == ACLED_COLUMNS
    assert len(frame) >= 2
    dates = pd.to_datetime(frame["event_date"], format="%Y-%m-%d")
    assert dates.notna().all()
    assert (frame["year"] == dates.dt.year).all()
    assert pd.api.types.is_integer_dtype(frame["fatalities"])
    assert set(frame["event_type"]) >= {"Explosions/Remote violence", "Battles"}
    strike = frame[frame["sub_event_type"] == "Air/drone strike"].iloc[0]
    assert strike["fatalities"] == 7 and strike["event_date"] == "2020-01-20"
    assert strike["admin1"] == "Idlib" and strike["country"] == "Syria"
    assert 35.0 < strike["latitude"] < 36.5 and 36.0 < strike["longitude"] < 37.5
    # The named source and the outlet it spoke to, in English; the anonymous "المصادر" is not a source.
    assert strike["source"].split("; ") == ["Syria Civil Defence", "Enab Baladi"]
    clash = frame[frame["event_type"] == "Battles"].iloc[0]
    assert clash["fatalities"] == 9 and clash["event_date"] == "2020-01-19"


def test_geojson_export_is_valid_geojson(exported: tuple[Path, Path]) -> None:
    text = exported[1].read_text(encoding="utf-8")
    collection = geojson.loads(text)
    assert isinstance(collection, geojson.FeatureCollection)
    assert collection.is_valid, collection.errors()
    assert len(collection["features"]) >= 2
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        # Every event here is in Syria.
        assert 32.0 < lat < 37.5 and 35.5 < lon < 42.5
        assert feature["properties"]["event_type"]
    assert json.loads(text)["type"] == "FeatureCollection"
