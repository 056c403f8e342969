"""One deliverer per alert target (migration 17, `rasid.watch.outbox.Lease`): a `rasid watch` and a
`rasid alerts` (or a second watch) on one database, each configured with the same JSONL log and
webhook, never send an alert twice. Real processes, a real local webhook that counts the POSTs and
holds the first one until the second process has finished, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from rasid.extract.changes import Change, record_changes
from rasid.store import open_store
from rasid.watch.outbox import Lease
from tests.watch.conftest import WebhookEndpoint

ALERTS = 40
RULES = """version: 1
rules:
  - id: contradicted
    when: contradiction
"""


def _gate_endpoint() -> WebhookEndpoint:
    """A webhook on localhost that answers its first POST slowly, a byte every second (so the client's
    timeout never fires), until `released`; every other POST at once. Keeps each body."""

    def answer(handler: BaseHTTPRequestHandler, n: int, endpoint: WebhookEndpoint) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "600")
        handler.end_headers()
        sent = 0
        if n == 1:
            while sent < 599 and not endpoint.released.wait(1):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                sent += 1
        handler.wfile.write(b" " * (600 - sent))

    return WebhookEndpoint(answer)


def _owe_changes(db: str) -> None:
    """`ALERTS` new contradictions in the change feed: each raises one alert."""
    store = open_store(db)
    try:
        with store.transaction():
            record_changes(store, [
                Change("contradiction_new", story_id=n, after={"facts": [{"fact": "killed", "values": {"3": ["أ"], "5": ["ب"]}}]})
                for n in range(1, ALERTS + 1)
            ])  # fmt: skip
    finally:
        store.close()


def _command(which: str, db: str, rules: Path, log: Path, url: str, folder: Path) -> list[str]:
    options = ["--alerts-log", str(log), "--webhook", url]
    if which == "alerts":
        return [sys.executable, "-m", "rasid.cli", "alerts", "--db", db, "--rules", str(rules), *options]
    return [sys.executable, "-m", "rasid.cli", "watch", str(folder), "--db", db, "--once", "--alert-rules", str(rules),
            *options]  # fmt: skip


def _run_side_by_side(db: str, tmp_path: Path, second: str) -> tuple[list[int], list[int], str]:
    """A watch raises the alerts and hangs on its first POST; `second` runs to its end meanwhile. The ids
    POSTed, the ids in the log, the second's stderr."""
    rules, log, folder = tmp_path / "rules.yaml", tmp_path / "alerts.jsonl", tmp_path / "incoming"
    rules.write_text(RULES, encoding="utf-8")
    folder.mkdir()
    _owe_changes(db)
    endpoint = _gate_endpoint()
    try:
        first = subprocess.Popen(_command("watch", db, rules, log, endpoint.url, folder), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            assert endpoint.got_first.wait(60), "the first watch never posted an alert"
            other = subprocess.run(_command(second, db, rules, log, endpoint.url, folder), capture_output=True,
                                   text=True, timeout=60)  # fmt: skip
            assert other.returncode == 0, other.stderr
            assert len(endpoint.bodies) == 1  # the second process posted nothing while the first delivers
            endpoint.released.set()
            _out, err = first.communicate(timeout=60)
            assert first.returncode == 0, err
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(30)
    finally:
        endpoint.close()
    posted = [json.loads(b)["id"] for b in endpoint.bodies]
    logged = [json.loads(line)["id"] for line in log.read_text(encoding="utf-8").splitlines()]
    return posted, logged, other.stderr


def _check_delivered_once(db: str, posted: list[int], logged: list[int]) -> None:
    store = open_store(db)
    try:
        ids = [int(r[0]) for r in store.query("SELECT id FROM alerts ORDER BY id")]
        assert store.query("SELECT count(*) FROM alert_outbox WHERE delivered_at IS NULL") == [(0,)]
        assert store.query("SELECT count(*) FROM outbox_leases") == [(0,)]  # released at the end
    finally:
        store.close()
    assert len(ids) == ALERTS
    assert sorted(posted) == ids  # each alert POSTed once
    assert logged == ids  # each alert logged once, in order


@pytest.mark.parametrize("second", ["alerts", "watch"])
def test_a_second_process_leaves_the_alerts_to_the_one_delivering(tmp_path: Path, second: str) -> None:
    db = str(tmp_path / "w.db")
    posted, logged, stderr = _run_side_by_side(db, tmp_path, second)
    assert "another process" in stderr and f":{os.getpid()}:" not in stderr
    _check_delivered_once(db, posted, logged)


def test_one_deliverer_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    posted, logged, stderr = _run_side_by_side(pg_url, tmp_path, "alerts")
    assert "another process" in stderr
    _check_delivered_once(pg_url, posted, logged)


def test_a_lease_is_taken_over_when_its_holder_died_here_or_ran_out(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "l.db"))
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        here = socket.gethostname()
        held = Lease(store, "log", "/x.jsonl", f"{here}:{dead.stdout.strip()}:aaaa")
        assert held.take()
        mine = Lease(store, "log", "/x.jsonl", f"{here}:{os.getpid()}:bbbb")
        assert mine.take()  # its holder's process has exited: taken over at once
        elsewhere = Lease(store, "log", "/x.jsonl", "another-host:1:cccc")
        assert not elsewhere.take() and elsewhere.other == mine.holder  # still running, on this host
        mine.release()
        assert elsewhere.take()
        assert not mine.take() and mine.other == elsewhere.holder  # another host's: not judged by its pid
        gone = Lease(store, "webhook", "http://h/", "another-host:2:dddd", seconds=-1)  # ran out at once
        assert gone.take()
        assert Lease(store, "webhook", "http://h/", mine.holder).take()  # out of time: taken over
    finally:
        store.close()
