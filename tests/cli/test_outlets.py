"""`rasid outlets`: each outlet's track record after `rasid analyze` (reports written for this test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app

# Two outlets say a raid on Maarat al-Numan killed five, a third says nine.
NINE = """غارة جوية على معرة النعمان
قتل تسعة مدنيين، اليوم الأربعاء، في غارة جوية للطيران الروسي استهدفت سوقا شعبيا في مدينة معرة النعمان بريف إدلب.
"""
FIVE_1 = """خمسة قتلى بغارة على معرة النعمان
قتل خمسة مدنيين، اليوم الأربعاء، جراء غارة جوية للطيران الروسي على سوق شعبي في مدينة معرة النعمان جنوبي إدلب.
"""
FIVE_2 = """مقتل خمسة مدنيين في غارة روسية على معرة النعمان
قتل خمسة مدنيين، اليوم الأربعاء، بغارة جوية شنها الطيران الروسي على سوق شعبي وسط مدينة معرة النعمان في ريف إدلب.
"""
OUTLETS = {
    "nine.txt": (NINE, "زمان الوصل"),
    "five1.txt": (FIVE_1, "عنب بلدي"),
    "five2.txt": (FIVE_2, "أورينت نت"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outlets")
    path = root / "o.db"
    for name, (text, outlet) in OUTLETS.items():
        report = root / name
        report.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(
            app, ["analyze", str(report), "--db", str(path), "--published", "2019-05-22", "--source", outlet]
        )
        assert result.exit_code == 0, result.output
    return path


def test_outlets_table_lists_every_outlet_with_its_record(db: Path) -> None:
    result = CliRunner().invoke(app, ["outlets", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "3 outlets" in result.output
    for _text, outlet in OUTLETS.values():
        assert outlet in result.output
    assert "contradicted" in result.output and "recycled" in result.output


def test_outlets_json_counts_the_outlet_against_the_majority(db: Path) -> None:
    result = CliRunner().invoke(app, ["outlets", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    records = {r["outlet"]: r for r in json.loads(result.stdout)}
    assert set(records) == {outlet for _text, outlet in OUTLETS.values()}
    assert records["زمان الوصل"]["contradicted_by_majority"] == 1
    assert records["عنب بلدي"]["contradicted_by_majority"] == 0
    assert records["أورينت نت"]["contradicted_by_majority"] == 0
    assert all(r["articles"] == 1 and r["facts_held"] >= 1 for r in records.values())
    example = records["زمان الوصل"]["examples"][0]
    assert (example["value"], example["majority_value"]) == (9, 5)
    limited = CliRunner().invoke(app, ["outlets", "--db", str(db), "--json", "--limit", "1"])
    assert len(json.loads(limited.stdout)) == 1


def test_outlets_on_a_missing_database_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["outlets", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output
