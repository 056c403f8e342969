"""The places knowledge base: countries, governorates, districts, towns, neighbourhoods, landmarks.

Syria in depth, and the countries its war news reports on (Iraq, Yemen, Saudi Arabia, Turkey,
Lebanon, Jordan, Palestine, Israel, Egypt, Libya, Iran, the Gulf states) at their first-level areas
and main towns. Data lives in ``data/places.csv`` (built by ``build_places.py`` from GeoNames plus
``data/places_extra.yaml`` and ``data/places_world.yaml``); every place names its country (ISO-3,
``data/countries.yaml``). It is loaded once, validated row by row (coordinates inside the country's
bounding box), and indexed by normalised name for the geocoder.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rasid.serialize import load_yaml
from rasid.text.fold import PLACE_NAMES, fold_word

DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_CSV = DATA_DIR / "places.csv"
COUNTRIES_YAML = DATA_DIR / "countries.yaml"

PLACE_TYPES = frozenset(
    {
        "country",
        "governorate",
        "district",
        "subdistrict",
        "city",
        "town",
        "village",
        "neighbourhood",
        "landmark",
        "road",
        "airport",
        "base",
        "region",
    }
)
# Syria's bounding box (with a small margin for the Golan and the Tigris corner); the boxes of all
# countries are in data/countries.yaml.
LAT_RANGE = (32.3, 37.4)
LON_RANGE = (35.6, 42.4)
HOME_COUNTRY = "SYR"

CSV_FIELDS = [
    "id",
    "name_ar",
    "name_en",
    "variants",
    "lat",
    "lon",
    "admin1",
    "admin1_ar",
    "admin2",
    "admin2_ar",
    "type",
    "parent",
    "precision",
    "geo_precision",
    "population",
    "source",
    "country",
]

_SPACES = re.compile(r"[\s\-–_]+")


class PlaceDataError(ValueError):
    """Bad data in places.csv; the message names the file and the row."""


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str  # ISO 3166-1 alpha-3, the `country` column of places.csv
    iso: int  # ISO 3166-1 numeric (ACLED's `iso`)
    name_en: str  # as ACLED spells it
    name_ar: str
    variants: tuple[str, ...]
    lat: float
    lon: float
    bbox: tuple[float, float, float, float]  # lat_min, lat_max, lon_min, lon_max
    geonames: str = ""  # GeoNames country code, for countries imported from the shared gazetteer

    def contains(self, lat: float, lon: float) -> bool:
        return self.bbox[0] <= lat <= self.bbox[1] and self.bbox[2] <= lon <= self.bbox[3]


def _country(raw: dict[str, Any], k: int, path: Path) -> Country:
    try:
        bbox = tuple(float(x) for x in raw["bbox"])
        if len(bbox) != 4 or not (bbox[0] < bbox[1] and bbox[2] < bbox[3]):
            raise ValueError("bbox must be [lat_min, lat_max, lon_min, lon_max]")
        lat, lon = (float(x) for x in raw["ll"])
        country = Country(
            iso3=str(raw["iso3"]),
            iso=int(raw["iso"]),
            name_en=str(raw["en"]),
            name_ar=str(raw["ar"]),
            variants=tuple(str(v) for v in raw.get("var", [])),
            lat=lat,
            lon=lon,
            bbox=(bbox[0], bbox[1], bbox[2], bbox[3]),
            geonames=str(raw.get("gn", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PlaceDataError(f"{path.name}: country {k + 1}: bad entry ({exc})") from None
    if not re.fullmatch(r"[A-Z]{3}", country.iso3) or not country.contains(lat, lon):
        raise PlaceDataError(
            f"{path.name}: country {k + 1} ({country.iso3}): bad code or point outside its box"
        )
    return country


def read_countries(path: Path = COUNTRIES_YAML) -> dict[str, Country]:
    """The countries of the gazetteer by ISO-3 code, validated."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
        entries = raw["countries"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as exc:
        raise PlaceDataError(f"{path.name}: cannot read countries ({exc})") from None
    out: dict[str, Country] = {}
    for k, entry in enumerate(entries):
        country = _country(entry, k, path)
        if country.iso3 in out:
            raise PlaceDataError(f"{path.name}: duplicate country {country.iso3}")
        out[country.iso3] = country
    return out


@lru_cache(maxsize=1)
def load_countries() -> dict[str, Country]:
    return read_countries(COUNTRIES_YAML)


def country_of(iso3: str) -> Country | None:
    """The country with this ISO-3 code ("YEM"), or None."""
    return load_countries().get(iso3)


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points (degrees)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def normalize_word(word: str) -> str:
    """Normalise one word for matching: strip harakat/tatweel, fold alef/ta marbuta/alef maqsura.

    The `PLACE_NAMES` fold of rasid.text.fold (the gazetteer keys were built with it: digits and
    hamza seats kept, lower-cased); the leading article is kept.
    """
    return fold_word(word, PLACE_NAMES)


def normalize_name(name: str) -> str:
    """Normalise a multiword name: each word normalised, words joined by one space."""
    return " ".join(normalize_word(w) for w in _SPACES.split(name.strip()) if w)


def strip_article(norm: str) -> str:
    """Drop a leading ال from a normalised name (first word only), if what remains is a real word."""
    if norm.startswith("ال") and len(norm.split(" ", 1)[0]) > 3:
        return norm[2:]
    return norm


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name_ar: str
    name_en: str
    variants: tuple[str, ...]
    lat: float
    lon: float
    admin1: str  # governorate, English
    admin1_ar: str
    admin2: str  # district (mantiqa), English
    admin2_ar: str
    type: str
    parent: str | None
    precision: int  # 1 = coordinates are the place's own, 2 = inherited or approximate
    geo_precision: int  # ACLED precision when the place is named on its own
    population: int = 0
    source: str = ""
    country: str = HOME_COUNTRY  # ISO-3

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name_ar, *self.variants)


