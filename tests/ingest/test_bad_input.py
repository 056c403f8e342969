"""Each kind of bad input gets a one-line error naming the file, is skipped, and loses nothing stored."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rasid.api import Rasid
from tests.conftest import REPORT_ENGLISH, REPORT_MEETING, REPORT_SHELLING


def _analyze(db: Path, *paths: Path | str) -> tuple[object, list[str]]:
    errors: list[str] = []
    with Rasid(db) as rasid:
        report = rasid.analyze([str(p) for p in paths], on_error=errors.append)
        return report, errors


def _count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


@pytest.fixture
def seeded_db(db_path: Path, corpus_dir: Path) -> Path:
    _report, errors = _analyze(db_path, corpus_dir)
    assert errors == []
    assert _count(db_path) == 2
    return db_path


def test_windows_1256_is_decoded(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(REPORT_MEETING.encode("cp1256"))
    _report, errors = _analyze(db_path, path)
    assert errors == []
    with Rasid(db_path) as rasid:
        (article,) = list(rasid.articles())
        assert "الحرس الثوري الإيراني" in rasid.store.get_text(article.id)
        assert article.language == "ar"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_bom_are_decoded(tmp_path: Path, db_path: Path, encoding: str) -> None:
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(REPORT_SHELLING.encode(encoding))
    _, errors = _analyze(db_path, path)
    assert errors == []
    with Rasid(db_path) as rasid:
        (article,) = list(rasid.articles())
        assert rasid.store.get_text(article.id).startswith("قصف على حي الميدان")


def test_empty_file_is_reported_and_store_kept(tmp_path: Path, seeded_db: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n ", encoding="utf-8")
    _, errors = _analyze(seeded_db, empty, blank)
    assert len(errors) == 2
    assert errors[0].startswith(str(empty)) and "empty file" in errors[0]
    assert _count(seeded_db) == 2


def test_binary_file_is_refused(tmp_path: Path, seeded_db: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    _, errors = _analyze(seeded_db, binary)
    assert len(errors) == 1 and str(binary) in errors[0] and "binary" in errors[0]
    assert "\n" not in errors[0]
    assert _count(seeded_db) == 2


def test_broken_json_lines_report_line_numbers(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    good = {"id": "x1", "source": "عنب بلدي", "published": "2024-11-30", "title": "اشتباكات", "text": REPORT_SHELLING}
    lines = [
        json.dumps(good, ensure_ascii=False),
        '{"id": "x2", "text": "نص مقطوع',
        "",
        json.dumps({"id": "x3", "title": "بلا نص"}, ensure_ascii=False),
        json.dumps({"id": "x4", "published": "30/11/2024", "text": REPORT_MEETING}, ensure_ascii=False),
        "[1, 2]",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _report, messages = _analyze(db_path, path)
    # Line 5 has a bad date only: it is stored without one (a warning, see the next test), not skipped.
    errors = [e for e in messages if "stored without a date" not in e]
    assert [e.split(": ", 1)[0] for e in errors] == [f"{path}:2", f"{path}:4", f"{path}:6"]
    assert "broken JSON" in errors[0]
    assert "no 'text' or 'html'" in errors[1]
    assert _count(db_path) == 2


def test_broken_json_message_says_at_column_once(tmp_path: Path) -> None:
    """Python's "Unterminated string starting at" and "Invalid control character at" end in "at"."""
    from rasid.ingest.readers import read_file

    path = tmp_path / "feed.jsonl"
    # The last line has no newline, so its string is cut short rather than holding a control character.
    path.write_text('{"id": "x3", "text": "a\u0001b"}\n{"id": "x2", "text": "نص مقطوع', encoding="utf-8")
    first, second = (str(item) for item in read_file(path))
    assert first == f"{path}:1: broken JSON (Invalid control character at column 24)"
    assert second == f"{path}:2: broken JSON (Unterminated string starting at column 22)"


