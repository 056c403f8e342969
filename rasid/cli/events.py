"""`rasid events`: list or export the coded events of stored articles."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from rasid.cli.common import fail, parse_day
from rasid.store import StoreError, open_store

FORMATS = ("table", "json", "jsonl", "csv", "acled", "plover", "geojson")
_FLAT_COLUMNS = (
    "id", "event_date", "event_type", "sub_event_type", "plover_type", "actor1", "actor2", "victims", "place",
    "latitude", "longitude", "geo_precision", "killed", "killed_civilians", "killed_children", "killed_women", "injured",
    "attributed_to", "hedged", "background", "confidence", "reviewed", "article_id", "article_path", "evidence",
)  # fmt: skip


def _name(actor: dict[str, Any] | None) -> str:
    return str((actor or {}).get("name") or (actor or {}).get("text") or "")


def flat_row(r: dict[str, Any]) -> dict[str, Any]:
    loc = r.get("location") or {}
    k = r.get("killed") or {}
    i = r.get("injured") or {}
    art = r.get("article") or {}
    return {
        "id": r.get("id"),
        "event_date": r.get("date"),
        "event_type": r.get("event_type"),
        "sub_event_type": r.get("sub_event_type"),
        "plover_type": r.get("plover_type"),
        "actor1": _name(r.get("actor1")),
        "actor2": _name(r.get("actor2")),
        "victims": (r.get("victims") or {}).get("text"),
        "place": loc.get("name"),
        "latitude": loc.get("lat"),
        "longitude": loc.get("lon"),
        "geo_precision": loc.get("geo_precision"),
        "killed": k.get("total"),
        "killed_civilians": k.get("civilians"),
        "killed_children": k.get("children"),
        "killed_women": k.get("women"),
        "injured": i.get("total"),
        "attributed_to": " | ".join(x.get("text", "") for x in r.get("attributed_to") or []),
        "hedged": r.get("hedged"),
        "background": bool(r.get("background")),
        "confidence": r.get("confidence"),
        "reviewed": (r.get("review") or {}).get("status") or "",
        "article_id": art.get("id"),
        "article_path": art.get("path"),
        "evidence": " ".join(str((r.get("evidence") or {}).get("text", "")).split()),
    }


def render(records: list[dict[str, Any]], fmt: str, *, special_column: bool = False) -> str:
    """The text of one export format (all but "table"); `special_column` adds why an event is no
    reportable incident to the ACLED and flat CSV."""
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "csv":
        buf = io.StringIO()
        columns = [*_FLAT_COLUMNS, "special"] if special_column else list(_FLAT_COLUMNS)
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for r in records:
            row = flat_row(r)
            if special_column:
                row["special"] = "; ".join(r.get("special") or [])
            writer.writerow(row)
        return buf.getvalue()
    if fmt == "acled":
        from rasid.export.acled import write_acled

        buf = io.StringIO()
        write_acled(records, buf, special_column=special_column)
        return buf.getvalue()
    if fmt == "plover":
        from rasid.export.plover import plover_records

        return json.dumps(plover_records(records), ensure_ascii=False, indent=2) + "\n"
    if fmt == "geojson":
        from rasid.export.geojson import to_geojson

        return json.dumps(to_geojson(records), ensure_ascii=False, indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def _table(records: list[dict[str, Any]], db: str) -> None:
    table = Table(title=f"{len(records)} events in {db}")
    for col in ("id", "date", "type", "actor1", "actor2", "place", "killed", "injured", "source", "hedged", "reviewed"):
        table.add_column(col, overflow="fold")
    for r in records:
        f = flat_row(r)
        table.add_row(
            # (an earlier incident the report recalls is marked beside its date)
            str(f["id"]), str(f["event_date"] or "") + (" (earlier)" if f["background"] else ""),
            f"{f['event_type']} / {f['sub_event_type']}", f["actor1"],
            f["actor2"], str(f["place"] or ""), str(f["killed"] if f["killed"] is not None else ""),
            str(f["injured"] if f["injured"] is not None else ""), f["attributed_to"][:60], "yes" if f["hedged"] else "",
            f["reviewed"],
        )
    Console().print(table)


def events_command(
    db: Annotated[str, typer.Option("--db", help="Database file (SQLite).")] = "rasid.db",
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
) -> None:
    """List or export the coded incidents of stored articles (`--all`: every coded event).

    Reviewed events read as the analyst left them; every format says so (`review` in JSON, a
    `reviewed` column or property in CSV, ACLED and GeoJSON)."""
    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}", 2)
    start, end = parse_day(since, "--since", 2), parse_day(until, "--until", 2)
    if not Path(db).is_file():
        fail(f"{db}: no such database; run `rasid analyze PATH --db {db}` first")
    from rasid.api.events import EventFilter, iter_events

    filt = EventFilter(
        since=start, until=end, place=place, actor=actor, include_all=include_all, reviewed=True if reviewed else None
    )
    try:
        store = open_store(db)
    except StoreError as exc:
        fail(str(exc))
    try:
        records = list(iter_events(store, filt))
    finally:
        store.close()
    if fmt == "table" and output is None:
        _table(records, db)
        return
    text = render(records, "json" if fmt == "table" else fmt, special_column=include_all)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{output}: cannot write: {exc}")
