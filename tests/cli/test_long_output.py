"""Query commands that stay fast on a large database: more stories (or facts, or articles of a
story) than a screenful print as plain tab-separated lines instead of a rich table; `rasid search`
and `rasid events` do not import the ingest path (`rasid.api.core` and its numeric libraries)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import rasid.cli.stories as stories_cli
from rasid.api import Rasid, sample_corpus_path
from rasid.cli import app
from rasid.cli.tables import field


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long_output") / "sample.db"
    with Rasid(path) as rasid:
        rasid.analyze([sample_corpus_path()])
    return path


def _json(db: Path, *args: str) -> object:
    result = CliRunner().invoke(app, [*args, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_many_stories_are_listed_one_per_line(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stories = _json(db, "stories")
    assert isinstance(stories, list) and len(stories) > 3
    table = CliRunner().invoke(app, ["stories", "--db", str(db)])
    assert "\t" not in table.stdout and f"{len(stories)} stories" in table.stdout  # a screenful: the table
    monkeypatch.setattr(stories_cli, "RICH_ROWS", 3)
    result = CliRunner().invoke(app, ["stories", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{len(stories)} stories in {db}"
    assert lines[1].split("\t") == ["id", "title", "span", "places", "outlets", "articles", "contradictions", "recycled"]
    rows = [line.split("\t") for line in lines[2:]]
    assert [int(r[0]) for r in rows] == [s["id"] for s in stories]
    assert all(len(r) == 8 for r in rows)
    assert [r[1] for r in rows] == [field(s["title"]) for s in stories]
    assert [int(r[5]) for r in rows] == [s["article_count"] for s in stories]


def test_a_story_with_many_facts_prints_its_matrix_as_lines(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stories = _json(db, "stories")
    assert isinstance(stories, list)
    biggest = max(stories, key=lambda s: s["article_count"])
    story = _json(db, "story", str(biggest["id"]))
    assert isinstance(story, dict) and len(story["facts"]) > 1 and len(story["articles"]) > 1
    monkeypatch.setattr(stories_cli, "RICH_ROWS", 1)
    result = CliRunner().invoke(app, ["story", str(biggest["id"]), "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for a in story["articles"]:
        assert any(line.startswith(f"  [{a['id']}] ") for line in lines)
    at = lines.index("claims by outlet (quoted source in brackets)")
    header = lines[at + 1].split("\t")
    assert header[:3] == ["incident", "fact", "status"] and len(header) > 3
    rows = [line.split("\t") for line in lines[at + 2 : at + 2 + len(story["facts"])]]
    assert [(r[1], r[2]) for r in rows] == [(f["fact"], f["status"]) for f in story["facts"]]
    assert all(len(r) == len(header) for r in rows)
    assert "[yellow]" not in result.stdout and "[/]" not in result.stdout


def test_a_cell_is_one_line_without_tabs() -> None:
    assert field("ثلاثة\nأربعة [SOHR]\n\n") == "ثلاثة / أربعة [SOHR]"
    assert field("a\tb") == "a b" and field(None) == "" and field(7) == "7"


def test_search_and_events_do_not_import_the_ingest_path(db: Path) -> None:
    script = (
        "import sys\n"
        "from rasid.cli.app import main\n"
        "for args in (['search', 'قصف', '--json'], ['events', '--format', 'jsonl']):\n"
        f"    sys.argv = ['rasid', *args, '--db', {str(db)!r}]\n"
        "    try:\n"
        "        main()\n"
        "    except SystemExit as exc:\n"
        "        assert not exc.code, exc.code\n"
        "print('LOADED', 'rasid.api.core' in sys.modules, 'rasid.ingest.runner' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "LOADED False False"
    hits, _end = json.JSONDecoder().raw_decode(done.stdout)
    assert hits and all("قصف" in h["snippet"] or h["highlights"] for h in hits)
