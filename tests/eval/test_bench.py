"""The benchmark measures wall and CPU throughput on a small generated corpus."""

from __future__ import annotations

import json
from pathlib import Path

from rasid.eval.bench import CHECK_PHASES, pick_claims, read_check_claims, run_bench, run_check_bench


def test_bench_reports_wall_and_cpu_throughput() -> None:
    result = run_bench(articles=12, stages="text", progress=False, stories=False)
    assert result["articles"] == result["stored"] == 12
    assert result["stages"] == ["text"] and result["errors"] == 0
    # Both clocks are reported; CPU time is what stays comparable on a shared machine.
    assert result["cpu_seconds"] > 0 and result["articles_per_cpu_second"] > 0
    assert result["articles_per_second"] > 0


def test_bench_with_workers_reports_both_runs_and_the_speedup() -> None:
    result = run_bench(articles=12, stages="text", progress=False, stories=False, workers=2)
    one, two = result["runs"]
    assert (one["workers"], two["workers"], result["workers"]) == (1, 2, 2)
    assert one["stored"] == two["stored"] == 12 and two["errors"] == 0
    assert result["speedup"] == round(two["articles_per_second"] / one["articles_per_second"], 2)
    # Memory of the workers is sampled too, not only this process's.
    assert two["sampled_worker_rss_mb"] > 0 and two["sampled_total_rss_mb"] > two["sampled_main_rss_mb"]


def _claims_store(root: Path) -> Path:
    """A database of three short reports written for this test (text stage only)."""
    from rasid.api import Rasid
    from rasid.stages import build_pipeline

    reports = {
        "a.txt": "قصف على معرة النعمان\nقصفت طائرات حربية سوق مدينة معرة النعمان ظهر اليوم ما أدى إلى مقتل خمسة مدنيين.\n",
        "b.txt": "انسحاب من تل رفعت\nانسحبت وحدات حماية الشعب من بلدة تل رفعت شمال حلب بعد اتفاق مع القوات التركية.\n",
        "c.txt": "افتتاح مدرسة\nافتتحت مديرية التربية مدرسة جديدة في بلدة الدانا بريف إدلب الشمالي.\n",
    }
    for name, text in reports.items():
        (root / name).write_text(text, encoding="utf-8")
    db = root / "claims.db"
    with Rasid(db, pipeline=build_pipeline(["text"])) as rasid:
        rasid.analyze([root / name for name in reports])
    return db


def test_check_bench_times_every_phase_over_the_claims(tmp_path: Path) -> None:
    from rasid.store import open_store

    db = _claims_store(tmp_path)
    claims = ["قصفت طائرات حربية سوق معرة النعمان", "انسحبت وحدات حماية الشعب من تل رفعت", "هطلت ثلوج على جبال القلمون"]
    store = open_store(str(db))
    try:
        result = run_check_bench(store, claims, limit=4)
    finally:
        store.close()
    assert result["claims"] == 3 and result["articles"] == 3
    assert set(result["phases"]) == set(CHECK_PHASES)
    wall = result["seconds"]
    assert 0 < wall["median"] <= wall["p90"] <= wall["max"]
    assert result["phases"]["search"]["mean"] > 0 and result["phases"]["split"]["mean"] > 0
    # The phases split the check's time: their means add up to no more than the mean check.
    assert sum(row["mean"] for row in result["phases"].values()) <= wall["mean"] + 1e-3
    assert sum(result["verdicts"].values()) == 3


def test_check_claims_are_read_from_unifiedfc_or_text_and_spread_evenly(tmp_path: Path) -> None:
    records = [{"id": f"c{i}", "claim": f"قصفت الطائرات بلدة رقم {i}", "fact": "true", "articles": []} for i in range(6)]
    records.append({"id": "en", "claim": "Planes bombed the town market this morning", "fact": "false", "articles": []})
    jsonl = tmp_path / "claims.jsonl"
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    texts = read_check_claims(jsonl)
    assert len(texts) == 6 and all("رقم" in t for t in texts)  # the English claim is left out
    plain = tmp_path / "claims.txt"
    plain.write_text("قصفت الطائرات السوق\n\nانسحبت القوات من البلدة\n", encoding="utf-8")
    assert read_check_claims(plain) == ["قصفت الطائرات السوق", "انسحبت القوات من البلدة"]
    assert pick_claims(texts, 3) == [texts[0], texts[2], texts[4]]
    assert pick_claims(texts, 10) == texts
