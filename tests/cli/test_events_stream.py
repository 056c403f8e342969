"""`rasid events` streams its exports: on a database Rasid built (the sample corpus, a report of
two bombings in Baghdad that the ACLED export rolls up, and reviewed events), every format, with
and without --all / --reviewed / filters, is the same text as the whole list rendered at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rasid.api import Rasid, sample_corpus_path
from rasid.api.events import EventFilter, any_reviewed, iter_events
from rasid.cli import app
from rasid.export import plover_records, to_geojson, write_acled
from rasid.export.formats import FLAT_COLUMNS, flat_row
from rasid.store.sqlite import SQLiteStore

BAGHDAD = (
    "بغداد - قتل أربعة أشخاص في انفجار سيارة مفخخة في حي الزعفرانية جنوب شرقي بغداد صباح الثلاثاء.\n"
    "وفي حادث منفصل قتل ثمانية أشخاص بانفجار عبوة ناسفة في حي البياع غربي بغداد في اليوم نفسه.\n"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events_stream")
    report = folder / "baghdad.txt"
    report.write_text(BAGHDAD, encoding="utf-8")
    path = folder / "stream.db"
    with Rasid(path) as rasid:
        rasid.analyze([sample_corpus_path()])
        rasid.analyze([report], published=dt.date(2015, 7, 21))
        incidents = [r["id"] for r in iter_events(rasid.store, EventFilter())]
        others = [r["id"] for r in iter_events(rasid.store, EventFilter(include_all=True)) if r["id"] not in incidents]
        rasid.review(incidents[1], "confirm", reviewer="t")
        rasid.review(incidents[4], "correct", changes={"killed": 9}, reviewer="t")
        rasid.review(incidents[6], "reject", reviewer="t")
        rasid.review(others[0], "confirm", reviewer="t")
    return path


def _flat_csv(records: list[dict[str, Any]], special: bool) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[*FLAT_COLUMNS, *(["special"] if special else [])], lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({**flat_row(r), **({"special": "; ".join(r.get("special") or [])} if special else {})})
    return buf.getvalue()


def _acled(records: list[dict[str, Any]], special: bool) -> str:
    buf = io.StringIO()
    write_acled(records, buf, special_column=special)  # the whole list: `one_per_place_day` over all of it
    return buf.getvalue()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


# Each format made from the whole list of records, as `rasid events` made it before it streamed.
WHOLE: dict[str, Callable[[list[dict[str, Any]], bool], str]] = {
    "json": lambda records, special: _dumps(records),
    "jsonl": lambda records, special: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
    "csv": _flat_csv,
    "acled": _acled,
    "plover": lambda records, special: _dumps(plover_records(records)),
    "geojson": lambda records, special: _dumps(to_geojson(records)),
}
OPTIONS = {
    "incidents": [],
    "all": ["--all"],
    "reviewed": ["--reviewed"],
    "reviewed-all": ["--reviewed", "--all"],
    "filtered": ["--all", "--since", "2015-01-01", "--place", "بغداد"],
}


def _filter(options: list[str]) -> EventFilter:
    return EventFilter(
        include_all="--all" in options,
        reviewed=True if "--reviewed" in options else None,
        since=dt.date(2015, 1, 1) if "--since" in options else None,
        place="بغداد" if "--place" in options else None,
    )


@pytest.mark.parametrize("options", list(OPTIONS), ids=list(OPTIONS))
@pytest.mark.parametrize("fmt", list(WHOLE))
def test_streamed_export_is_the_whole_list_rendered(db: Path, fmt: str, options: str, tmp_path: Path) -> None:
    args = OPTIONS[options]
    store = SQLiteStore(db)
    try:
        records = list(iter_events(store, _filter(args)))
    finally:
        store.close()
    assert records, "the filter must match events for the comparison to mean anything"
    expected = WHOLE[fmt](records, "--all" in args)
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", fmt, *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    out = tmp_path / f"export.{fmt}"
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", fmt, *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == expected


def test_the_database_exercises_the_roll_up_and_the_reviewed_column(db: Path) -> None:
    store = SQLiteStore(db)
    try:
        records = list(iter_events(store, EventFilter(include_all=True)))
        assert any_reviewed(store, EventFilter()) and any_reviewed(store, EventFilter(include_all=True))
        assert not any_reviewed(store, EventFilter(reviewed=False))
        assert not any_reviewed(store, EventFilter(place="بغداد"))
    finally:
        store.close()
    rows = list(csv.DictReader(io.StringIO(_acled(records, True))))
    assert len(rows) < len(records)  # the two Baghdad bombings of one day are one ACLED row
    assert {"confirmed", "corrected", "rejected"} <= {row["reviewed"] for row in rows}
    baghdad = [row for row in rows if row["location"] == "Baghdad"]
    assert [row["fatalities"] for row in baghdad] == ["12"]
    # Without a reviewed event among them the ACLED header has no `reviewed` column.
    result = CliRunner().invoke(app, ["events", "--db", str(db), "--format", "acled", "--place", "بغداد"])
    assert "reviewed" not in result.stdout.splitlines()[0]


def test_an_output_that_cannot_be_written_is_a_one_line_error(db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["events", "--db", str(db), "--format", "json", "-o", str(tmp_path / "no" / "such" / "dir.json")]
    )
    assert result.exit_code == 1
    assert "cannot write" in result.output


def test_a_long_table_of_events_is_printed_as_lines(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rasid.cli.events as events_cli

    store = SQLiteStore(db)
    try:
        ids = [r["id"] for r in iter_events(store, EventFilter())]
    finally:
        store.close()
    table = CliRunner().invoke(app, ["events", "--db", str(db)])
    assert table.exit_code == 0 and "\t" not in table.stdout and f"{len(ids)} events in" in table.stdout
    monkeypatch.setattr(events_cli, "RICH_ROWS", 5)
    result = CliRunner().invoke(app, ["events", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{len(ids)} events in {db}" and lines[1].split("\t")[:3] == ["id", "date", "type"]
    rows = [line.split("\t") for line in lines[2:]]
    assert [r[0] for r in rows] == ids and all(len(r) == len(lines[1].split("\t")) for r in rows)
    assert {"confirmed", "corrected"} <= {r[-1] for r in rows}
