"""`rasid bench` prints both clocks."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from rasid.cli import app


def test_bench_plain_output_shows_cpu_figures() -> None:
    result = CliRunner().invoke(app, ["bench", "-n", "8", "--stages", "text", "--no-stories"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("CPU:"))
    match = re.fullmatch(r"CPU: (\d+\.\d\d) s, (\d+) articles per CPU second", line.strip())
    assert match is not None, line
    assert float(match.group(1)) >= 0 and int(match.group(2)) > 0
