"""`rasid bench` prints both clocks."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from rasid.cli import app


def test_bench_plain_output_shows_cpu_figures() -> None:
    result = CliRunner().invoke(app, ["bench", "-n", "8", "--stages", "text", "--no-stories"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("CPU:"))
    match = re.fullmatch(r"CPU: (\d+\.\d\d) s, (\d+) articles per CPU second", line.strip())
    assert match is not None, line
    assert float(match.group(1)) >= 0 and int(match.group(2)) > 0


def test_bench_check_prints_latency_and_phases(tmp_path: Path) -> None:
    from rasid.api import Rasid
    from rasid.stages import build_pipeline

    (tmp_path / "r.txt").write_text(
        "اشتباكات في جسر الشغور\nاندلعت اشتباكات عنيفة بين فصائل المعارضة وقوات النظام في محيط مدينة جسر الشغور.\n",
        encoding="utf-8",
    )
    db = tmp_path / "b.db"
    with Rasid(db, pipeline=build_pipeline(["text"])) as rasid:
        rasid.analyze([tmp_path / "r.txt"])
    claims = tmp_path / "claims.txt"
    claims.write_text("اندلعت اشتباكات في جسر الشغور\nقصفت الطائرات مدينة جسر الشغور\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["bench", "check", "--db", str(db), "--claims", str(claims), "-n", "2"])
    assert result.exit_code == 0, result.output
    assert re.search(r"2 claims on 1 articles: median \d+\.\d{3} s, p90 \d+\.\d{3} s", result.output), result.output
    for phase in ("search", "split", "bm25", "dense", "stance", "weighing"):
        assert re.search(rf"^\s+{phase}\s+\d+\.\d{{3}}", result.output, re.M), phase
    as_json = CliRunner().invoke(app, ["bench", "check", "--db", str(db), "--claims", str(claims), "--json"])
    assert as_json.exit_code == 0 and json.loads(as_json.output)["claims"] == 2


def test_bench_check_refuses_a_missing_claims_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "check", "--db", str(tmp_path / "x.db"), "--claims", str(tmp_path / "no.txt")])
    assert result.exit_code == 1 and "cannot read claims" in result.output
