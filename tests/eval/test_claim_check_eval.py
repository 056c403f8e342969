"""UnifiedFC reader and `rasid eval claims --unifiedfc` on a tiny corpus written for these tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rasid.cli.app import app
from rasid.eval.unifiedfc import (
    FOLDS,
    UnifiedFCError,
    fold_of,
    in_folds,
    outlet_of,
    page_records,
    read_claims,
)

FILLER = (
    "وفي سياق آخر، تواصل البلديات أعمال الصيانة في الشوارع الرئيسية قبل حلول فصل الشتاء.\n"
    "وتنشر الوكالة تقاريرها اليومية على موقعها الإلكتروني."
)
CLAIMS: list[dict[str, Any]] = [
    {
        "id": "T-1",
        "claim": "قتل 14 مدنيا في قصف على سوق مدينة أريحا في ريف إدلب يوم الأحد",
        "fact": "true",
        "articles": [
            {
                "url": "https://www.example-news.org/a/1",
                "text": "قصف على أريحا\nقتل 14 مدنيا في قصف استهدف سوق مدينة أريحا في ريف إدلب يوم الأحد بحسب الدفاع المدني.\n" + FILLER,
                "stance": "agree",
                "rationale": "[1]",
            },
            {
                "url": "http://second-site.net/story/7",
                "text": "أريحا تحت القصف\nأفاد الدفاع المدني بمقتل 14 مدنيا جراء قصف سوق أريحا جنوبي إدلب يوم الأحد.\n" + FILLER,
                "stance": "agree",
                "rationale": [1],
            },
            {
                "url": "https://www.example-news.org/a/2",
                "text": "معرض للكتاب\nافتتح في العاصمة معرض للكتاب بمشاركة مئة دار نشر عربية.\n" + FILLER,
                "stance": "unrelated",
                "rationale": "",
            },
        ],
    },
    {
        "id": "T-2",
        "claim": "أغلقت السلطات التركية معبر باب الهوى أمام المسافرين السوريين حتى إشعار آخر",
        "fact": "false",
        "articles": [
            {
                "url": "https://third.example.com/x",
                "text": "معبر باب الهوى\nنفت إدارة معبر باب الهوى الأنباء عن إغلاقه وقالت إن حركة المسافرين مستمرة بشكل طبيعي.\n" + FILLER,
                "stance": "disagree",
                "rationale": "[1]",
            },
            {
                "url": "https://fourth.example.com/y",
                "text": "أسعار الخضار\nارتفعت أسعار الخضار في أسواق المدينة بسبب موجة البرد.\n" + FILLER,
                "stance": "unrelated",
                "rationale": "",
            },
        ],
    },
]


def _write(path: Path, claims: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for claim in claims:
            handle.write(json.dumps(claim, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("ufc") / "tiny.jsonl.gz", CLAIMS)


def test_reader_keeps_claims_pages_stances_and_rationales(corpus: Path) -> None:
    claims = read_claims(corpus)
    assert [c.id for c in claims] == ["T-1", "T-2"]
    first = claims[0]
    assert first.fact == "true" and len(first.pages) == 3
    assert first.pages[0].key == "T-1#0" and first.pages[0].rationale == (1,)
    assert first.pages[1].rationale == (1,) and first.pages[2].rationale == ()
    assert first.pages[0].outlet == "example-news.org"
    assert 0 <= first.fold < FOLDS and first.fold == fold_of("T-1")
    assert read_claims(corpus.parent)[0].id == "T-1"  # the folder works too


def test_folds_are_stable_and_split_by_claim(corpus: Path) -> None:
    claims = read_claims(corpus)
    assert fold_of("T-1") == fold_of("T-1")
    assert {c.id for c in in_folds(claims, range(FOLDS))} == {"T-1", "T-2"}
    assert in_folds(claims, []) == []
    # Spread: 200 ids fall in every fold.
    assert {fold_of(f"X-{i}") for i in range(200)} == set(range(FOLDS))


def test_page_records_are_what_analyze_reads(corpus: Path) -> None:
    records = list(page_records(read_claims(corpus)))
    assert [r["id"] for r in records] == ["T-1#0", "T-1#1", "T-1#2", "T-2#0", "T-2#1"]
    assert records[1]["source"] == "second-site.net"
    assert outlet_of("https://WWW.Foo.org/a") == "foo.org"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fact": "maybe"}, "fact must be true or false"),
        ({"articles": [{"url": "u", "text": "t", "stance": "agree?"}]}, "unknown stance"),
        ({"articles": [{"url": "u", "text": "t", "stance": "agree", "rationale": "[1,"}]}, "not a JSON list"),
    ],
)
def test_malformed_claims_name_the_file_and_line(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    bad = _write(tmp_path / "bad.jsonl.gz", [CLAIMS[0], {**CLAIMS[1], **change}])
    with pytest.raises(UnifiedFCError, match=rf"bad.jsonl.gz:2.*{message}"):
        read_claims(bad)


def test_missing_corpus_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UnifiedFCError, match="no UnifiedFC"):
        read_claims(tmp_path)


def test_eval_claims_reports_verdicts_stance_recall_and_latency(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "pages.db"
    result = CliRunner().invoke(
        app, ["eval", "claims", "--unifiedfc", str(corpus), "--db", str(db), "--folds", "0,1,2,3,4", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["claims"] == 2 and report["folds"] == [0, 1, 2, 3, 4]
    assert report["page_stance"]["pages"] == 5
    assert set(report["baselines"]) == {"majority", "all_positive"}
    assert report["baselines"]["all_positive"]["accuracy"] == 0.5
    assert report["latency_seconds"]["median"] is not None
    # Both confirming pages are about the claim's own event: the check cites them.
    assert report["evidence_recall"] is not None and report["evidence_recall"] >= 0.5
    assert db.is_file()  # built once, reused next time
    again = CliRunner().invoke(app, ["eval", "claims", "--unifiedfc", str(corpus), "--db", str(db), "--folds", "0,1,2,3,4"])
    assert again.exit_code == 0, again.output
    assert "always true" in again.stdout and "page stance" in again.stdout


def test_eval_claims_needs_exactly_one_dataset(corpus: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "claims"])
    assert result.exit_code == 2 and "--unifiedfc" in result.output
    bad = CliRunner().invoke(app, ["eval", "claims", "--unifiedfc", str(corpus), "--folds", "7"])
    assert bad.exit_code == 2 and "0–4" in bad.output
