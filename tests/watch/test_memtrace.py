"""RASID_MEMORY_REPORT: `rasid watch` reporting its memory every N rounds, and with tracemalloc on where it goes."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app
from rasid.watch.memtrace import ENV, MemoryTrace, every_from_env

KEPT: list[str] = []


@pytest.fixture
def tracing() -> Iterator[None]:
    tracemalloc.start(1)  # as PYTHONTRACEMALLOC=1 does at start-up
    yield
    tracemalloc.stop()  # the other tests run untraced


def _grow() -> None:
    KEPT.extend(f"حادثة رقم {n}" for n in range(20000))  # held: what a leak looks like


def test_the_report_names_the_line_that_kept_memory(tracing: None) -> None:
    lines: list[str] = []
    trace = MemoryTrace(2, lines.append)
    trace.round_done()
    assert lines == []  # only every second round
    trace.round_done()
    assert len(lines) == 1 and "resident" in lines[0] and "traced Python heap" in lines[0]  # the baseline
    _grow()
    trace.round_done()
    trace.round_done()
    grown = [line for line in lines[1:] if __file__ in line]
    assert grown and grown[0].startswith("memory round 4: +"), lines
    KEPT.clear()


def test_without_tracing_one_line_of_resident_and_sqlite_memory() -> None:
    assert not tracemalloc.is_tracing()
    lines: list[str] = []
    trace = MemoryTrace(1, lines.append)
    trace.round_done()
    _grow()
    trace.round_done()
    KEPT.clear()
    assert [line.split(":")[0] for line in lines] == ["memory round 1", "memory round 2"]
    resident = [float(line.split("resident ")[1].split(" MiB")[0]) for line in lines]
    assert all(r > 10 for r in resident) and "SQLite" in lines[0] and "traced" not in lines[0]


def test_the_variable_is_read_and_a_bad_value_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert every_from_env() == 0
    monkeypatch.setenv(ENV, "30")
    assert every_from_env() == 30
    monkeypatch.setenv(ENV, "often")
    result = CliRunner().invoke(app, ["watch", str(tmp_path), "--db", str(tmp_path / "w.db"), "--once"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and ENV in result.output, result.output
