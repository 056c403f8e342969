"""Smaller points of issue 13 (item 8): claims Rasid cannot check, `demo` output, `eval stories` and
the README's command lines.

Each ran badly before: a 5,000-character claim took 18 s, an English claim came back "not enough
evidence, confidence 1.00", `demo` printed Python's None, `eval stories` looked for its key relative
to the working directory, and the README showed `--data PATH` for every evaluation.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from rasid.api import Rasid
from rasid.cli import app
from tests.conftest import REPO, REPORT_SHELLING

runner = CliRunner()


@pytest.fixture(scope="module")
def reports_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("claims")
    (folder / "shelling.txt").write_text(REPORT_SHELLING, encoding="utf-8")
    db = folder / "k.db"
    with Rasid(db) as rasid:
        rasid.analyze([str(folder / "shelling.txt")], published=None)
    return db


def _one_line_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_a_claim_longer_than_the_cap_is_refused_at_once(reports_db: Path) -> None:
    claim = ("قصفت قوات النظام حي الميدان في مدينة حلب وقتلت ثلاثة مدنيين. " * 90)[:5_000]
    started = time.perf_counter()
    result = runner.invoke(app, ["check", claim, "--db", str(reports_db)])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 2, result.output
    line = _one_line_error(result.output)
    assert "5,000 characters" in line and "one sentence at a time" in line
    from rasid.verify.check import ClaimError, check_claim

    with Rasid(reports_db) as rasid, pytest.raises(ClaimError):
        check_claim(rasid.store, claim)


def test_a_claim_not_in_arabic_says_so(reports_db: Path) -> None:
    result = runner.invoke(app, ["check", "Russian forces withdrew from the city of Aleppo", "--db", str(reports_db)])
    assert result.exit_code == 2, result.output
    line = _one_line_error(result.output)
    assert "not in Arabic" in line and "English" in line and "1.00" not in line
    result = runner.invoke(app, ["check", "Aleppo 2019", "--db", str(reports_db), "--json"])
    assert result.exit_code == 2 and "no Arabic words" in result.output


def test_an_arabic_claim_is_still_checked(reports_db: Path) -> None:
    result = runner.invoke(app, ["check", "قصفت قوات النظام حي الميدان في حلب", "--db", str(reports_db), "--json"])
    assert result.exit_code == 0, result.output
    assert '"verdict"' in result.output


def test_demo_prints_no_python_none(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "killed" in result.output  # the part that printed "children None"
    assert not re.search(r"\bNone\b", result.output), [line for line in result.output.splitlines() if "None" in line]


def test_eval_stories_finds_the_bundled_key_from_any_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasid.cli", "eval", "stories", "--json"],
        cwd=tmp_path,  # no rasid/data/sample here: the key comes from the installed package
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))},
    )
    assert result.returncode == 0, result.stderr
    assert '"f1"' in result.stdout


def _readme_commands() -> dict[str, list[str]]:
    """`eval X` / `train X` -> the README lines showing it (a line may name several: stance|claims)."""
    found: dict[str, list[str]] = {}
    text = (REPO / "README.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        m = re.match(r"rasid (eval|train) ([a-z|-]+)\s(.*)", line)
        if m:
            for name in m.group(2).split("|"):
                found.setdefault(f"{m.group(1)} {name}", []).append(m.group(3).split("#")[0])
    return found


def _options(group: str, name: str) -> set[str]:
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    sub = command.commands[group]
    assert isinstance(sub, TyperGroup)
    return {opt for p in sub.commands[name].params for opt in p.opts if opt.startswith("--")}


def test_readme_eval_and_train_lines_match_each_command() -> None:
    """Every eval/train command is in the README with exactly the options its --help lists."""
    shown = _readme_commands()
    command = typer.main.get_command(app)
    assert isinstance(command, TyperGroup)
    for group in ("eval", "train"):
        sub = command.commands[group]
        assert isinstance(sub, TyperGroup)
        for name in sub.commands:
            lines = shown.get(f"{group} {name}")
            assert lines, f"README shows no `rasid {group} {name}` line"
            written = {o for line in lines for o in re.findall(r"--[a-z][a-z-]*", line)}
            real = _options(group, name) - {"--help", "--json"}  # "every `eval` also takes --json"
            assert written == real, f"rasid {group} {name}: README {sorted(written)} vs --help {sorted(real)}"
