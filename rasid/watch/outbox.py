"""Alert delivery as an outbox (migration 16): each alert has one `alert_outbox` row per channel it is
to go to (`log`: a JSONL file, by its absolute path; `webhook`: a URL), written in the transaction that
stores the alert and marked delivered only once the alert got there. Whatever a crash, a full disk or a
dead endpoint held back is sent by the next delivery (`rasid.watch.alerts.Alerter.deliver`, at start-up
and after each batch): at least once. The JSONL log skips the alert ids already in it, so a process
killed between writing its lines and marking them does not write them twice; the webhook payload
carries the alert's `id` (and the `X-Rasid-Alert-Id` header) so a receiver can drop a repeat.

One deliverer per target (migration 17): a process sends to a (channel, target) only while it holds
that target's lease (`outbox_leases`, `Lease`), so two watches on one database, or a watch and
`rasid alerts`, never send the same alert side by side; the other leaves the target to the holder (its
alerts go with the holder's next delivery, or its own once the lease is free). A lease runs
`LEASE_SECONDS` and is renewed while sending; one left by a process that died on this host is taken
over at once, one from another host when it runs out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.extract.changes import now

CHANNELS = ("log", "webhook")
LEASE_SECONDS = 120.0  # longer than one alert's POST with its retries (10 s x 4 + 7 s of backoff)
_CHUNK = 65536
_PENDING = (
    "SELECT a.id, a.at, a.rule, a.kind, a.message, a.change_id, c.at, a.evidence FROM alert_outbox o"
    " JOIN alerts a ON a.id = o.alert_id LEFT JOIN changes c ON c.id = a.change_id"
    " WHERE o.channel = ? AND o.target = ? AND o.delivered_at IS NULL ORDER BY o.alert_id LIMIT ?"
)


def log_target(path: Path) -> str:
    """How a JSONL log is named in the outbox: its absolute path."""
    return str(Path(path).expanduser().resolve())


def add_to_outbox(store: Any, alert_id: int, targets: Iterable[tuple[str, str]]) -> None:
    """Owe `alert_id` to each (channel, target) (inside the transaction that stores the alert)."""
    rows = [(alert_id, channel, target) for channel, target in targets]
    if rows:
        store.executemany(
            "INSERT INTO alert_outbox (alert_id, channel, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", rows
        )


def pending(store: Any, channel: str, target: str, limit: int, when: dict[str, str]) -> list[dict[str, Any]]:
    """The alerts not yet delivered to (channel, target), oldest first, as they are sent (`when`: each
    rule id's kind of rule, for the payload)."""
    out = []
    for aid, at, rule, kind, message, change_id, change_at, evidence in store.query(_PENDING, (channel, target, limit)):
        out.append({"id": int(aid), "at": at, "rule": rule, "when": when.get(rule), "kind": kind, "message": message,
                    "change_id": int(change_id), "change_at": change_at, "evidence": json.loads(evidence or "{}")})
    return out  # fmt: skip


def mark_delivered(store: Any, channel: str, target: str, ids: Sequence[int], problem: str | None = None) -> None:
    """Record that the alerts `ids` reached (channel, target), or, with `problem`, were refused for good."""
    if ids:
        stamp = now()
        store.executemany(
            "UPDATE alert_outbox SET delivered_at = ?, problem = ? WHERE alert_id = ? AND channel = ? AND target = ?",
            [(stamp, problem, i, channel, target) for i in ids],
        )


def _line_id(line: bytes) -> int | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None  # a line cut short by a crash, or not ours
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def logged_ids(path: Path, first: int) -> set[int]:
    """The alert ids in the lines of the log at `path` from its end back to the first line of an id
    below `first` (a log is appended in id order, so the older lines are not read)."""
    ids: set[int] = set()
    try:
        handle = open(path, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        return ids
    with handle:
        pos = handle.seek(0, os.SEEK_END)
        carry = b""
        while pos > 0:
            step = min(_CHUNK, pos)
            pos -= step
            handle.seek(pos)
            lines = (handle.read(step) + carry).split(b"\n")
            carry = lines.pop(0) if pos > 0 else b""  # perhaps the end of a line that starts further back
            for line in reversed(lines):
                found = _line_id(line) if line.strip() else None
                if found is None:
                    continue
                if found < first:
                    return ids
                ids.add(found)
    return ids


def append_lines(path: Path, alerts: Sequence[dict[str, Any]]) -> None:
    """Append one JSON line per alert to the log and make it durable (fsync) before the caller marks
    them delivered; a last line cut short by a crash is ended first, so it never swallows a new one."""
    with open(path, "a+b") as out:
        size = out.seek(0, os.SEEK_END)
        if size:
            out.seek(size - 1)
            torn = out.read(1) != b"\n"
        else:
            torn = False
        text = "".join(json.dumps(a, ensure_ascii=False, default=str) + "\n" for a in alerts)
        out.write((b"\n" if torn else b"") + text.encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())


def holder_name() -> str:
    """Who holds a lease: this host, this process and a token of its own (host:pid:token)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(holder: str) -> bool:
    """Whether `holder` was a process of this host that is no longer running."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # running, as another user
    return False


@dataclass
class Lease:
    """The right to deliver to one (channel, target), held by `holder`. `take()` claims or renews it
    in one write transaction; `keep()` renews it once a third of it has run (False: it was lost)."""

    store: Any
    channel: str
    target: str
    holder: str
    seconds: float = LEASE_SECONDS
    other: str | None = None  # after a failed take: who holds it
    _taken_at: float | None = field(default=None, repr=False)

    def take(self) -> bool:
        stamp = dt.datetime.now(dt.UTC)
        expires = (stamp + dt.timedelta(seconds=self.seconds)).isoformat(timespec="microseconds")
        with self.store.transaction():
            row = self.store.query(
                "SELECT holder, expires FROM outbox_leases WHERE channel = ? AND target = ?", (self.channel, self.target)
            )
            running = bool(row) and row[0][1] > stamp.isoformat(timespec="microseconds")
            if running and row[0][0] != self.holder and not _dead_here(str(row[0][0])):
                self.other, self._taken_at = str(row[0][0]), None
                return False
            self.store.execute(
                "INSERT INTO outbox_leases (channel, target, holder, expires) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (channel, target) DO UPDATE SET holder = excluded.holder, expires = excluded.expires",
                (self.channel, self.target, self.holder, expires),
            )
        self.other, self._taken_at = None, time.monotonic()
        return True

    def keep(self) -> bool:
        if self._taken_at is None:
            return False
        if time.monotonic() - self._taken_at < self.seconds / 3:
            return True
        return self.take()

    def release(self) -> None:
        if self._taken_at is None:
            return
        self._taken_at = None
        with self.store.transaction():
            self.store.execute(
                "DELETE FROM outbox_leases WHERE channel = ? AND target = ? AND holder = ?",
                (self.channel, self.target, self.holder),
            )
