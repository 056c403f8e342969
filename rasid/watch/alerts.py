"""Alerts: the rules (`rasid.watch.alert_rules`) tried on each new change of the change feed, once.

`Alerter.run()` reads the changes after its cursor (`alert_cursors`, kept in the database), stores the
alerts they raise (`alerts`, one per change and rule) and moves the cursor, in one transaction: each
change is judged once, across restarts and beside other readers. Then, after the commit, the new
alerts go to the JSONL log and the webhook (`rasid.watch.webhook`); a failure there is reported (one
line) and never stops the caller. Every alert carries its evidence: the article, the event or story,
and the sentence quoted with its span in the article's text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasid.extract.changes import now, quote_of
from rasid.watch.alert_rules import Rule
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

    def run(self) -> list[dict[str, Any]]:
        """Judge every change after the cursor; the alerts raised (stored, then logged and posted)."""
        raised: list[dict[str, Any]] = []
        while True:
            batch, more = self._evaluate_batch()
            raised += batch
            if not more:
                break
        self._deliver(raised)
        return raised

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
        return {"id": int(found[0][0]), "at": at, "rule": rule.id, "when": rule.when, "kind": change.kind,
                "message": message, "change_id": change.id, "change_at": change.at, "evidence": dict(evidence)}

    def _deliver(self, raised: Sequence[dict[str, Any]]) -> None:
        if not raised:
            return
        if self.log is not None:
            try:
                with open(self.log, "a", encoding="utf-8") as out:
                    for alert in raised:
                        out.write(json.dumps(alert, ensure_ascii=False, default=str) + "\n")
            except OSError as exc:
                self.on_problem(f"{self.log}: cannot write the alerts log ({exc.strerror or exc}); "
                                f"{len(raised)} alert(s) kept in the database only (`rasid alerts`)")
        if self.webhook is not None:
            for n, alert in enumerate(raised):
                problem = self.webhook.post(alert)
                if problem is not None:  # the endpoint is down: the round is not held up by every other alert
                    left = len(raised) - n - 1
                    self.on_problem(problem + (f"; {left} more alert(s) of this round not posted (kept in the database)"
                                               if left else ""))
                    break
