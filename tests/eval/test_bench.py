"""The benchmark measures wall and CPU throughput on a small generated corpus."""

from __future__ import annotations

from rasid.eval.bench import run_bench


def test_bench_reports_wall_and_cpu_throughput() -> None:
    result = run_bench(articles=12, stages="text", progress=False, stories=False)
    assert result["articles"] == result["stored"] == 12
    assert result["stages"] == ["text"] and result["errors"] == 0
    # Both clocks are reported; CPU time is what stays comparable on a shared machine.
    assert result["cpu_seconds"] > 0 and result["articles_per_cpu_second"] > 0
    assert result["articles_per_second"] > 0
