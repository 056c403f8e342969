"""Alerts: the rules (`rasid.watch.alert_rules`) tried on each new change of the change feed, once.

`Alerter.run()` reads the changes after its cursor (`alert_cursors`, kept in the database), stores the
alerts they raise (`alerts`, one per change and rule), owes each to the JSONL log and the webhook
(`alert_outbox`, `rasid.watch.outbox`) and moves the cursor, in one transaction: each change is judged
once, across restarts and beside other readers. Then `deliver()` sends what is owed, the new alerts and
any a crash or a dead endpoint held back, and marks them delivered (at least once; the log never twice,
`rasid.watch.webhook` posts); a failure there is reported (one line), kept for the next delivery, and
never stops the caller. Every alert carries its evidence: the article, the event or story, and the
sentence quoted with its span in the article's text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.extract.changes import now, quote_of
from rasid.watch.alert_rules import Rule
from rasid.watch.outbox import (
    Lease,
    add_to_outbox,
    append_lines,
    holder_name,
    log_target,
    logged_ids,
    mark_delivered,
    pending,
)
from rasid.watch.webhook import Webhook

CURSOR = "alerts"
BATCH = 500
_COLUMNS = "id, at, kind, story_id, event_key, claim, article_id, before, after"


@dataclass(frozen=True)
class _Change:
    id: int
    at: str
    kind: str
    story_id: int | None
    event_key: str | None
    claim: str | None
    article_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]


def _change(row: Sequence[Any]) -> _Change:
    before = json.loads(row[7]) if row[7] else {}
    after = json.loads(row[8]) if row[8] else {}
    return _Change(int(row[0]), str(row[1]), str(row[2]), row[3], row[4], row[5], row[6], before, after)


def _event_evidence(change: _Change, store: Any) -> dict[str, Any]:
    a = change.after
    quote = quote_of(store, change.article_id, a.get("span"))
    return {"article_id": change.article_id, "event": change.event_key, "quote": quote, "span": a.get("span"),
            "date": a.get("date"), "place": a.get("place"), "admin1": a.get("admin1")}  # fmt: skip


def _killed(rule: Rule, change: _Change, store: Any) -> tuple[str, dict[str, Any]] | None:
    if change.kind not in ("event_added", "event_changed") or not change.after.get("incident"):
        return None
    killed = change.after.get("fatalities")
    if not isinstance(killed, int) or killed < rule.min_killed or not rule.in_admin1(change.after):
        return None
    where = change.after.get("place") or "an unnamed place"
    if change.kind == "event_changed":
        was = change.before.get("fatalities", killed) if "fatalities" in change.before else killed
        if not isinstance(was, int):
            was = 0
        if was >= killed:
            return None  # the toll did not rise (or was already reported that high)
        return f"toll rose from {was} to {killed} killed at {where} (event {change.event_key})", _event_evidence(change, store)
    return f"{killed} killed at {where} (event {change.event_key})", _event_evidence(change, store)


def _first_in_place(rule: Rule, change: _Change, store: Any) -> tuple[str, dict[str, Any]] | None:
    a = change.after
    place = a.get("place_id")
    if change.kind != "event_added" or not place or not rule.in_admin1(a) or change.article_id is None:
        return None
    for n in ("1", "2"):
        actor = a.get(f"actor{n}")
        if not actor or (rule.actors and actor not in rule.actors):
            continue
        labels = [x for x in (actor, a.get(f"actor{n}_name")) if x]
        marks = ",".join("?" * len(labels))
        seen = store.query(
            f"SELECT 1 FROM events WHERE place_id = ? AND article_id < ? AND (review IS NULL OR review <> 'rejected')"
            f" AND (actor1 IN ({marks}) OR actor2 IN ({marks})) LIMIT 1",
            (place, change.article_id, *labels, *labels),
        )
        if not seen:
            name = a.get(f"actor{n}_name") or actor
            return (f"{name} reported at {a.get('place') or place} for the first time (event {change.event_key})",
                    {**_event_evidence(change, store), "actor": actor})
    return None


def _contradiction(_rule: Rule, change: _Change, _store: Any) -> tuple[str, dict[str, Any]] | None:
    if change.kind != "contradiction_new":
        return None
    facts = change.after.get("facts") or []
    names = ", ".join(sorted({str(f.get("fact")) for f in facts})) or "a fact"
    evidence = {"story_id": change.story_id, "article_id": change.article_id,
                "facts": [{"fact": f.get("fact"), "values": f.get("values")} for f in facts]}
    return f"story {change.story_id}: outlets now contradict each other on {names}", evidence


def _verdict(rule: Rule, change: _Change, _store: Any) -> tuple[str, dict[str, Any]] | None:
    if change.kind != "verdict_changed":
        return None
    label = change.after.get("label")
    if rule.to and label not in rule.to:
        return None
    sources = change.after.get("sources") or []
    evidence = {"claim": change.claim, "before": change.before.get("label"), "after": label, "sources": sources,
                "article_id": sources[0]["article_id"] if sources else None,
                "quote": sources[0].get("quote") if sources else None}  # fmt: skip
    return f"claim now {label} (was {change.before.get('label')}): {change.claim}", evidence


_MATCHERS: dict[str, Callable[[Rule, _Change, Any], tuple[str, dict[str, Any]] | None]] = {
    "killed": _killed,
    "actor_first_in_place": _first_in_place,
    "contradiction": _contradiction,
    "verdict_changed": _verdict,
}


@dataclass
class Alerter:
    """Evaluates the rules on the change feed and sends what they raise. `log`: a JSONL file the
    alerts are appended to; `webhook`: where each is POSTed; `on_problem(line)`: a failed output."""

    store: Any
    rules: Sequence[Rule]
    log: Path | None = None
    webhook: Webhook | None = None
    on_problem: Callable[[str], None] = field(default=lambda _line: None)
    cursor: str = CURSOR
    _holder: str = field(default_factory=holder_name, repr=False)

    def run(self) -> list[dict[str, Any]]:
        """Judge every change after the cursor; the alerts raised (stored, then delivered with whatever
        earlier runs still owe to this alerter's log and webhook)."""
        raised: list[dict[str, Any]] = []
        while True:
            batch, more = self._evaluate_batch()
            raised += batch
            if not more:
                break
        self.deliver()
        return raised

    def _targets(self) -> list[tuple[str, str]]:
        out = [("log", log_target(self.log))] if self.log is not None else []
        return out + ([("webhook", self.webhook.url)] if self.webhook is not None else [])

    def deliver(self) -> int:
        """Send every alert owed to this alerter's log and webhook (`alert_outbox`), oldest first, and
        mark each delivered once it got there: those just raised and those a crash, an unwritable log or
        a dead endpoint held back (call it at start-up too). The log skips ids already in it. Only a
        target whose lease this alerter holds is sent to (one deliverer per target, across processes);
        one another process is delivering to is left to it. How many deliveries were made. A failure is
        one `on_problem` line; the rest waits for the next call."""
        when = {r.id: r.when for r in self.rules}
        leases = {channel: Lease(self.store, channel, target, self._holder) for channel, target in self._targets()}
        try:
            open_targets = {}
            for channel, lease in leases.items():
                if lease.take():
                    open_targets[channel] = lease.target
                else:
                    self.on_problem(f"{lease.target}: another process ({lease.other}) is delivering the alerts"
                                    " to it; left to that one (what it does not send goes with the next delivery)")
            return self._deliver_held(open_targets, leases, when)
        finally:
            for lease in leases.values():
                lease.release()

    def _deliver_held(self, open_targets: dict[str, str], leases: dict[str, Lease], when: dict[str, str]) -> int:
        every = dict(open_targets)
        done = 0
        while open_targets:
            sent: dict[str, tuple[list[int], list[int]]] = {}  # channel: (delivered, refused for good)
            for channel, target in list(open_targets.items()):
                owed = pending(self.store, channel, target, BATCH, when)
                stop = False
                if owed:
                    send = self._to_log if channel == "log" else self._to_webhook
                    delivered, refused, stop = send(owed, leases[channel])
                    sent[channel] = (delivered, refused)
                if not owed or stop or len(owed) < BATCH:
                    del open_targets[channel]
            if not sent:
                break
            with self.store.transaction():  # one write for both channels: a crash before it re-sends (log: skipped)
                for channel, (delivered, refused) in sent.items():
                    mark_delivered(self.store, channel, every[channel], delivered)
                    mark_delivered(self.store, channel, every[channel], refused, problem="refused by the endpoint")
                    done += len(delivered) + len(refused)
        return done

    def _lost(self, lease: Lease, left: int) -> None:
        self.on_problem(f"{lease.target}: the delivery lease passed to another process ({lease.other}); {left}"
                        " alert(s) left to it")

    def _to_log(self, owed: list[dict[str, Any]], lease: Lease) -> tuple[list[int], list[int], bool]:
        assert self.log is not None
        if not lease.keep():
            self._lost(lease, len(owed))
            return [], [], True
        try:
            present = logged_ids(self.log, owed[0]["id"])
            append_lines(self.log, [a for a in owed if a["id"] not in present])
        except OSError as exc:
            self.on_problem(f"{self.log}: cannot write the alerts log ({exc.strerror or exc}); {len(owed)} alert(s)"
                            " kept in the database and written when it can be (`rasid alerts`, the next round)")
            return [], [], True
        return [a["id"] for a in owed], [], False

    def _to_webhook(self, owed: list[dict[str, Any]], lease: Lease) -> tuple[list[int], list[int], bool]:
        assert self.webhook is not None
        delivered: list[int] = []
        refused: list[int] = []
        for n, alert in enumerate(owed):
            if not lease.keep():
                self._lost(lease, len(owed) - n)
                return delivered, refused, True
            problem, later = self.webhook.send(alert)
            if problem is None:
                delivered.append(alert["id"])
            elif not later:
                refused.append(alert["id"])
                self.on_problem(problem + "; the endpoint refuses it: not posted again")
            else:  # the endpoint is down: the round is not held up by every other alert
                left = len(owed) - n
                self.on_problem(f"{problem}; {left} alert(s) kept and posted again next time")
                return delivered, refused, True
        return delivered, refused, False

    def _evaluate_batch(self) -> tuple[list[dict[str, Any]], bool]:
        store = self.store
        with store.transaction():
            row = store.query("SELECT change_id FROM alert_cursors WHERE name = ?", (self.cursor,))
            after = int(row[0][0]) if row else 0
            rows = store.query(f"SELECT {_COLUMNS} FROM changes WHERE id > ? ORDER BY id LIMIT ?", (after, BATCH))
            if not rows:
                return [], False
            out = []
            for change in map(_change, rows):
                for rule in self.rules:
                    found = _MATCHERS[rule.when](rule, change, store)
                    if found is not None:
                        out.append(self._store_alert(rule, change, *found))
            store.execute(
                "INSERT INTO alert_cursors (name, change_id) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET change_id = excluded.change_id",
                (self.cursor, int(rows[-1][0])),
            )
        return [a for a in out if a is not None], len(rows) == BATCH

    def _store_alert(self, rule: Rule, change: _Change, message: str, evidence: Mapping[str, Any]) -> dict[str, Any] | None:
        key = (change.id, rule.id)
        if self.store.query("SELECT 1 FROM alerts WHERE change_id = ? AND rule = ?", key):
            return None  # raised before (by a run whose cursor was not saved): not sent twice
        at = now()
        text = json.dumps(evidence, ensure_ascii=False, separators=(",", ":"), default=str)
        self.store.execute(
            "INSERT INTO alerts (at, change_id, rule, kind, message, evidence) VALUES (?, ?, ?, ?, ?, ?)",
            (at, change.id, rule.id, change.kind, message, text),
        )
        found = self.store.query("SELECT id FROM alerts WHERE change_id = ? AND rule = ?", key)
        add_to_outbox(self.store, int(found[0][0]), self._targets())
        return {"id": int(found[0][0]), "at": at, "rule": rule.id, "when": rule.when, "kind": change.kind,
                "message": message, "change_id": change.id, "change_at": change.at, "evidence": dict(evidence)}
