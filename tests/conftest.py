"""Shared fixtures: short Arabic reports written for these tests, in the style of real ones."""

from __future__ import annotations

from pathlib import Path

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