def test_bad_published_date_keeps_the_article_without_a_date(tmp_path: Path, db_path: Path) -> None:
    from rasid.ingest.readers import RawArticle, read_file

    path = tmp_path / "feed.jsonl"
    records = [
        {"id": "d1", "published": "2024-13-45", "title": "قصف", "text": REPORT_SHELLING},
        {"id": "d2", "published": "2024-11-30", "text": REPORT_MEETING},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    first, second = read_file(path)
    assert isinstance(first, RawArticle) and isinstance(second, RawArticle)
    assert first.published is None and first.extra == {"published_unparsed": "2024-13-45"}
    assert first.warnings == (f"{path}:1: bad published date '2024-13-45'; expected YYYY-MM-DD; stored without a date",)
    assert second.warnings == () and second.published is not None
    _analyze(db_path, path)
    with Rasid(db_path) as rasid:
        stored = {a.doc_id: a.published for a in rasid.articles()}
    assert stored["d1"] is None and stored["d2"] is not None and str(stored["d2"]) == "2024-11-30"


def test_html_without_article_body(tmp_path: Path, seeded_db: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><title>الرئيسية</title></head><body><nav><a href='/'>الرئيسية</a></nav>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>",
        encoding="utf-8",
    )
    broken = tmp_path / "broken.html"
    broken.write_bytes(b"<html><body><div><p>\xd8\xa7 <<<< </div")
    _, errors = _analyze(seeded_db, page, broken)
    assert any(e.startswith(str(page)) and "no article body" in e for e in errors)
    assert any(e.startswith(str(broken)) for e in errors)
    assert _count(seeded_db) == 2


def test_html_article_is_extracted_without_furniture(tmp_path: Path, db_path: Path) -> None:
    page = tmp_path / "article.html"
    paragraphs = "".join(f"<p>{line}</p>" for line in REPORT_MEETING.strip().split("\n")[1:])
    page.write_text(
        "<html><head><title>اجتماع روسي إيراني - ستيب نيوز</title>"
        '<meta property="article:published_time" content="2019-09-02T10:00:00+03:00"></head><body>'
        "<nav><ul><li>الرئيسية</li><li>أخبار سوريا</li><li>تقارير</li></ul></nav>"
        f"<article><h1>اجتماع روسي إيراني في دمشق</h1>{paragraphs}</article>"
        "<aside><h3>الأكثر قراءة</h3><ul><li>خبر أول عن الطقس</li><li>خبر ثان عن الرياضة</li></ul></aside>"
        "<footer>جميع الحقوق محفوظة لستيب نيوز 2019</footer></body></html>",
        encoding="utf-8",
    )
    _, errors = _analyze(db_path, page)
    assert errors == []
    with Rasid(db_path) as rasid:
        (article,) = list(rasid.articles())
        text = rasid.store.get_text(article.id)
        assert "الحرس الثوري" in text
        assert "الطقس" not in text and "جميع الحقوق" not in text
        assert article.published is not None and article.published.isoformat() == "2019-09-02"


def test_huge_file_is_refused_with_size(tmp_path: Path, seeded_db: Path) -> None:
    huge = tmp_path / "huge.txt"
    chunk = (REPORT_SHELLING * 50).encode("utf-8")
    with open(huge, "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
    _, errors = _analyze(seeded_db, huge)
    assert len(errors) == 1 and errors[0].startswith(str(huge)) and "too large" in errors[0] and "MB" in errors[0]
    assert _count(seeded_db) == 2


def test_non_arabic_text_is_stored_and_flagged(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "english.txt"
    path.write_text(REPORT_ENGLISH, encoding="utf-8")
    _, errors = _analyze(db_path, path)
    assert errors == []
    with Rasid(db_path) as rasid:
        (article,) = list(rasid.articles())
        assert article.language == "en"
        assert "language:en" in article.flags


def test_missing_path_and_unsupported_type(tmp_path: Path, seeded_db: Path) -> None:
    missing = tmp_path / "nowhere"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    _, errors = _analyze(seeded_db, missing, pdf)
    assert errors[0] == f"{missing}: no such file or directory"
    assert errors[1].startswith(str(pdf)) and "unsupported file type" in errors[1]
    assert _count(seeded_db) == 2


def test_bad_files_do_not_stop_good_ones(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a_empty.txt").write_bytes(b"")
    (folder / "b_good.txt").write_text(REPORT_SHELLING, encoding="utf-8")
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "d_good.txt").write_text(REPORT_MEETING, encoding="utf-8")
    _report, errors = _analyze(db_path, folder)
    assert len(errors) == 2
    assert _count(db_path) == 2


def test_cli_error_is_one_line_and_names_the_file(tmp_path: Path, db_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "rasid.cli", "analyze", str(empty), "--db", str(db_path)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert result.returncode == 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(empty) in lines[0] and "empty file" in lines[0]


def _write_feed(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            text = REPORT_SHELLING.replace("ثلاثة", str(i)) + f"\nوأفاد شاهد عيان رقم {i} بأن القصف استمر ساعة."
            handle.write(json.dumps({"id": f"r{i}", "published": "2024-11-30", "text": text}, ensure_ascii=False) + "\n")


def test_interrupt_rolls_back_only_unfinished_batch(tmp_path: Path, db_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    _write_feed(feed, 120)
    calls = 0

    def interrupt_after_first_batch(_n: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt

    with Rasid(db_path) as rasid:
        report = rasid.analyze([str(feed)], batch_size=50, on_progress=interrupt_after_first_batch)
    assert report.interrupted
    # The second batch was committed before its progress callback raised; the third never ran.
    stored = _count(db_path)
    assert stored == 100
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fts = conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0]
        assert fts == stored
    report, errors = _analyze(db_path, feed)
    assert errors == [] and report.added == 20 and report.unchanged == 100
    assert _count(db_path) == 120


def test_killed_process_leaves_consistent_db_and_rerun_finishes(tmp_path: Path, db_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    _write_feed(feed, 800)
    proc = subprocess.Popen(
        [sys.executable, "-m", "rasid.cli", "analyze", str(feed), "--db", str(db_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        if db_path.exists():
            try:
                if _count(db_path) > 0:
                    break
            except sqlite3.OperationalError:
                continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        assert conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == partial
    report, errors = _analyze(db_path, feed)
    assert errors == []
    assert _count(db_path) == 800
    assert report.unchanged == partial


def test_gzipped_jsonl_is_read_and_damage_is_one_line(tmp_path: Path) -> None:
    import gzip
    import json

    from rasid.ingest.readers import RawArticle, discover, read_file

    good = tmp_path / "corpus.jsonl.gz"
    lines = [json.dumps({"id": f"a{i}", "text": f"نص الخبر رقم {i}", "published": "2015-08-01"}, ensure_ascii=False) for i in range(3)]
    with gzip.open(good, "wt", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    assert list(discover([tmp_path])) == [good]
    items = list(read_file(good))
    assert [a.external_id for a in items if isinstance(a, RawArticle)] == ["a0", "a1", "a2"]
    # A truncated archive keeps the records before the damage and reports the rest in one line.
    data = good.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) - 12])
    items = list(read_file(cut))
    errors = [i for i in items if not isinstance(i, RawArticle)]
    assert len(errors) == 1 and "damaged gzip data" in str(errors[0]) and "cut.jsonl.gz" in str(errors[0])
    assert [a.external_id for a in items if isinstance(a, RawArticle)] == ["a0", "a1", "a2"]
