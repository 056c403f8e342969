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


def test_exports_hold_incidents_unless_all(tmp_path: Path) -> None:
    # An incident told today and an attack the report recalls from years ago.
    import datetime as dt

    from rasid.document import Document
    from rasid.stages import build_pipeline

    text = (
        "قصفت طائرات النظام مدينة أريحا في ريف إدلب اليوم، ما أدى إلى مقتل ثلاثة مدنيين.\n"
        "وكانت طائرات النظام قد قصفت مدينة سراقب في ريف إدلب عام 2019، ما أدى إلى مقتل سبعة مدنيين."
    )
    doc = build_pipeline(["text", "entities", "events"])(Document(id="t", text=text, published=dt.date(2024, 3, 9)))
    path = tmp_path / "inc.db"
    store = SQLiteStore(path)
    with store.transaction():
        aid = store.add_document(doc, search_text="", title_terms="")
        index_events(store, aid, doc)
    store.close()
    default = CliRunner().invoke(app, ["events", "--db", str(path), "--format", "acled"])
    assert default.exit_code == 0, default.output
    rows = default.stdout.splitlines()
    assert rows[0] == ",".join(ACLED_COLUMNS) and len(rows) == 2 and "Ariha" in rows[1]
    everything = CliRunner().invoke(app, ["events", "--db", str(path), "--format", "acled", "--all"])
    lines = everything.stdout.splitlines()
    assert lines[0].endswith(",special") and len(lines) == 3
    assert any(line.endswith(",background") and "Saraqib" in line for line in lines[1:])
