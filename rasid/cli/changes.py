"""`rasid changes` (the change feed) and `rasid alerts` (rules evaluated on it); the alert options of `rasid watch`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rasid.cli.common import DEFAULT_DB, DbOption, JsonOption, err_console, fail, open_store_or_fail
from rasid.cli.tables import print_lines

if TYPE_CHECKING:
    from rasid.watch.alerts import Alerter

SinceOption = Annotated[
    str | None, typer.Option("--since", help="From this time on (YYYY-MM-DD or an ISO time; UTC without a zone).")
]
RulesOption = Annotated[
    str | None, typer.Option("--rules", help="Alert rules YAML (default: rasid/knowledge/data/alert_rules.yaml).")
]
LogOption = Annotated[str | None, typer.Option("--alerts-log", help="Append each new alert here, one JSON line each.")]
WebhookOption = Annotated[
    str | None, typer.Option("--webhook", help="POST each new alert as JSON to this URL (retried with backoff).")
]


LimitOption = Annotated[
    int, typer.Option("--limit", min=1, max=1000, help="At most this many (the oldest first; 1000 at most).")
]
AfterOption = Annotated[
    int | None, typer.Option("--after", min=0, help="Only those after this id: the `cursor` a listing cut short gives.")
]


def _short(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 120 else text[:119] + "…"


def changes_cmd(
    db: DbOption = DEFAULT_DB,
    since: SinceOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only this kind: event_added, event_changed, event_withdrawn, story_new, "
                     "story_grew, contradiction_new, verdict_changed."),
    ] = None,
    limit: LimitOption = 1000,
    after: AfterOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the change feed: events added, changed (a toll that rose) or withdrawn, stories that began
    or grew, new contradictions, changed verdicts; each with its time, ids and the values before/after.
    A listing cut short by --limit says how many more there are and the --after that shows them (JSON:
    `total`, `more`, `cursor`, as /api/changes)."""
    from rasid.api.changes import changes, count_changes, page
    from rasid.store import StoreError

    store = open_store_or_fail(db)
    try:
        rows = changes(store, since=since, kind=kind, after_id=after or 0, limit=limit)
        listed = page(rows, limit, count_changes(store, since=since, kind=kind, after_id=after or 0))
    except ValueError as exc:
        fail(f"--since/--kind: {exc}", 2)
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    columns = ("id", "at", "kind", "story", "event", "article", "before", "after")
    lines = ([r["id"], r["at"], r["kind"], r["story_id"] or "", r["event"] or "", r["article_id"] or "",
              _short(r["before"]), _short(r["after"])] for r in rows)  # fmt: skip
    print_lines(_title(listed, "changes", db), columns, lines)
    _say_more(listed, "changes")


def _title(listed: dict[str, Any], what: str, db: str) -> str:
    if listed["more"]:
        return f"showing {listed['count']:,} of {listed['total']:,} {what} in {db}"
    return f"{listed['count']:,} {what} in {db}"


def _say_more(listed: dict[str, Any], what: str) -> None:
    """One line on stderr when a listing was cut short: how many more, and the option that shows them."""
    if listed["cursor"]:
        err_console.print(f"{listed['more']:,} more {what}: run again with --after {listed['cursor']['after']}"
                          f" to see the next (at most --limit {listed['limit']:,} at a time)", highlight=False)


def make_alerter(store: Any, rules: str | None, log: str | None, webhook: str | None) -> Alerter:
    """The alert evaluator of `rasid alerts` and `rasid watch`, or a one-line error (bad rules file or URL)."""
    from rasid.watch.alert_rules import AlertRulesError, load_rules
    from rasid.watch.alerts import Alerter
    from rasid.watch.webhook import Webhook, WebhookError

    try:
        loaded = load_rules(rules)
        hook = Webhook(webhook) if webhook else None
    except (AlertRulesError, WebhookError) as exc:
        store.close()
        fail(str(exc), 2)

    def problem(line: str) -> None:
        err_console.print(f"[yellow]problem[/yellow] {line}", highlight=False, markup=True)

    return Alerter(store, loaded, log=Path(log) if log else None, webhook=hook, on_problem=problem)


def alerts_cmd(
    db: DbOption = DEFAULT_DB,
    since: SinceOption = None,
    rules: RulesOption = None,
    alerts_log: LogOption = None,
    webhook: WebhookOption = None,
    limit: LimitOption = 1000,
    after: AfterOption = None,
    as_json: JsonOption = False,
) -> None:
    """Evaluate the alert rules on the changes not judged yet (each change once, across runs), send the
    new alerts, and any an earlier run still owes them, to --alerts-log and --webhook (at least once; the
    log never twice), and list the new ones (with --since or --after: every stored alert since that time
    or after that id). A listing cut short by --limit says how many more and the --after that shows them."""
    from rasid.api.changes import alerts, count_alerts, page, parse_since
    from rasid.store import StoreError

    if since:
        try:
            parse_since(since)
        except ValueError as exc:
            fail(f"--since {exc}", 2)
    store = open_store_or_fail(db)
    try:
        raised = make_alerter(store, rules, alerts_log, webhook).run()
        if since or after is not None:
            shown = alerts(store, since=since, after_id=after or 0, limit=limit)
            listed = page(shown, limit, count_alerts(store, since=since, after_id=after or 0))
        else:
            listed = page(raised[:limit], limit, len(raised))
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()
    if as_json:
        typer.echo(json.dumps(listed, ensure_ascii=False, indent=2, default=str))
        return
    err_console.print(f"{len(raised)} new alerts", highlight=False)
    columns = ("id", "at", "rule", "kind", "message", "article", "event/story")
    lines = ([a["id"], a["at"], a["rule"], a["kind"], a["message"], a["evidence"].get("article_id") or "",
              a["evidence"].get("event") or a["evidence"].get("story_id") or ""] for a in listed["items"])  # fmt: skip
    print_lines(_title(listed, "alerts", db), columns, lines)
    _say_more(listed, "alerts")
