"""Every export format of `rasid events`, written record by record as the records come.

`write_events` never holds more than the record it writes (the ACLED roll-up: one article's
events of one day), so an export of every event of a large database takes as much memory as one
of a few. JSON arrays are written item by item with the bytes `json.dumps(..., indent=2)` gives
the whole list.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

FORMATS = ("json", "jsonl", "csv", "acled", "plover", "geojson")
FLAT_COLUMNS = (
    "id", "event_date", "event_type", "sub_event_type", "plover_type", "actor1", "actor2", "victims", "place",
    "latitude", "longitude", "geo_precision", "killed", "killed_civilians", "killed_children", "killed_women", "injured",
    "attributed_to", "hedged", "background", "confidence", "reviewed", "article_id", "article_path", "evidence",
)  # fmt: skip
_INDENT = "  "


def _name(actor: dict[str, Any] | None) -> str:
    return str((actor or {}).get("name") or (actor or {}).get("text") or "")


def flat_row(r: dict[str, Any]) -> dict[str, Any]:
    """One event as a row of the flat CSV (`FLAT_COLUMNS`)."""
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


def write_json_array(items: Iterable[Any], out: TextIO, *, level: int = 0) -> int:
    """`items` as a JSON array, one at a time, in the bytes of `json.dumps(list(items),
    ensure_ascii=False, indent=2)` nested `level` deep (no newline after it); how many were written.

    (JSON strings never hold a raw newline, so an item is indented by indenting its lines.)"""
    inner = "\n" + _INDENT * (level + 1)
    count = 0
    for item in items:
        out.write(("[" if count == 0 else ",") + inner)
        out.write(json.dumps(item, ensure_ascii=False, indent=2).replace("\n", inner))
        count += 1
    out.write("[]" if count == 0 else "\n" + _INDENT * level + "]")
    return count


# Columns an incremental export (`rasid events --since-change`) adds: what happened to the event since
# the time asked for (added / changed / withdrawn), and when (ACLED's `timestamp`: Unix seconds).
CHANGE_COLUMNS = ("status", "timestamp")


def _write_flat_csv(records: Iterable[dict[str, Any]], out: TextIO, special_column: bool, changes: bool) -> int:
    columns = [*FLAT_COLUMNS, "special"] if special_column else list(FLAT_COLUMNS)
    if changes:
        columns += CHANGE_COLUMNS
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    count = 0
    for r in records:
        row = flat_row(r)
        if special_column:
            row["special"] = "; ".join(r.get("special") or [])
        if changes:
            row.update((c, r.get(c)) for c in CHANGE_COLUMNS)
        writer.writerow(row)
        count += 1
    return count


def _change_feature(r: dict[str, Any]) -> dict[str, Any] | None:
    """An incremental export's feature: with `status` and `timestamp`; a withdrawn event without
    coordinates is still listed (GeoJSON allows a null geometry) so that its deletion is not lost."""
    from rasid.export.geojson import feature

    found = feature(r)
    if found is None:
        if r.get("status") != "withdrawn":
            return None
        found = {"type": "Feature", "geometry": None, "properties": {"id": r.get("id"), "event_type": r.get("event_type")}}
    found["properties"].update((c, r.get(c)) for c in CHANGE_COLUMNS)
    return found


def _write_geojson(records: Iterable[dict[str, Any]], out: TextIO, changes: bool = False) -> int:
    """`to_geojson` of the records, in the bytes of its `json.dumps(..., indent=2)`."""
    from rasid.export.geojson import feature

    out.write('{\n  "type": "FeatureCollection",\n  "features": ')
    features = (f for f in map(_change_feature if changes else feature, records) if f is not None)
    count = write_json_array(features, out, level=1)
    out.write("\n}")
    return count


def write_events(
    records: Iterable[dict[str, Any]],
    fmt: str,
    out: TextIO,
    *,
    special_column: bool = False,
    reviewed: bool | None = None,
    changes: bool = False,
) -> int:
    """Write the records in one export format (see `FORMATS`) as they come; how many items (rows,
    records or features) were written.

    `special_column` adds why an event is no reportable incident to the ACLED and flat CSV.
    `reviewed` (ACLED): whether any of the records was reviewed, which decides the `reviewed`
    column before the first row; given, the records are streamed and must come in
    `rasid.api.events.iter_events` order (for the roll-up); None reads them all first.
    `changes`: the records are an incremental export's (`rasid.api.changes.incremental_events`), each
    with `status` and `timestamp`, which the CSV, ACLED and GeoJSON formats add as columns or
    properties (ACLED then has one row per event, with its `event_id`: no roll-up)."""
    if fmt == "json":
        count = write_json_array(records, out)
        out.write("\n")
        return count
    if fmt == "jsonl":
        count = 0
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "csv":
        return _write_flat_csv(records, out, special_column, changes)
    if fmt == "acled":
        from rasid.export.acled import write_acled

        if changes:
            return write_acled(records, out, special_column=special_column, roll_up=False, reviewed=reviewed,
                               changes=True)
        return write_acled(records, out, special_column=special_column, reviewed=reviewed)
    if fmt == "plover":
        from rasid.export.plover import plover_record

        count = write_json_array(map(plover_record, records), out)
        out.write("\n")
        return count
    if fmt == "geojson":
        count = _write_geojson(records, out, changes)
        out.write("\n")
        return count
    raise ValueError(f"unknown format {fmt!r}")
