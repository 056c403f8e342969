"""`rasid eval …`: what a user sees when the dataset is not where they said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app


def test_cli_reports_missing_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "checkworthy", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "CT24_checkworthy_arabic_dev-test.tsv: file not found" in result.output


def test_checkworthy_eval_prints_the_all_yes_baseline(tmp_path: Path) -> None:
    rows = ["tweet_id\ttweet_url\ttweet_text\tclass_label"]
    texts = ["أعلنت وزارة الصحة تسجيل 120 إصابة جديدة اليوم", "صباح الخير يا أحلى ناس", "قتل 5 مدنيين بقصف على حلب"]
    rows += [f"{i}\thttp://x/{i}\t{t}\t{'No' if i == 1 else 'Yes'}" for i, t in enumerate(texts)]
    (tmp_path / "CT24_checkworthy_arabic_dev-test.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "checkworthy", "--data", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "score beside the trivial baselines" in result.output
    assert "majority class = all positive (yes)" in result.output
    assert "0.800" in result.output  # positive F1 of answering yes to all three
    json_out = CliRunner().invoke(app, ["eval", "checkworthy", "--data", str(tmp_path), "--json"])
    report = json.loads(json_out.output)
    assert report["baselines"]["all_positive"]["positive_f1"] == pytest.approx(0.8)
    assert isinstance(report["beats_all_yes"], bool)


def test_dates_eval_prints_the_reference_time_baseline(tmp_path: Path) -> None:
    item = {"value": "2013-02-11T00:00:00", "grain": "day", "phrase": "أمس", "reference_time": "2013-02-12T04:30:00"}
    (tmp_path / "suite.jsonl").write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "dates", "--data", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "baseline" in result.output and "always the reference time" in result.output
    assert "100.0%" in result.output and "0.0%" in result.output


def test_ner_eval_prints_the_all_o_and_memorised_baselines(tmp_path: Path) -> None:
    train = tmp_path / "train.txt"
    train.write_text("زار O\nحلب B-LOC\n\nفي O\nدمشق B-LOC\n", encoding="utf-8")
    test = tmp_path / "test.txt"
    test.write_text("قصف O\nعلى O\nحلب B-LOC\nو O\nإدلب B-LOC\n", encoding="utf-8")
    args = ["eval", "ner", "--data", str(test), "--baseline-train", str(train)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "baseline: all O" in result.output and "baseline: memorised" in result.output
    report = json.loads(CliRunner().invoke(app, [*args, "--json"]).output)
    assert report["baselines"]["majority"]["f1"] == 0.0
    assert report["baselines"]["memorised"]["precision"] == 1.0
    assert report["baselines"]["memorised"]["recall"] == pytest.approx(0.5)
    missing = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "no such file" in missing.output
