"""`analyze(dask=...)`: the pipeline on a Dask LocalCluster of 2 worker processes."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from rasid.api.core import Rasid
from rasid.document import Document
from rasid.pipeline import FunctionStage, Pipeline
from rasid.stages import make_stage

pytest.importorskip("distributed")

# Short reports written for this test; the marked one is where a worker gets killed.
REPORTS = [
    {"id": f"d-{i}", "source": "عنب بلدي", "published": "2020-03-02",
     "text": f"قتل {i + 2} مدنيين بقصف مدفعي على بلدة رقم {i} في ريف إدلب صباح اليوم بحسب مراسل محلي."}
    for i in range(12)
]
REPORTS[7]["text"] += " KILLME"

_FLAG = "RASID_TEST_KILL_FLAG"


def _kill_once(doc: Document) -> Document:
    """Kill this worker process the first time the marked article is analysed (the flag file says when)."""
    flag = Path(os.environ[_FLAG])
    if "KILLME" in doc.text and not flag.exists():
        flag.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return doc


def test_a_killed_dask_worker_loses_no_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "few.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in REPORTS) + "\n", encoding="utf-8")
    flag = tmp_path / "killed"
    monkeypatch.setenv(_FLAG, str(flag))  # the LocalCluster's workers inherit it
    pipeline = Pipeline([make_stage("text"), FunctionStage("kill_once", _kill_once, requires=("tokens",))])
    with Rasid(tmp_path / "dask.db", pipeline=pipeline) as rasid:
        report = rasid.analyze([str(corpus)], dask="local", workers=2, batch_size=3, cross_check=False)
    assert flag.exists(), "no worker was killed: the test did not test anything"
    assert report.errors == [] and report.added == 12
    with Rasid(tmp_path / "dask.db") as rasid:
        assert rasid.store.count_articles() == 12


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rasid.cli import app

    (tmp_path / "a.txt").write_text(REPORTS[0]["text"], encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "x.db"), "--dask", "tcp://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
