"""Build rasid/knowledge/data/places.csv from the GeoNames gazetteer and hand-written additions.

Run from the repository root:

    python -m rasid.knowledge.build_places [--gazetteer DIR] [--out FILE]

Inputs: ``../shared/data/gazetteer/*.csv`` (GeoNames, CC BY 4.0: Syria and its neighbours),
``rasid/knowledge/data/places_extra.yaml`` (Syria), ``places_world.yaml`` (other countries' first-level
areas and hand-written towns) and ``countries.yaml``. The output CSV is committed so the installed package
never needs ``../shared``. The build is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from rasid.knowledge.places import (
    CSV_FIELDS,
    HOME_COUNTRY,
    PLACE_TYPES,
    Country,
    normalize_name,
    read_countries,
)

HERE = Path(__file__).resolve().parent
EXTRA_PATH = HERE / "data" / "places_extra.yaml"
WORLD_PATH = HERE / "data" / "places_world.yaml"
COUNTRIES_PATH = HERE / "data" / "countries.yaml"
OUT_PATH = HERE / "data" / "places.csv"
DEFAULT_GAZETTEER = HERE.parents[1] / ".." / "shared" / "data" / "gazetteer"

COUNTRY_ID = "sy-syria"

# Letters of the Arabic alphabet proper (no Persian/Kurdish/Urdu additions), harakat, tatweel, space.
_ARABIC_OK = (
    {chr(c) for c in range(0x0621, 0x063B)}
    | {chr(c) for c in range(0x0641, 0x064B)}
    | {chr(c) for c in range(0x064B, 0x0653)}
    | {"\u0670", "\u0640", " "}
)
# Invisible direction marks that GeoNames sometimes leaves in names.
_FORMAT_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"))


class BuildError(Exception):
    pass


def clean_arabic(name: str) -> str | None:
    """Return the name if it is written only with Arabic letters, else None."""
    name = " ".join(name.translate(_FORMAT_CHARS).split())
    if not name or any(ch not in _ARABIC_OK for ch in name):
        return None
    return name


def ascii_english(name: str) -> str:
    """GeoNames transliterations carry diacritics (Ḩamāh); keep a plain-letters form."""
    name = name.replace("\u2018", "'").replace("\u2019", "'")
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Equirectangular approximation is plenty at the scale of one governorate.
    dlat = a[0] - b[0]
    dlon = (a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dlat, dlon)


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = normalize_name(item)
        if item and key not in seen:
            seen.add(key)
            out.append(item)
    return out


def read_gazetteer(directory: Path, country: str = "SY") -> list[dict[str, str]]:
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise BuildError(f"{directory}: no gazetteer CSV files found")
    rows = []
    for path in files:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("country") == country:
                    rows.append(row)
    return rows


def build(
    gazetteer_dir: Path,
    extra_path: Path = EXTRA_PATH,
    world_path: Path = WORLD_PATH,
    countries_path: Path = COUNTRIES_PATH,
) -> list[dict[str, Any]]:
    records = _build_syria(gazetteer_dir, extra_path)
    countries = read_countries(countries_path)
    world = yaml.safe_load(world_path.read_text(encoding="utf-8"))
    extra = yaml.safe_load(extra_path.read_text(encoding="utf-8"))
    not_places = {normalize_name(w) for w in extra.get("geocoder", {}).get("not_places", [])}
    add_world(records, countries, world, gazetteer_dir, not_places, world_path.name)
    return _finish(records, countries)


def _build_syria(gazetteer_dir: Path, extra_path: Path) -> dict[str, dict[str, Any]]:
    extra = yaml.safe_load(extra_path.read_text(encoding="utf-8"))
    lexicon = extra.get("geocoder", {})
    not_places = {normalize_name(w) for w in lexicon.get("not_places", [])}
    records: dict[str, dict[str, Any]] = {}

    def add(rec: dict[str, Any]) -> None:
        if rec["id"] in records:
            raise BuildError(f"{extra_path.name}: duplicate place id {rec['id']}")
        records[rec["id"]] = rec

    add(_country_record(next(p for p in extra["places"] if p["id"] == COUNTRY_ID)))
    # GeoNames rows first: governorates and districts take their coordinates from them.
    gaz = _gazetteer_records(gazetteer_dir, extra, not_places)
    for g in extra["governorates"]:
        add(_governorate_record(g, gaz))
    seats: dict[str, list[tuple[str, tuple[float, float]]]] = {}
    for d in extra["districts"]:
        rec = _district_record(d, gaz)
        add(rec)
        seats.setdefault(d["gov"], []).append((d["id"], (rec["lat"], rec["lon"])))
    for rec in gaz.values():
        if not rec["parent"]:
            rec["parent"] = _nearest_district(seats, rec["admin1_id"], rec["lat"], rec["lon"])
        add(rec)
    _add_extra_places(extra, records, add, seats, not_places, extra_path)
    for rec in records.values():
        rec["country"] = HOME_COUNTRY
    return records


def _nearest_district(
    seats: dict[str, list[tuple[str, tuple[float, float]]]], gov_id: str, lat: float, lon: float
) -> str:
    # GeoNames gives no admin2 for Syria: take the district whose seat is nearest (approximate).
    return min(seats[gov_id], key=lambda s: _distance(s[1], (lat, lon)))[0]


def _country_record(country: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": COUNTRY_ID,
        "name_ar": country["ar"],
        "name_en": country["en"],
        "variants": list(country.get("var", [])),
        "lat": country["ll"][0],
        "lon": country["ll"][1],
        "type": "country",
        "parent": "",
        "precision": 2,
        "geo_precision": 3,
        "population": 0,
        "source": "extra",
        "admin1_id": "",
    }


def _gazetteer_records(gazetteer_dir: Path, extra: dict[str, Any], not_places: set[str]) -> dict[str, dict[str, Any]]:
    """The GeoNames rows with a usable Arabic name, overrides applied, by place id."""
    overrides: dict[str, dict[str, Any]] = extra.get("overrides", {})
    gov_by_code = {g["code"]: g for g in extra["governorates"]}
    gaz: dict[str, dict[str, Any]] = {}
    for row in read_gazetteer(gazetteer_dir):
        pid = f"gn-{row['geonameid']}"
        ov = overrides.get(pid, {})
        if ov.get("remove"):
            continue
        drop = {normalize_name(d) for d in ov.get("drop", [])}
        cleaned = [clean_arabic(n) for n in row["arabic_names"].split("|")]
        kept = [
            n for n in cleaned if n and normalize_name(n) not in drop and normalize_name(n) not in not_places
        ]
        kept = _unique([*ov.get("add", []), *kept]) if ov.get("add") else _unique(kept)
        if ov.get("name"):
            kept = _unique([ov["name"], *kept])
        if not kept:
            continue  # no usable Arabic name: useless for an Arabic geocoder
        gov = gov_by_code.get(row["admin1code"])
        if gov is None:
            raise BuildError(f"gazetteer row {pid}: unknown admin1 code {row['admin1code']!r}")
        population = int(row["population"] or 0)
        default_type = "city" if population >= 50000 else "town"
        gaz[pid] = {
            "id": pid,
            "name_ar": kept[0],
            "name_en": ov.get("en") or ascii_english(row["name"]),
            "variants": kept[1:],
            "lat": round(float(row["lat"]), 5),
            "lon": round(float(row["lon"]), 5),
            "type": ov.get("type", default_type),
            "parent": ov.get("parent", ""),
            "precision": 1,
            "geo_precision": 1,
            "population": population,
            "source": "geonames",
            "admin1_id": gov["id"],
        }
    return gaz


def _governorate_record(g: dict[str, Any], gaz: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if "capital" in g:
        cap = gaz[g["capital"]]
        lat, lon = cap["lat"], cap["lon"]
    else:
        lat, lon = g["ll"]
    return {
        "id": g["id"],
        "name_ar": g["ar"],
        "name_en": g["en"],
        "variants": list(g.get("var", [])),
        "lat": lat,
        "lon": lon,
        "type": "governorate",
        "parent": COUNTRY_ID,
        "precision": 2,  # coordinates are the capital's, not the area's own
        "geo_precision": 3,
        "population": 0,
        "source": "extra",
        "admin1_id": g["id"],
    }


def _district_record(d: dict[str, Any], gaz: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if "seat" in d:
        seat = gaz[d["seat"]]
        lat, lon = seat["lat"], seat["lon"]
    else:
        lat, lon = d["ll"]
    return {
        "id": d["id"],
        "name_ar": d["ar"],
        "name_en": f"{d['en']} District",
        "variants": list(d.get("var", [])),
        "lat": lat,
        "lon": lon,
        "type": "district",
        "parent": d["gov"],
        "precision": 2,
        "geo_precision": 3,
        "population": 0,
        "source": "extra",
        "admin1_id": d["gov"],
        "admin2_id": d["id"],
    }


def _add_extra_places(
    extra: dict[str, Any],
    records: dict[str, dict[str, Any]],
    add: Callable[[dict[str, Any]], None],
    seats: dict[str, list[tuple[str, tuple[float, float]]]],
    not_places: set[str],
    extra_path: Path,
) -> None:
    """Add the hand-written places, each once its parent is in (they may name one another)."""
    pending = [p for p in extra["places"] if p["id"] != COUNTRY_ID]
    while pending:
        progress = False
        later = []
        for p in pending:
            parent = records.get(p.get("parent", COUNTRY_ID))
            if parent is None:
                later.append(p)
                continue
            add(_extra_record(p, parent, seats, not_places))
            progress = True
        if not progress:
            missing = ", ".join(f"{p['id']} (parent {p.get('parent')})" for p in later)
            raise BuildError(f"{extra_path.name}: unresolved parents: {missing}")
        pending = later


def _extra_record(
    p: dict[str, Any],
    parent: dict[str, Any],
    seats: dict[str, list[tuple[str, tuple[float, float]]]],
    not_places: set[str],
) -> dict[str, Any]:
    parent_id = p.get("parent", COUNTRY_ID)
    if "ll" in p:
        lat, lon = p["ll"]
        precision = int(p.get("p", 1))
    else:
        lat, lon = parent["lat"], parent["lon"]
        precision = 2
    ptype = p["type"]
    if parent["type"] == "governorate" and ptype not in ("region",):
        parent_id = _nearest_district(seats, parent["id"], lat, lon)
    names = [n for n in _unique([p["ar"], *p.get("var", [])]) if normalize_name(n) not in not_places]
    gp_default = 3 if ptype in ("country", "governorate", "district") else (1 if precision == 1 else 2)
    if ptype == "road":
        gp_default = 2  # a road is a line: any point on it is only "near" the event
    return {
        "id": p["id"],
        "name_ar": names[0],
        "name_en": p["en"],
        "variants": names[1:],
        "lat": lat,
        "lon": lon,
        "type": ptype,
        "parent": parent_id,
        "precision": precision,
        "geo_precision": int(p.get("gp", gp_default)),
        "population": 0,
        "source": "extra",
        "admin1_id": parent.get("admin1_id", ""),
    }


def _finish(records: dict[str, dict[str, Any]], countries: dict[str, Country]) -> list[dict[str, Any]]:
    """Fill admin1/admin2 names from the parent chain and check everything."""

    def admin2_of(rec: dict[str, Any]) -> str:
        seen = set()
        cur: dict[str, Any] | None = rec
        while cur is not None and cur["id"] not in seen:
            seen.add(cur["id"])
            if cur["type"] == "district":
                return str(cur["id"])
            cur = records.get(cur["parent"]) if cur["parent"] else None
        return ""

    out = []
    for rec in records.values():
        if rec["type"] not in PLACE_TYPES:
            raise BuildError(f"place {rec['id']}: unknown type {rec['type']!r}")
        if rec["parent"] and rec["parent"] not in records:
            raise BuildError(f"place {rec['id']}: unknown parent {rec['parent']!r}")
        country = countries.get(rec["country"])
        if country is None:
            raise BuildError(f"place {rec['id']}: unknown country {rec['country']!r}")
        if not country.contains(rec["lat"], rec["lon"]):
            raise BuildError(
                f"place {rec['id']}: coordinates {rec['lat']},{rec['lon']} outside {country.name_en}"
            )
        gov = records.get(rec["admin1_id"])
        dist = records.get(admin2_of(rec))
        out.append(
            {
                "id": rec["id"],
                "name_ar": rec["name_ar"],
                "name_en": rec["name_en"],
                "variants": "|".join(rec["variants"]),
                "lat": f"{rec['lat']:.5f}",
                "lon": f"{rec['lon']:.5f}",
                "admin1": gov["name_en"] if gov else "",
                "admin1_ar": gov["name_ar"] if gov else "",
                "admin2": dist["name_en"].removesuffix(" District") if dist else "",
                "admin2_ar": dist["name_ar"] if dist else "",
                "type": rec["type"],
                "parent": rec["parent"],
                "precision": rec["precision"],
                "geo_precision": rec["geo_precision"],
                "population": rec["population"],
                "source": rec["source"],
                "country": rec["country"],
            }
        )
    return out


# ---------------------------------------------------------------- places outside Syria
#
# Country rows come from data/countries.yaml, first-level areas and hand-written towns, districts and
# bases from data/places_world.yaml, and towns from the GeoNames rows of the neighbouring countries
# (placed in their first-level area by GeoNames admin1 code, or the nearest area when the code is not
# listed). A hand-written place replaces a GeoNames row of the same name in the same country within
# SAME_PLACE_DEG (its English name is ACLED's) and takes its spellings.

SAME_PLACE_DEG = 0.1  # about 10 km


def country_id(iso3: str) -> str:
    return "sy-syria" if iso3 == HOME_COUNTRY else f"cc-{iso3.lower()}"


def _rec(
    pid: str,
    names: list[str],
    en: str,
    ll: tuple[float, float],
    ptype: str,
    parent: str,
    country: str,
    admin1_id: str,
    **kw: Any,
) -> dict[str, Any]:
    gp_default = 3 if ptype in ("country", "governorate") else 1
    return {
        "id": pid,
        "name_ar": names[0],
        "name_en": en,
        "variants": names[1:],
        "lat": round(float(ll[0]), 5),
        "lon": round(float(ll[1]), 5),
        "type": ptype,
        "parent": parent,
        "precision": int(kw.get("precision", 1 if ptype not in ("country", "governorate") else 2)),
        "geo_precision": int(kw.get("gp", gp_default)),
        "population": int(kw.get("population", 0)),
        "source": kw.get("source", "extra"),
        "admin1_id": admin1_id,
        "country": country,
    }


def add_world(
    records: dict[str, dict[str, Any]],
    countries: Mapping[str, Country],
    world: dict[str, Any],
    gazetteer_dir: Path,
    not_places: set[str],
    source: str,
) -> None:
    """Add the non-Syrian countries, their admin1 areas, GeoNames towns and hand-written places."""
    not_places = not_places | {normalize_name(w) for w in world.get("drop_names") or []}

    def add(rec: dict[str, Any]) -> None:
        if rec["id"] in records:
            raise BuildError(f"{source}: duplicate place id {rec['id']}")
        records[rec["id"]] = rec

    def names(ar: str, var: list[str] | None) -> list[str]:
        kept = [n for n in _unique([ar, *(var or [])]) if normalize_name(n) not in not_places]
        if not kept:
            raise BuildError(f"{source}: place {ar!r} has no usable name")
        return kept

    for iso3, c in countries.items():
        if iso3 != HOME_COUNTRY:
            add(
                _rec(
                    country_id(iso3),
                    names(c.name_ar, list(c.variants)),
                    c.name_en,
                    (c.lat, c.lon),
                    "country",
                    "",
                    iso3,
                    "",
                    precision=2,
                )
            )
    by_code: dict[tuple[str, str], str] = {}
    seats: dict[str, list[tuple[str, tuple[float, float]]]] = {}
    for iso3, areas in (world.get("admin1") or {}).items():
        if iso3 not in countries:
            raise BuildError(f"{source}: admin1 of unknown country {iso3}")
        for a in areas:
            add(
                _rec(
                    a["id"],
                    names(a["ar"], a.get("var")),
                    a["en"],
                    a["ll"],
                    "governorate",
                    country_id(iso3),
                    iso3,
                    a["id"],
                    precision=2,
                )
            )
            if "gn" in a:
                by_code[(iso3, str(a["gn"]))] = a["id"]
            seats.setdefault(iso3, []).append((a["id"], (float(a["ll"][0]), float(a["ll"][1]))))
    hand = _hand_places(world, records, countries, names, source)
    gaz = _geonames_rows(gazetteer_dir, countries, world, by_code, seats, not_places)
    for rec in gaz:
        same = [h for h in hand if h["country"] == rec["country"] and _same_place(h, rec)]
        if same:  # the hand-written row wins; it takes the GeoNames spellings
            merged = _unique([same[0]["name_ar"], *same[0]["variants"], rec["name_ar"], *rec["variants"]])
            same[0]["variants"] = merged[1:]
            same[0]["population"] = max(same[0]["population"], rec["population"])
            continue
        add(rec)
    for rec in hand:
        add(rec)


def _same_place(hand: dict[str, Any], gn: dict[str, Any]) -> bool:
    hand_names = {normalize_name(n) for n in [hand["name_ar"], *hand["variants"]]}
    gn_names = {normalize_name(n) for n in [gn["name_ar"], *gn["variants"]]}
    near = _distance((hand["lat"], hand["lon"]), (gn["lat"], gn["lon"])) <= SAME_PLACE_DEG
    return near and bool(hand_names & gn_names)


def _hand_places(
    world: dict[str, Any],
    records: dict[str, dict[str, Any]],
    countries: Mapping[str, Country],
    names: Any,
    source: str,
) -> list[dict[str, Any]]:
    """The hand-written places, each once its parent (`in`) is known; parents may be other places."""
    out: dict[str, dict[str, Any]] = {}
    pending = list(world.get("places") or [])
    while pending:
        later = []
        for p in pending:
            parent_id = country_id(p["in"]) if p["in"] in countries else p["in"]
            parent = records.get(parent_id) or out.get(parent_id)
            if parent is None:
                later.append(p)
                continue
            ptype = p.get("type", "town")
            gp = p.get("gp", 2 if ptype in ("road", "region") else 1)
            admin1 = parent["id"] if parent["type"] == "governorate" else parent["admin1_id"]
            if p["id"] in out or p["id"] in records:
                raise BuildError(f"{source}: duplicate place id {p['id']}")
            out[p["id"]] = _rec(
                p["id"],
                names(p["ar"], p.get("var")),
                p["en"],
                p["ll"],
                ptype,
                parent_id,
                parent["country"],
                admin1,
                gp=gp,
                precision=p.get("p", 1),
            )
        if len(later) == len(pending):
            missing = ", ".join(f"{p['id']} (in {p['in']})" for p in later)
            raise BuildError(f"{source}: unresolved parents: {missing}")
        pending = later
    return list(out.values())


def _geonames_rows(
    gazetteer_dir: Path,
    countries: Mapping[str, Country],
    world: dict[str, Any],
    by_code: dict[tuple[str, str], str],
    seats: dict[str, list[tuple[str, tuple[float, float]]]],
    not_places: set[str],
) -> list[dict[str, Any]]:
    overrides: dict[str, dict[str, Any]] = world.get("overrides") or {}
    out = []
    for iso3, c in countries.items():
        if iso3 == HOME_COUNTRY or not c.geonames:
            continue
        for row in read_gazetteer(gazetteer_dir, c.geonames):
            pid = f"gn-{row['geonameid']}"
            ov = overrides.get(pid, {})
            if ov.get("remove"):
                continue
            drop = {normalize_name(d) for d in ov.get("drop", [])} | not_places
            cleaned = [clean_arabic(n) for n in row["arabic_names"].split("|")]
            kept = _unique([*ov.get("add", []), *(n for n in cleaned if n and normalize_name(n) not in drop)])
            if not kept:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            if not c.contains(lat, lon) or not seats.get(iso3):
                continue
            admin1 = (
                by_code.get((iso3, row["admin1code"]))
                or min(seats[iso3], key=lambda s: _distance(s[1], (lat, lon)))[0]
            )
            population = int(row["population"] or 0)
            out.append(
                _rec(
                    pid,
                    kept,
                    ov.get("en") or ascii_english(row["name"]),
                    (lat, lon),
                    ov.get("type", "city" if population >= 50000 else "town"),
                    admin1,
                    iso3,
                    admin1,
                    population=population,
                    source="geonames",
                )
            )
    return out


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", type=Path, default=DEFAULT_GAZETTEER)
    parser.add_argument("--extra", type=Path, default=EXTRA_PATH)
    parser.add_argument("--world", type=Path, default=WORLD_PATH)
    parser.add_argument("--out", type=Path, default=OUT_PATH)
    args = parser.parse_args(argv)
    try:
        rows = build(args.gazetteer, args.extra, args.world)
    except (BuildError, OSError, KeyError, yaml.YAMLError) as exc:
        print(f"build_places: {exc}", file=sys.stderr)
        return 1
    write_csv(rows, args.out)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["type"]] = counts.get(row["type"], 0) + 1
    print(f"wrote {len(rows)} places to {args.out}: {dict(sorted(counts.items()))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
