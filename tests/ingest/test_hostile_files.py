"""Files that are not regular files (named pipes, sockets) are skipped with one line; nothing hangs.

Issue 13: a named pipe in a folder hung `rasid analyze` for ever and the folder's other files were
never stored. The CLI runs in a subprocess with a timeout, so a hang fails the test.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from rasid.ingest.readers import discover, read_file

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and unix sockets need a POSIX system")

REPORT_A = "قصفت قوات النظام حي الشعار في مدينة حلب صباح اليوم، ما أدى إلى مقتل أربعة مدنيين وإصابة آخرين.\n"
REPORT_B = "انسحبت الفصائل المعارضة من بلدة كفرنبل في ريف إدلب الجنوبي بعد معارك استمرت ثلاثة أيام.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """Two good reports, a named pipe and a listening unix socket, all named like articles."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (reports / "c.txt").write_text(REPORT_B, encoding="utf-8")
    os.mkfifo(reports / "b-pipe.txt")
    # A socket path must be short (about 100 bytes): bind from inside the folder.
    here = os.getcwd()
    os.chdir(reports)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind("d-socket.jsonl")
        server.listen(1)
    finally:
        os.chdir(here)
    try:
        yield reports
    finally:
        server.close()


def _analyze(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rasid.cli", "analyze", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,  # a blocked open() of the pipe would hang here: the test fails instead of CI
        env={**os.environ, "COLUMNS": "200"},
    )


def _stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])


def test_pipe_and_socket_in_a_folder_are_skipped_and_the_rest_is_stored(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    result = _analyze(folder, "--db", db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(db) == 2
    lines = [line for line in result.stderr.splitlines() if "not a regular file" in line]
    assert len(lines) == 2, result.stderr
    assert any("b-pipe.txt" in line and "(named pipe)" in line for line in lines)
    assert any("d-socket.jsonl" in line and "(socket)" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_a_pipe_named_on_the_command_line_is_skipped(folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    lone = tmp_path / "feed"  # no suffix: the pipe is named, not its type guessed from the name
    os.mkfifo(lone)
    result = _analyze(lone, folder / "b-pipe.txt", folder / "a.txt", "--db", db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(db) == 1
    assert f"{lone}: not a regular file (named pipe)" in result.stderr
    assert f"{folder / 'b-pipe.txt'}: not a regular file (named pipe)" in result.stderr


def test_reader_refuses_a_pipe_without_opening_it(folder: Path) -> None:
    """`read_file` itself checks: a path handed to it directly never blocks either."""
    pipe = folder / "b-pipe.txt"
    items: list[object] = []
    reader = threading.Thread(target=lambda: items.extend(read_file(pipe)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # blocked opening the pipe: release it with a writer, then fail
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=20)
        pytest.fail("read_file blocked on a named pipe")
    (item,) = items
    assert not hasattr(item, "body") and "named pipe" in str(item)
    found = [str(x) for x in discover([folder])]
    assert found[0] == str(folder / "a.txt") and found[2] == str(folder / "c.txt")
    assert "named pipe" in found[1] and "socket" in found[3]


def test_a_record_with_a_bad_date_is_stored_and_the_user_warned(tmp_path: Path) -> None:
    import json as _json
    import subprocess
    import sys

    feed = tmp_path / "feed.jsonl"
    record = {"id": "w1", "published": "2024-13-45", "title": "قصف", "text": "قصفت قوات النظام مدينة حلب أمس."}
    feed.write_text(_json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "rasid.cli", "analyze", str(feed), "--db", str(tmp_path / "w.db")],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "warning" in run.stderr and "stored without a date" in run.stderr and "Traceback" not in run.stderr
    assert "1 added" in run.stdout
