"""Event exports: ACLED-style CSV, PLOVER/POLECAT-style JSON, GeoJSON, flat CSV."""

from __future__ import annotations

from rasid.export.acled import ACLED_COLUMNS, acled_rows, write_acled
from rasid.export.geojson import to_geojson
from rasid.export.plover import plover_records

__all__ = ["ACLED_COLUMNS", "acled_rows", "plover_records", "to_geojson", "write_acled"]
