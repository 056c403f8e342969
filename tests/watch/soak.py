"""Soak run of `rasid watch` against the local fixture server (not a pytest test: run by hand).

    python -m tests.watch.soak --minutes 30 --every 3 --interval 5 [--alerts]

A new item is published every `--every` seconds (the feed lists the newest 50); `rasid watch` polls
every `--interval` seconds. Prints the watcher's resident memory (and the database's size: SQLite's
page cache, up to 64 MiB, grows with it) over time and, at the end, how many
items were published, stored, and stored twice (must be 0), then stops the watcher with SIGTERM.
With `--alerts` the watcher also runs the shipped alert rules into a JSONL log, and the end line adds
the change-feed rows, the stored alerts and the log's lines (each alert once: stored = logged).
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=3)
    parser.add_argument("--interval", type=float, default=5)
    parser.add_argument("--alerts", action="store_true", help="run the shipped alert rules into a JSONL log")
    args = parser.parse_args()
    server = FixtureServer()
    server.thread.start()
    stop = threading.Event()
    published: list[str] = []
    threading.Thread(target=publisher, args=(server, args.every, stop, published), daemon=True).start()
    db = Path(tempfile.mkdtemp()) / "soak.db"
    watcher = subprocess.Popen(
        [sys.executable, "-m", "rasid.cli", "watch", server.base + "/feed.xml", "--db", str(db),
         "--interval", str(args.interval), "--rate-per-host", "0",
         *(["--alert-rules", "default", "--alerts-log", str(db.parent / "alerts.jsonl")] if args.alerts else [])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    end = started + args.minutes * 60
    while time.monotonic() < end:
        time.sleep(30)
        size = sum(p.stat().st_size for p in db.parent.glob("soak.db*")) / 1e6
        print(f"{(time.monotonic() - started) / 60:5.1f} min  rss {rss_mb(watcher.pid):6.1f} MB"
              f"  published {len(published)}  db {size:5.1f} MB", flush=True)
    stop.set()
    time.sleep(args.interval * 2 + 5)  # one more round picks up the last items
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
        log = db.parent / "alerts.jsonl"
        logged = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
        print(f"changes {changes}; alerts stored {stored}, logged {logged}")
    server.httpd.shutdown()


if __name__ == "__main__":
    main()
