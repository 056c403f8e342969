"""On a terminal, `rasid analyze` shows done/total while analysing and while grouping stories;
with --json it shows nothing (the total is counted up front, without parsing)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.common import make_corpus

ARTICLES = 12


def _on_terminal(*args: str) -> tuple[int, str]:
    """Run `rasid` with stderr on a real pseudo-terminal; (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "rasid.cli", *args], stdout=subprocess.DEVNULL, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("progress") / "corpus.jsonl", ARTICLES, seed=3)


def test_the_progress_bar_shows_the_total_and_the_grouping_phase(corpus: Path, tmp_path: Path) -> None:
    code, screen = _on_terminal("analyze", str(corpus), "--db", str(tmp_path / "p.db"), "--batch-size", "4")
    assert code == 0, screen
    assert "analyzing" in screen and f"/{ARTICLES}" in screen and "/?" not in screen
    assert "grouping stories" in screen


def test_json_output_shows_no_progress(corpus: Path, tmp_path: Path) -> None:
    code, screen = _on_terminal("analyze", str(corpus), "--db", str(tmp_path / "j.db"), "--json")
    assert code == 0, screen
    assert "analyzing" not in screen and "grouping" not in screen
