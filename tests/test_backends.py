"""The same analysis on SQLite and on a real PostgreSQL server gives the same record.

The bundled sample corpus (26 reports by several outlets, with near-duplicates, contradictions and
recycled news) goes through `rasid analyze`, then every reading command is run on both databases
and their outputs compared byte for byte: events in every export format, stories, each story's
source-by-fact matrix, search, entities, outlets' track records and a claim check.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasid.cli import app

SAMPLE = Path(__file__).resolve().parents[1] / "rasid" / "data" / "sample"

READS = [
    ["events", "--format", "json", "--all"],
    ["events", "--format", "acled"],
    ["events", "--format", "geojson"],
    ["events", "--format", "plover"],
    ["events", "--format", "csv", "--place", "حلب"],
    ["stories", "--json"],
    ["articles", "--json"],
    ["entities", "--json"],
    ["outlets", "--json"],
    ["search", "القوات الروسية", "--json"],
    ["search", "قصف", "--json"],
    ["check", "انسحبت القوات الروسية من مدينة حلب", "--json"],
    ["claims"],
]


def _run(args: list[str]) -> str:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _comparable(output: str) -> str:
    # A claim check reports how long it took; everything else must be identical.
    return re.sub(r'"(elapsed|seconds|latency)[a-z_]*": [0-9.e-]+', r'"\1": 0', output)


def _analyze(location: str, *extra: str) -> None:
    _run(["analyze", str(SAMPLE), "--db", location, *extra])


def _outputs(location: str) -> dict[str, str]:
    found = {" ".join(args): _comparable(_run([*args, "--db", location])) for args in READS}
    stories = json.loads(found["stories --json"])
    assert len(stories) >= 5  # the sample holds several multi-outlet stories: a real comparison
    for story in stories:
        found[f"story {story['id']}"] = _comparable(_run(["story", str(story["id"]), "--json", "--db", location]))
    return found


@pytest.fixture(scope="module")
def sqlite_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    db = str(tmp_path_factory.mktemp("sqlite") / "sample.db")
    _analyze(db, "--workers", "1")
    return _outputs(db)


def test_postgres_gives_the_same_record_as_sqlite(pg_url: str, sqlite_outputs: dict[str, str]) -> None:
    _analyze(pg_url, "--workers", "1")
    outputs = _outputs(pg_url)
    assert outputs.keys() == sqlite_outputs.keys()
    different = [name for name in outputs if outputs[name] != sqlite_outputs[name]]
    assert not different, f"outputs differ between SQLite and PostgreSQL: {different}"
    events = json.loads(outputs["events --format json --all"])
    assert len(events) > 20 and any((e.get("killed") or {}).get("total") for e in events)


def test_postgres_with_two_workers_and_a_rerun_gives_the_same_record(pg_url: str, sqlite_outputs: dict[str, str]) -> None:
    _analyze(pg_url, "--workers", "2")
    _analyze(pg_url, "--workers", "2")  # idempotent: nothing stored twice
    outputs = _outputs(pg_url)
    different = [name for name in outputs if outputs[name] != sqlite_outputs[name]]
    assert not different, f"outputs differ between SQLite and PostgreSQL with 2 workers: {different}"


def test_the_dask_path_gives_the_same_record_on_postgresql(pg_url: str, sqlite_outputs: dict[str, str]) -> None:
    """`--dask local`: partitions analysed on a LocalCluster of 2 worker processes, stored in PostgreSQL."""
    _analyze(pg_url, "--dask", "local", "--workers", "2", "--batch-size", "4")
    outputs = _outputs(pg_url)
    different = [name for name in outputs if outputs[name] != sqlite_outputs[name]]
    assert not different, f"outputs differ between SQLite and the Dask path on PostgreSQL: {different}"


def test_the_http_api_answers_the_same_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """`rasid serve` over PostgreSQL: the read endpoints give what they give over SQLite."""
    from fastapi.testclient import TestClient

    from rasid.web.app import create_app

    sqlite_db = str(tmp_path / "api.db")
    for location in (sqlite_db, pg_url):
        _analyze(location, "--workers", "1")
    paths = [
        "/api/events?limit=50", "/api/events?limit=5&format=geojson", "/api/stories", "/api/stories/1",
        "/api/timeline", "/api/events/points", "/api/contradictions", "/collections/events/items?limit=10",
    ]
    answers = []
    for location in (sqlite_db, pg_url):
        with TestClient(create_app(location, token=None)) as client:
            found = {}
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (location, path, response.text[:300])
                # The OGC page stamps the time it answered: the two servers answer seconds apart.
                found[path] = re.sub(r'"timeStamp":"[^"]*"', '"timeStamp":""', response.text)
            answers.append(found)
    different = [p for p in paths if answers[0][p] != answers[1][p]]
    assert not different, f"the API answers differently on PostgreSQL: {different}"
