"""SIGINT and SIGTERM at any point of `rasid analyze`: one clean line, exit 130 / 143, nothing lost.

The issue's case: Ctrl-C while a batch was being stored ended, 3 times in 10, in a traceback
(`StoreError: no article with id 401`: the rolled-back batch's ids were still handed to the story
grouping), and the articles stored so far were left out of stories for good. Here real signals
go to a real `python -m rasid.cli analyze` at seeded random points: during start-up (models
loading), while batches are analysed and stored, and while stories are grouped. Each run must
exit 0 (it had finished) or 128 + the signal, print no traceback, and leave a sound database;
then the same command finishes the job, as one uninterrupted run would have.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from tests.reliability.common import (
    contents,
    differences,
    has_open,
    integrity,
    progress_of,
    run_analyze,
    start_analyze,
    wait_until,
)
from tests.reliability.conftest import ARTICLES, Baseline

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="needs /proc to see when the process has the database open"
)

SEED = 1307
POINTS = 6


def _point(rng: random.Random, k: int, stored: int) -> int:
    """Stored-article count to signal at: start-up (0), a random point in each stretch, all stored."""
    if k == 0:
        return 0
    if k >= POINTS - 2:
        return ARTICLES  # twice while stories are grouped (or just after)
    stretch = ARTICLES // (POINTS - 3)
    return min(max(rng.randint((k - 1) * stretch + 1, k * stretch - 1), stored + 1), ARTICLES)


def test_signals_anywhere_end_cleanly_and_the_same_command_finishes(baseline: Baseline, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    db = tmp_path / "signalled.db"
    wal = db.with_name(db.name + "-wal")
    outcomes: list[tuple[str, int, int, int]] = []  # (signal, point, exit code, stored)
    for k in range(POINTS):
        sig = (signal.SIGINT, signal.SIGTERM)[k % 2]
        point = _point(rng, k, progress_of(db)[0])
        process = start_analyze(baseline.corpus, db)
        # Signals are sent once the process has the database open (its write-ahead log: the file
        # itself is first read by a header check): Python's own start-up, importing modules, comes
        # before `analyze` can handle them.
        ready = lambda: has_open(process, wal) and progress_of(db)[0] >= point  # noqa: B023, E731
        if wait_until(process, ready):
            time.sleep(rng.uniform(0.0, 0.3 if point == ARTICLES else 0.6))
            process.send_signal(sig)
        _out, err = process.communicate(timeout=60)
        outcomes.append((sig.name, point, process.returncode, progress_of(db)[0]))
        assert process.returncode in (0, 128 + sig), (outcomes, err)
        assert "Traceback" not in err and "Error" not in err, err
        if process.returncode:
            assert err.strip().splitlines()[-1].startswith("interrupted: what was committed is kept"), err
        assert integrity(db) == "ok"
    assert any(code for _sig, _point, code, _stored in outcomes), outcomes  # some signals did interrupt
    finish = run_analyze(baseline.corpus, db)
    assert finish.returncode == 0, finish.stderr
    assert progress_of(db) == (ARTICLES, ARTICLES)
    got = contents(db)
    assert got == baseline.contents, (outcomes, differences(baseline.contents, got))
