"""`rasid events`: list or export the coded events of stored articles."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, DbOption, fail, parse_day
from rasid.cli.tables import RICH_ROWS, print_lines
from rasid.export.formats import FORMATS as EXPORT_FORMATS
from rasid.export.formats import flat_row, write_events
from rasid.store import StoreError, missing_database, open_store

FORMATS = ("table", *EXPORT_FORMATS)


def render(records: list[dict[str, Any]], fmt: str, *, special_column: bool = False) -> str:
    """The text of one export format (all but "table"); `special_column` adds why an event is no
    reportable incident to the ACLED and flat CSV. (`rasid events` streams: `write_events`.)"""
    buf = io.StringIO()
    write_events(records, fmt, buf, special_column=special_column)
    return buf.getvalue()


_TABLE_COLUMNS = ("id", "date", "type", "actor1", "actor2", "place", "killed", "injured", "source", "hedged", "reviewed")


def _table_row(r: dict[str, Any]) -> list[str]:
    f = flat_row(r)
    return [
        # (an earlier incident the report recalls is marked beside its date)
        str(f["id"]), str(f["event_date"] or "") + (" (earlier)" if f["background"] else ""),
        f"{f['event_type']} / {f['sub_event_type']}", f["actor1"],
        f["actor2"], str(f["place"] or ""), str(f["killed"] if f["killed"] is not None else ""),
        str(f["injured"] if f["injured"] is not None else ""), f["attributed_to"][:60], "yes" if f["hedged"] else "",
        f["reviewed"],
    ]  # fmt: skip


def _table(store: Any, filt: Any, db: str) -> None:
    """A rich table of a screenful of events; more are printed as they are read, a line of
    tab-separated fields each (`rasid.cli.tables`)."""
    from rasid.api.events import iter_events, query_events

    count = query_events(store, filt, limit=1).count
    title = f"{count} events in {db}"
    if count > RICH_ROWS:
        print_lines(title, _TABLE_COLUMNS, map(_table_row, iter_events(store, filt)))
        return
    table = Table(title=title)
    for col in _TABLE_COLUMNS:
        table.add_column(col, overflow="fold")
    for r in iter_events(store, filt):
        table.add_row(*_table_row(r))
    Console().print(table)


def events_command(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="table|json|jsonl|csv|acled|plover|geojson")] = "table",
    since: Annotated[str | None, typer.Option(help="Only events on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only events on or before YYYY-MM-DD.")] = None,
    place: Annotated[str | None, typer.Option(help="Only events at this place (name or id, part matches).")] = None,
    actor: Annotated[str | None, typer.Option(help="Only events with this actor (name or id, part matches).")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    include_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Also list events that are no reportable incident (background, denied or rumoured, unlocated, "
            "words only) and events an analyst rejected; CSV exports then say why in a `special` column.",
        ),
    ] = False,
    reviewed: Annotated[
        bool, typer.Option("--reviewed", help="Only events an analyst reviewed (confirmed, corrected or rejected).")
    ] = False,
    since_change: Annotated[
        str | None,
        typer.Option(
            "--since-change",
            help="Incremental export: events added, changed or withdrawn since this time (YYYY-MM-DD or an ISO "
            "time, UTC), with `status` and ACLED's `timestamp`; --since/--until still mean the event's day.",
        ),
    ] = None,
) -> None:
    """List or export the coded incidents of stored articles (`--all`: every coded event).

    Reviewed events read as the analyst left them; every format says so (`review` in JSON, a
    `reviewed` column or property in CSV, ACLED and GeoJSON)."""
    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}", 2)
    start, end = parse_day(since, "--since", 2), parse_day(until, "--until", 2)
    if missing_database(db):
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    from rasid.api.events import EventFilter, any_reviewed, iter_events

    filt = EventFilter(
        since=start, until=end, place=place, actor=actor, include_all=include_all, reviewed=True if reviewed else None
    )
    if since_change is not None:
        _check_since(since_change)
        if fmt == "plover":
            fail("--since-change: PLOVER records have no status field; use --format json, jsonl, csv, acled or geojson", 2)
    try:
        store = open_store(db, create=False)
    except StoreError as exc:
        fail(str(exc))
    try:
        if since_change is not None:
            _incremental(store, since_change, fmt, output, filt)
            return
        if fmt == "table" and output is None:
            _table(store, filt, db)
            return
        fmt = "json" if fmt == "table" else fmt
        # ACLED's header says whether any event was reviewed: asked first, of the reviewed events alone.
        any_review = any_reviewed(store, filt) if fmt == "acled" else None
        with _opened(output) as out:
            write_events(iter_events(store, filt), fmt, out, special_column=include_all, reviewed=any_review)
    except StoreError as exc:
        fail(str(exc))
    finally:
        store.close()


def _check_since(value: str) -> None:
    from rasid.api.changes import parse_since

    try:
        parse_since(value)
    except ValueError as exc:
        fail(f"--since-change {exc}", 2)


def _incremental(store: Any, since: str, fmt: str, output: str | None, filt: Any) -> None:
    """`--since-change`: the events added, changed or withdrawn since then, in any format (a table
    on screen lists id, status, time and the event's day, type, place and toll)."""
    from rasid.api.changes import incremental_events

    def wanted(r: dict[str, Any]) -> bool:
        day = r.get("date")
        if filt.since and (not day or day < filt.since.isoformat()):
            return False
        return not (filt.until and (not day or day > filt.until.isoformat()))

    records = (r for r in incremental_events(store, since, include_all=filt.include_all) if wanted(r))
    if fmt == "table" and output is None:
        import datetime as dt

        columns = ("id", "status", "changed", "date", "type", "place", "killed")
        lines = (
            [str(r["id"]), r["status"], dt.datetime.fromtimestamp(r["timestamp"], dt.UTC).isoformat(timespec="seconds"),
             str(r.get("date") or ""), str(r.get("event_type") or ""), str((r.get("location") or {}).get("name") or ""),
             str((r.get("killed") or {}).get("total") if (r.get("killed") or {}).get("total") is not None else "")]
            for r in records
        )  # fmt: skip
        print_lines(f"events changed since {since} in {store.location}", columns, lines)
        return
    with _opened(output) as out:
        write_events(records, "json" if fmt == "table" else fmt, out, special_column=filt.include_all, changes=True)


@contextmanager
def _opened(output: str | None) -> Iterator[TextIO]:
    """Where an export goes: stdout, or the file `output` (a one-line error when it cannot be written)."""
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        handle = open(output, "w", encoding="utf-8")  # noqa: SIM115 (closed below, errors named)
    except OSError as exc:
        fail(f"{output}: cannot write: {exc}")
    try:
        with handle:
            yield handle
    except OSError as exc:
        fail(f"{output}: cannot write: {exc}")
