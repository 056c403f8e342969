"""`rasid check`: the JSON a user gets for a claim, and the errors for a bad date or a missing database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.api import Rasid
from rasid.cli import app
from rasid.stages import build_pipeline
from tests.verify.test_check import CLAIM, FIXTURES, REPORTS


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("check-cli") / "dated.db"
    # Only the text stage: the check needs stored text, not entities or events.
    with Rasid(path, pipeline=build_pipeline(["text"])) as rasid:
        for name, (outlet, day) in REPORTS.items():
            rasid.analyze([FIXTURES / name], source=outlet, published=day)
    return str(path)


def test_cli_check_json_and_errors(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["check", CLAIM, "--db", db, "--as-of", "2024-03-15", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["verdict"] in ("supported", "refuted", "conflicting", "not_enough_evidence")
    ev = data["evidence"][0]
    assert {"article_id", "path", "outlet", "published", "passage", "start", "end", "stance", "probs", "weight"} <= set(ev)
    assert data["explanation_ar"] and data["explanation_en"]
    bad = runner.invoke(app, ["check", CLAIM, "--db", db, "--as-of", "15/03/2024"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["check", CLAIM, "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1