class PlaceBase:
    """All places with name and hierarchy indexes."""

    def __init__(self, places: list[Place], source: str = "places.csv") -> None:
        self._places: dict[str, Place] = {}
        for p in places:
            if p.id in self._places:
                raise PlaceDataError(f"{source}: duplicate id {p.id}")
            self._places[p.id] = p
        self._children: dict[str, list[str]] = {}
        for p in places:
            if p.parent:
                if p.parent not in self._places:
                    raise PlaceDataError(f"{source}: place {p.id} has unknown parent {p.parent}")
                self._children.setdefault(p.parent, []).append(p.id)
        self._names: dict[str, list[str]] = {}
        for p in places:
            for name in p.names:
                key = normalize_name(name)
                ids = self._names.setdefault(key, [])
                if p.id not in ids:
                    ids.append(p.id)
        # Article-less and article-added forms, used only by lookup() (never by running-text matching,
        # where "حول" must not become الحول).
        self._loose: dict[str, list[str]] = {}
        for key, ids in self._names.items():
            for alt in {strip_article(key), key if key.startswith("ال") else "ال" + key}:
                bucket = self._loose.setdefault(alt, [])
                bucket.extend(i for i in ids if i not in bucket)
        self._check_cycles(source)

    def _check_cycles(self, source: str) -> None:
        for pid in self._places:
            seen = {pid}
            cur = self._places[pid].parent
            while cur:
                if cur in seen:
                    raise PlaceDataError(f"{source}: parent cycle through {pid}")
                seen.add(cur)
                cur = self._places[cur].parent

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def get(self, place_id: str) -> Place | None:
        return self._places.get(place_id)

    def all(self) -> list[Place]:
        return list(self._places.values())

    def lookup(self, surface: str) -> list[Place]:
        """Places called `surface` (normalised; a leading ال is optional), most prominent first."""
        key = normalize_name(surface)
        ids = self._names.get(key) or self._loose.get(key) or []
        return sorted((self._places[i] for i in ids), key=prominence)

    def name_index(self) -> dict[str, list[str]]:
        """Normalised name (possibly multiword) -> place ids, exactly as written in the data."""
        return self._names

    def children(self, place_id: str) -> list[Place]:
        return [self._places[c] for c in self._children.get(place_id, [])]

    def containers(self, place_id: str) -> list[Place]:
        """The chain of enclosing places, nearest first (e.g. city, district, governorate, country)."""
        out = []
        place = self._places.get(place_id)
        cur = place.parent if place else None
        while cur:
            parent = self._places[cur]
            out.append(parent)
            cur = parent.parent
        return out

    def governorate_of(self, place_id: str) -> Place | None:
        place = self._places.get(place_id)
        if place is None:
            return None
        if place.type == "governorate":
            return place
        return next((c for c in self.containers(place_id) if c.type == "governorate"), None)


