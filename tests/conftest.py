"""Shared fixtures: short Arabic reports written for these tests, in the style of real ones."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

REPORT_SHELLING = """قصف على حي الميدان في حلب
قالت مصادر محلية لأورينت نت إن قذائف صاروخية سقطت صباح اليوم الثلاثاء على حي الميدان وسط مدينة حلب، ما أسفر عن مقتل ثلاثة مدنيين بينهم طفل وإصابة سبعة آخرين.
وأضافت المصادر أن القذائف أطلقت من مواقع تسيطر عليها الميليشيات الإيرانية في محيط المدينة، في حين اتهمت وسائل إعلام النظام فصائل المعارضة بالوقوف وراء القصف.
مقالات ذات صلة
زر الذهاب إلى الأعلى
"""

REPORT_MEETING = """اجتماع روسي إيراني في دمشق لبحث الوضع في دير الزور
عقد ضباط من القوات الروسية وممثلون عن الحرس الثوري الإيراني اجتماعاً في العاصمة السورية دمشق، أمس الأحد، لبحث التوتر المتصاعد بين الطرفين في ريف دير الزور الشرقي.
وقال مصدر عسكري لستيب نيوز إن الاجتماع انتهى دون اتفاق، وإن الجانب الروسي طالب بانسحاب الميليشيات الإيرانية من مدينة البوكمال.
"""

REPORT_ENGLISH = """Clashes in Aleppo
Local sources said that heavy clashes broke out on Sunday between Russian-backed and Iran-backed militias in the Khalidiya district of Aleppo, killing at least eleven civilians.
"""


def analyze_reports(root: Path, reports: dict[str, str], published: str) -> Path:
    """Write `reports` (file name -> text) under `root` and run `rasid analyze` on them; the database."""
    from typer.testing import CliRunner

    from rasid.cli import app

    folder = root / "reports"
    folder.mkdir()
    for name, text in reports.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = root / "e.db"
    result = CliRunner().invoke(app, ["analyze", str(folder), "--db", str(db), "--published", published])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "shelling.txt").write_text(REPORT_SHELLING, encoding="utf-8")
    (folder / "meeting.txt").write_text(REPORT_MEETING, encoding="utf-8")
    return folder


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


# -- PostgreSQL ------------------------------------------------------------------------------------
# `.ci/run` starts a throwaway server and sets RASID_TEST_PG (its URL). Without it, one is started here
# when PostgreSQL's programs are installed; without those, PostgreSQL tests are skipped, except in CI
# (CI set), where a missing server is a failure.


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database, for making one database per test."""
    import os

    from tests import pg_cluster

    given = os.environ.get("RASID_TEST_PG")
    if given:
        yield given
        return
    if pg_cluster.find_program("initdb") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs a PostgreSQL server: set RASID_TEST_PG or install postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql) and RASID_TEST_PG is unset")
    folder = Path(f"/tmp/rasid-pg-{os.getpid()}")
    try:
        url = pg_cluster.start(folder)
    except Exception as exc:  # any failure to start is reported as such
        if os.environ.get("CI"):
            raise
        pytest.skip(f"could not start a PostgreSQL server: {exc}")
    yield url
    pg_cluster.stop(folder)
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


_pg_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (dropped afterwards)."""
    import os

    import psycopg

    name = f"rasid_t{os.getpid()}_{next(_pg_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    base, _, query = pg_server.partition("?")
    yield f"{base.rsplit('/', 1)[0]}/{name}" + (f"?{query}" if query else "")
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database location on each backend: a new SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "backend.db")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def new_store(db_location: str) -> Iterator[Callable[[], Any]]:
    """Opens the test's database on each backend (several opens share it); all closed afterwards."""
    from rasid.store import open_store

    opened: list[Any] = []

    def make() -> Any:
        opened.append(open_store(db_location))
        return opened[-1]

    yield make
    for store in opened:
        store.close()
