"""`rasid bench api`: the bounded localhost load check of the HTTP API."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app
from rasid.web.loadcheck import _Client, _summary, run_loadcheck, serving


def test_summary_percentiles() -> None:
    row = _summary([i / 1000 for i in range(1, 101)], [200] * 99 + [500], [10] * 100)
    assert row["requests"] == 100
    assert row["p50_ms"] == pytest.approx(50.5)
    assert row["p95_ms"] == pytest.approx(95.0)
    assert row["max_ms"] == pytest.approx(100.0)
    assert row["errors"] == 1
    assert row["cpu_p50_ms"] == 0.0  # no CPU times given
    timed = _summary([0.01, 0.02], [200, 200], [1, 1], [0.004, 0.008])
    assert timed["cpu_p50_ms"] == pytest.approx(6.0) and timed["cpu_p95_ms"] == pytest.approx(8.0)


def test_client_refuses_other_hosts() -> None:
    with pytest.raises(ValueError, match="localhost"):
        _Client("http://192.0.2.1:8000")


def test_loadcheck_times_every_endpoint_without_errors(sample_store: Path) -> None:
    result = run_loadcheck(sample_store, n=12, limit=5, seed=3)
    assert result["events_in_db"] > 0
    assert set(result["endpoints"]) == {"events", "points", "timeline"}
    events = result["endpoints"]["events"]
    assert events["requests"] == 12
    assert events["errors"] == 0, result
    assert 0 < events["p50_ms"] <= events["p95_ms"] <= events["max_ms"]
    assert result["endpoints"]["points"]["requests"] == 1
    assert result["endpoints"]["timeline"]["errors"] == 0


def test_loadcheck_follows_cursors(sample_store: Path) -> None:
    with serving(str(sample_store)) as base:
        client = _Client(base)
        try:
            status, body, _, _ = client.get("/api/events?limit=5")
            assert status == 200
            first = json.loads(body)
            assert first["next"], "the sample has more than 5 events"
        finally:
            client.close()
        from rasid.web.loadcheck import _next_path

        path = _next_path(body)
        assert path is not None and path.startswith("/api/events?") and "cursor=" in path


def test_bench_api_cli_prints_percentiles(sample_store: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "api", "--db", str(sample_store), "-n", "4", "--limit", "10"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s+events\s+4\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+0\s+\d+\.\d/\d+\.\d$", result.output, re.M), (
        result.output
    )


def test_bench_api_cli_missing_db(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "api", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0
    assert "no such database" in result.output
