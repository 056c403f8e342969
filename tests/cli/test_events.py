"""`rasid events`: every export format on stdout, --output with filters, and the errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app
from rasid.export import ACLED_COLUMNS
from rasid.extract.event_index import index_events
from rasid.store.sqlite import SQLiteStore
from tests.export.test_exports import located_doc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "ev.db"
    store = SQLiteStore(path)
    doc = located_doc()
    with store.transaction():
        aid = store.add_document(doc, search_text="", title_terms="")
        index_events(store, aid, doc)
    store.close()
    return path


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "acled", "plover", "geojson", "table"])
def test_events_command_formats(db: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data[0]["article"]["path"] == "a/x.txt" and data[0]["killed"]["children"] == 2
    if fmt == "acled":
        assert result.stdout.splitlines()[0] == ",".join(ACLED_COLUMNS)


def test_events_command_output_file_and_filters(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.geojson"
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", "geojson", "--output", str(out),
                                      "--place", "Saraqib"])
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 1
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", "json", "--place", "حلب"])
    assert json.loads(result.stdout) == []


def test_events_command_errors(tmp_path: Path, db: Path) -> None:
    result = CliRunner().invoke(app, ["events", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and "missing.db" in result.output
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", "xml"])
    assert result.exit_code == 2
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--since", "yesterday"])
    assert result.exit_code == 2
