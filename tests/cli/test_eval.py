"""`rasid eval …`: what a user sees when the dataset is not where they said."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from rasid.cli import app


def test_cli_reports_missing_data(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "checkworthy", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "CT24_checkworthy_arabic_dev-test.tsv: file not found" in result.output
