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


def test_cli_check_gives_a_publishable_label_with_its_independent_sources(db: str) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["check", CLAIM, "--db", db, "--as-of", "2024-03-15", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["label"] in ("true", "misleading", "false", "unverified")
    assert 0.0 <= data["p_true"] <= 1.0 and data["label_reasons"]
    sources = data["sources"]
    assert {"outlet", "published", "stance", "probs", "sentence", "start", "end", "copies"} <= set(sources[0])
    # One row per outlet: "وكالة الرصد" wrote two of the reports, they are one source.
    outlets = [s["outlet"] for s in sources]
    assert len(outlets) == len(set(outlets))
    assert "Label:" in data["explanation_en"] and "الحكم:" in data["explanation_ar"]
    # Beside each source, what Rasid has seen of its outlet: "وكالة الرصد" has two stored reports.
    records = {s["outlet"]: s["track_record"] for s in sources}
    assert records["وكالة الرصد"]["articles"] == 2
    assert {"contradicted_by_majority", "agreed_by_others", "retractions", "recycled"} <= set(records["وكالة الرصد"])
    # As of the 10th, the denial of the 11th is not yet written: it is no source.
    early = json.loads(runner.invoke(app, ["check", CLAIM, "--db", db, "--as-of", "2024-03-10", "--json"]).stdout)
    assert "شبكة الفرات" not in [s["outlet"] for s in early["sources"]]
    assert "شبكة الفرات" in outlets
    text = runner.invoke(app, ["check", CLAIM, "--db", db, "--as-of", "2024-03-15"])
    assert text.exit_code == 0 and "label:" in text.stdout