_TYPE_RANK = {
    "city": 0,
    "town": 1,
    "village": 2,
    "neighbourhood": 3,
    "airport": 4,
    "base": 4,
    "landmark": 4,
    "road": 5,
    "region": 6,
    "subdistrict": 7,
    "country": 8,
    "governorate": 9,
    "district": 10,
}


def prominence(place: Place) -> tuple[int, int]:
    """Sort key: settlements before areas (a bare "حلب" is the city), then by population."""
    return (_TYPE_RANK.get(place.type, 11), -place.population)


def _parse_row(row: dict[str, str], line: int, path: Path) -> Place:
    where = f"{path.name} row {line} (id {row.get('id') or '?'})"
    try:
        lat = float(row["lat"])
        lon = float(row["lon"])
        precision = int(row["precision"])
        geo_precision = int(row["geo_precision"])
        population = int(row.get("population") or 0)
    except (KeyError, TypeError, ValueError) as exc:
        raise PlaceDataError(f"{where}: bad number ({exc})") from None
    if not row.get("id") or not row.get("name_ar"):
        raise PlaceDataError(f"{where}: id and name_ar are required")
    if row["type"] not in PLACE_TYPES:
        raise PlaceDataError(f"{where}: unknown type {row['type']!r}")
    iso3 = row.get("country") or HOME_COUNTRY
    country = load_countries().get(iso3)
    if country is None:
        raise PlaceDataError(f"{where}: unknown country code {iso3!r}")
    if not country.contains(lat, lon):
        raise PlaceDataError(f"{where}: coordinates {lat},{lon} outside {country.name_en}")
    if precision not in (1, 2) or geo_precision not in (1, 2, 3):
        raise PlaceDataError(f"{where}: precision must be 1/2 and geo_precision 1/2/3")
    return Place(
        id=row["id"],
        name_ar=row["name_ar"],
        name_en=row["name_en"],
        variants=tuple(v for v in row.get("variants", "").split("|") if v),
        lat=lat,
        lon=lon,
        admin1=row.get("admin1", ""),
        admin1_ar=row.get("admin1_ar", ""),
        admin2=row.get("admin2", ""),
        admin2_ar=row.get("admin2_ar", ""),
        type=row["type"],
        parent=row.get("parent") or None,
        precision=precision,
        geo_precision=geo_precision,
        population=population,
        source=row.get("source", ""),
        country=iso3,
    )


def read_places(path: Path) -> PlaceBase:
    """Read and validate a places CSV (any path; load_places() caches the packaged one)."""
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise PlaceDataError(f"{path}: cannot open ({exc.strerror})") from None
    with fh:
        reader = csv.DictReader(fh)
        missing = [
            f
            for f in ("id", "name_ar", "lat", "lon", "type", "precision")
            if f not in (reader.fieldnames or [])
        ]
        if missing:
            raise PlaceDataError(f"{path.name}: missing columns {', '.join(missing)}")
        places = [_parse_row(row, i, path) for i, row in enumerate(reader, start=2)]
    return PlaceBase(places, source=path.name)


@lru_cache(maxsize=1)
def load_places() -> PlaceBase:
    return read_places(PLACES_CSV)
