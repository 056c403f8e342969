"""Soak run of `rasid watch` against the local fixture server (not a pytest test: run by hand).

    python -m tests.watch.soak --minutes 35 --every 3 --interval 5 [--alerts] [--webhook] [--memory N [--trace]]

A new item is published every `--every` seconds (the feed lists the newest 50); `rasid watch` polls
every `--interval` seconds. Prints the watcher's resident memory (and the database's size: SQLite's
page cache, up to 64 MiB, grows with it) over time and, at the end, how many
items were published, stored, and stored twice (must be 0), then stops the watcher with SIGTERM.
With `--alerts` the watcher also runs the shipped alert rules into a JSONL log, and the end line adds
the change-feed rows, the stored alerts and the log's lines (each alert once: stored = logged); the
rules are the shipped ones plus one that fires on any death, so alerts come every few rounds. With
`--webhook` they are also POSTed to a local endpoint that counts the POSTs and the distinct alert ids.
`--memory N` sets RASID_MEMORY_REPORT=N (the watcher prints its resident and SQLite memory every N
rounds); `--trace` adds PYTHONTRACEMALLOC=1 (and the top allocations since the first report). The
watcher's stderr is kept in `watch.log` next to the database (the path is printed first).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import rasid.knowledge
from tests.watch.conftest import REPORTS, FixtureServer, page, rss


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def publisher(server: FixtureServer, every: float, stop: threading.Event, published: list[str]) -> None:
    n = 0
    while not stop.is_set():
        title, body = REPORTS[n % len(REPORTS)]
        path = f"/news/{n}"
        text = f"{body} وقال المصدر إن عدد الجرحى في الحادثة رقم {n} بلغ {n % 17 + 2} أشخاص."
        server.add(path, page(f"{title} ({n})", text))
        published.append(path)
        newest = published[-50:]
        server.add("/feed.xml", rss(server.base, [(p, p, time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()))
                                                   for p in newest]), "text/xml")
        n += 1
        stop.wait(every)


EXTRA_RULE = """  - id: soak-any-death
    when: killed
    min_killed: 1
    admin1: any
"""


class Endpoint:
    """A local webhook that counts the POSTs and the distinct alert ids it received."""

    def __init__(self) -> None:
        self.posts = 0
        self.ids: set[str] = set()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                endpoint.posts += 1
                endpoint.ids.add(self.headers.get("X-Rasid-Alert-Id", ""))
                self.send_response(204)
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def _alert_options(folder: Path, endpoint: Endpoint | None) -> list[str]:
    shipped = (Path(rasid.knowledge.__file__).parent / "data" / "alert_rules.yaml").read_text(encoding="utf-8")
    rules = folder / "rules.yaml"
    rules.write_text(shipped.rstrip("\n") + "\n" + EXTRA_RULE, encoding="utf-8")
    hook = ["--webhook", endpoint.url] if endpoint is not None else []
    return ["--alert-rules", str(rules), "--alerts-log", str(folder / "alerts.jsonl"), *hook]


def _log_ids(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rounds(log: Path) -> int:
    """How many rounds the watcher has finished (its `round N:` lines)."""
    return sum(line.startswith(b"round ") for line in log.read_bytes().splitlines())


def _wait_rounds(log: Path, rounds: int, most: float) -> None:
    """Wait until the watcher has finished `rounds` more rounds, at most `most` seconds."""
    first, end = _rounds(log), time.monotonic() + most
    while _rounds(log) < first + rounds and time.monotonic() < end:
        time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=3)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--alerts", action="store_true", help="run the shipped alert rules into a JSONL log")
    parser.add_argument("--webhook", action="store_true", help="also POST the alerts to a local counting endpoint")
    parser.add_argument("--memory", type=int, default=0, help="RASID_MEMORY_REPORT for the watcher (0: off)")
    parser.add_argument("--trace", action="store_true", help="PYTHONTRACEMALLOC=1 for the watcher")
    args = parser.parse_args()
    args.alerts = args.alerts or args.webhook
    endpoint = Endpoint() if args.webhook else None
    server = FixtureServer()
    server.thread.start()
    stop = threading.Event()
    published: list[str] = []
    threading.Thread(target=publisher, args=(server, args.every, stop, published), daemon=True).start()
    db = Path(tempfile.mkdtemp()) / "soak.db"
    print(f"database {db}", flush=True)
    env = {**os.environ, "RASID_MEMORY_REPORT": str(args.memory)} | ({"PYTHONTRACEMALLOC": "1"} if args.trace else {})
    log = open(db.parent / "watch.log", "wb")  # noqa: SIM115 (the watcher's stderr, closed at the end)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "rasid.cli", "watch", server.base + "/feed.xml", "--db", str(db),
         "--interval", str(args.interval), "--rate-per-host", "0",
         *(_alert_options(db.parent, endpoint) if args.alerts else [])],
        stdout=subprocess.DEVNULL, stderr=log, env=env,
    )
    started = time.monotonic()
    end = started + args.minutes * 60
    while time.monotonic() < end:
        time.sleep(30)
        size = sum(p.stat().st_size for p in db.parent.glob("soak.db*")) / 1e6
        print(f"{(time.monotonic() - started) / 60:5.1f} min  rss {rss_mb(watcher.pid):6.1f} MB"
              f"  published {len(published)}  db {size:5.1f} MB  rounds {_rounds(db.parent / 'watch.log')}", flush=True)
    stop.set()
    _wait_rounds(db.parent / "watch.log", 2, args.interval * 2 + 120)  # two more rounds pick up the last items
    watcher.send_signal(signal.SIGTERM)
    code = watcher.wait(timeout=60)
    with sqlite3.connect(db) as conn:
        urls = [r[0] for r in conn.execute("SELECT url FROM articles")]
    wanted = {server.base + p for p in published}
    print(f"exit {code}; published {len(wanted)}, stored {len(set(urls) & wanted)}, missed {len(wanted - set(urls))},"
          f" stored twice {len(urls) - len(set(urls))}")
    if args.alerts:
        with sqlite3.connect(db) as conn:
            changes = conn.execute("SELECT COUNT(*) FROM changes").fetchone()[0]
            stored = conn.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
        log_path = db.parent / "alerts.jsonl"
        logged = len(_log_ids(log_path))
        posted = f", POSTed {endpoint.posts} ({len(endpoint.ids)} distinct ids)" if endpoint is not None else ""
        print(f"changes {changes}; alerts stored {stored}, logged {logged} ({len(set(_log_ids(log_path)))} distinct)"
              f"{posted}")
    log.close()
    server.httpd.shutdown()


if __name__ == "__main__":
    main()
