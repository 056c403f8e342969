"""`rasid entities`: the people, actors, places and outlets found in stored articles."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Annotated, Any

import typer
from rich.table import Table

from rasid.cli.common import DEFAULT_DB, DbOption, JsonOption, console, fail, open_rasid
from rasid.records import ArticleStore

ENTITY_TYPES = ("person", "actor", "place", "outlet")


def list_entities(store: ArticleStore, entity_type: str | None = None) -> list[dict[str, Any]]:
    """One record per linked entity (or per surface form when unlinked), most mentioned first."""
    sql = (
        "SELECT m.type, m.kb_id, m.text, t.attrs, m.article_id, a.origin, a.url FROM mentions m"
        " JOIN articles a ON a.id = m.article_id LEFT JOIN mention_attrs t ON t.id = m.attrs_id"
    )
    params: list[Any] = []
    if entity_type:
        sql += " WHERE m.type = ?"
        params.append(entity_type)
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    parsed: dict[str | None, dict[str, Any]] = {}  # mentions of one entity share their attributes' JSON
    for etype, kb_id, text, attrs_json, article_id, origin, url in store.query(sql, params):
        key = (etype, kb_id or "text:" + text)
        attrs = parsed.get(attrs_json)
        if attrs is None:
            attrs = parsed[attrs_json] = json.loads(attrs_json or "{}")
        entry = groups.setdefault(
            key,
            {"type": etype, "id": kb_id, "linked": kb_id is not None and not kb_id.startswith("person:"), "mentions": 0,
             "articles": {}, "attrs": {}},
        )
        entry["mentions"] += 1
        entry["articles"][article_id] = url or origin
        names[key][text] += 1
        for k, v in attrs.items():
            if v is not None and k not in entry["attrs"]:
                entry["attrs"][k] = v
    out = []
    for key, entry in groups.items():
        entry["name"] = _canonical_name(entry) or names[key].most_common(1)[0][0]
        entry["surface_forms"] = [n for n, _ in names[key].most_common(5)]
        entry["articles"] = [{"id": i, "origin": o} for i, o in sorted(entry["articles"].items())]
        out.append(entry)
    out.sort(key=lambda e: (-e["mentions"], e["type"], e["name"]))
    return out


def _canonical_name(entry: dict[str, Any]) -> str | None:
    """The knowledge base's Arabic name of a linked entity ("حماة" for a mention "وحماة")."""
    if not entry["linked"]:
        return None
    attrs = entry["attrs"]
    if entry["type"] == "place":
        name = attrs.get("name")
        # A governorate shares its name with its capital city; say which one this is.
        if name and attrs.get("place_type") == "governorate" and not str(name).startswith("محافظة"):
            return f"محافظة {name}"
        return name
    if entry["type"] == "outlet":
        return attrs.get("name_ar")
    if entry["type"] == "actor":
        from rasid.knowledge.actors import load_actors

        try:
            return load_actors().get(str(entry["id"])).name_ar
        except KeyError:
            return None
    return None


def _describe(entry: dict[str, Any]) -> str:
    a = entry["attrs"]
    if entry["type"] == "actor":
        parts = [a.get("side"), f"parent {a['parent']}" if a.get("parent") else None, a.get("name_en")]
    elif entry["type"] == "place":
        coords = f"{a['lat']:.4f},{a['lon']:.4f}" if a.get("lat") is not None else "no coordinates"
        parts = [coords, a.get("admin1"), a.get("admin2"), f"precision {a.get('geo_precision')}"]
    elif entry["type"] == "person":
        parts = [a.get("role"), f"for {a['affiliation']}" if a.get("affiliation") else None, a.get("side")]
    else:
        parts = [a.get("name_en")]
    return "; ".join(str(p) for p in parts if p)


def entities(
    db: DbOption = DEFAULT_DB,
    entity_type: Annotated[
        str | None, typer.Option("--type", help="person, actor, place or outlet (default: all).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many (0 = all).")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List entities with mention counts, linked ids, sides, coordinates and the articles they occur in."""
    if entity_type is not None and entity_type not in ENTITY_TYPES:
        fail(f"--type {entity_type!r}: choose one of {', '.join(ENTITY_TYPES)}")
    rasid = open_rasid(db, must_exist=True)
    rows = list_entities(rasid.store, entity_type)
    rasid.close()
    if limit:
        rows = rows[:limit]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} entities in {db}")
    for col in ("type", "name", "id", "mentions", "details", "articles"):
        table.add_column(col, overflow="fold")
    for e in rows:
        table.add_row(
            e["type"],
            e["name"],
            e["id"] or "(unlinked)",
            str(e["mentions"]),
            _describe(e),
            ", ".join(str(a["id"]) for a in e["articles"][:8]),
        )
    console.print(table)
