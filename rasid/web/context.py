"""What every route shares: the per-thread Rasid, JSON responses, errors, cursors and paging.

SQLite connections belong to the thread that opened them. FastAPI runs each synchronous route in
a worker thread of its pool, the whole route in one thread, so a route asks `Server.rasid()` for
the Rasid of the thread it runs in: one connection per worker thread, opened on first use and kept.
Writes (new articles, reviews) take `Server.write_lock`, so one runs at a time, and share one
analysis pipeline that only the holder of the lock uses.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from rasid.api import Rasid
from rasid.pipeline import Pipeline

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_CACHED = 256  # cached answers kept per server (pages of entities, the facts of /api/meta)


class ApiError(Exception):
    """An error the client can act on: sent as {"error": {"status", "message"}}."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def _escape_json(text: str) -> str:
    # <, > and & only occur inside JSON strings, so their \u escapes keep the JSON identical when
    # parsed while no browser can ever read markup in a response, whatever it sniffs.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


# Built once (json.dumps with options builds an encoder per call); compact, Arabic kept as it is.
_encode = json.JSONEncoder(ensure_ascii=False, default=_default, separators=(",", ":"), check_circular=False).encode


def dumps(content: Any) -> str:
    """JSON text of `content` (Arabic kept readable, dates as ISO strings, markup characters escaped)."""
    return _escape_json(_encode(content))


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status, headers=headers)


@dataclass
class Server:
    """One served database: its path, token, limits, and the Rasid of each worker thread."""

    db: str
    token: str | None = None
    max_body: int = 5 * 1024 * 1024
    check_timeout: float = 30.0
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)
    _pipeline: Pipeline | None = None
    _cache: dict[Any, Any] = field(default_factory=dict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def read_only(self) -> bool:
        return not self.token

    def rasid(self) -> Rasid:
        """The Rasid (and SQLite connection) of the calling thread."""
        rasid = getattr(self._local, "rasid", None)
        if rasid is None:
            rasid = Rasid(self.db)
            self._local.rasid = rasid
        return rasid

    def pipeline(self) -> Pipeline:
        """The analysis pipeline, built once; call it only while holding `write_lock`."""
        if self._pipeline is None:
            from rasid.stages import default_pipeline

            self._pipeline = default_pipeline()
        return self._pipeline

    def cached(self, key: Any, version: Any, compute: Callable[[], Any]) -> Any:
        """`compute()` once per `version` of the data (e.g. the article count) for `key`."""
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        value = compute()
        with self._cache_lock:
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            self._cache[key] = (version, value)
        return value


def server(request: Request) -> Server:
    found: Server = request.app.state.server
    return found


def encode_cursor(*values: Any) -> str:
    """An opaque cursor for keyset paging: the sort key of the last item returned."""
    raw = json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str | None, *types: type | tuple[type, ...]) -> list[Any] | None:
    """The values of a cursor made by `encode_cursor`, checked against `types`; 400 if it is not one."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError, binascii.Error):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, types, strict=True))
    ):
        raise ApiError(400, "cursor: not a cursor this server gave; start again without it")
    return values


def next_url(request: Request, cursor: str | None) -> str | None:
    """The URL of the next page (this request with `cursor` replaced), or None at the end."""
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))


def parse_day(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value[:10] if len(value) > 10 and value[10] in "T " else value)
    except ValueError:
        raise ApiError(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """minLon,minLat,maxLon,maxLat within −180..180 and −90..90, each minimum below its maximum."""
    if value is None or value == "":
        return None
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or any(n != n for n in numbers):  # n != n: NaN
        raise ApiError(400, f"bbox: {value!r} is not four numbers minLon,minLat,maxLon,maxLat")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise ApiError(400, "bbox: longitudes must be between -180 and 180")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise ApiError(400, "bbox: latitudes must be between -90 and 90")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise ApiError(400, "bbox: each minimum must be below its maximum (minLon,minLat,maxLon,maxLat)")
    return min_lon, min_lat, max_lon, max_lat


def article_json(row: Any) -> dict[str, Any]:
    """The public fields of a stored article (an `ArticleRow`)."""
    return {
        "id": row.id,
        "title": row.title,
        "source": row.source,
        "published": row.published.isoformat() if row.published else None,
        "url": row.url,
        "language": row.language,
        "length": row.length,
        "duplicate_of": row.duplicate_of,
    }
