"""`rasid eval furniture`: line labels keyed by page id, scored against ingest cleaning and a baseline."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli.app import app
from rasid.eval.furniture import DEFAULT_KEY, evaluate, load_key

PAGE = "\n".join(
    [
        "قتل مدنيان وأصيب أربعة آخرون جراء غارة جوية على بلدة معرة النعمان جنوب إدلب صباح اليوم الأحد.",
        "وقال الدفاع المدني إن فرقه انتشلت الضحايا من تحت أنقاض منزلين دمرتهما الغارة بالكامل.",
        "شارك",
        "جميع الحقوق محفوظة لموقع الوادي 2018",
    ]
)
SPANS = [[0, 1, "article"], [2, 3, "furniture"]]


def _write(
    tmp_path: Path, text: str = PAGE, spans: list[list[object]] | None = None, part: str = "held"
) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    with gzip.open(data / "unifiedfc_dev.jsonl.gz", "wt", encoding="utf-8") as fh:
        claim = {"id": "V-1", "claim": "ادعاء", "fact": "true", "articles": [{"url": "u", "text": text}]}
        fh.write(json.dumps(claim, ensure_ascii=False) + "\n")
    key = tmp_path / "key.jsonl"
    row = {
        "page": "V-1#0",
        "site": "example.org",
        "part": part,
        "lines": PAGE.count("\n") + 1,
        "sha1": hashlib.sha1(PAGE.encode("utf-8")).hexdigest()[:12],
        "spans": spans if spans is not None else SPANS,
    }
    key.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    return data, key


def test_scores_furniture_lines_and_article_loss(tmp_path: Path) -> None:
    data, key = _write(tmp_path)
    result = evaluate(data, key)
    held = result["parts"]["held"]["rasid"]
    assert (held["tp"], held["fp"], held["fn"]) == (2, 0, 0)
    assert held["f1"] == 1.0 and held["article_lines_dropped"] == 0.0
    assert result["parts"]["tune"]["rasid"]["pages"] == 0
    assert "shorter than" in result["baseline"]


def test_changed_page_text_and_bad_key_lines_are_errors(tmp_path: Path) -> None:
    data, key = _write(tmp_path, text=PAGE + "\nسطر زائد")
    with pytest.raises(ValueError, match="different text"):
        evaluate(data, key)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"page": "V-1#0", "part": "tune", "lines": 2, "sha1": "x", "spans": [[0, 0, "article"]]}\n'
    )
    with pytest.raises(ValueError, match=r"bad\.jsonl:1: line 1 has no label"):
        load_key(bad)


def test_shipped_key_is_well_formed_and_holds_back_a_third() -> None:
    pages = load_key(DEFAULT_KEY)
    assert len(pages) >= 40
    held = sum(p.part == "held" for p in pages)
    assert 0.25 <= held / len(pages) <= 0.35
    assert all(label in ("article", "furniture", "mixed") for p in pages for label in p.labels)


def test_cli_json(tmp_path: Path) -> None:
    data, key = _write(tmp_path)
    result = CliRunner().invoke(app, ["eval", "furniture", "--data", str(data), "--key", str(key), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["parts"]["held"]["rasid"]["tp"] == 2
    missing = CliRunner().invoke(app, ["eval", "furniture", "--data", str(tmp_path / "nope")])
    assert missing.exit_code == 2
