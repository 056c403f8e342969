"""A polite HTTP client for following outlets: robots.txt, conditional requests, a per-host pace,
timeouts, retries with backoff, a size cap and a redirect limit. Standard library only.

Every problem with one URL is a `FetchError` naming the URL and what to do; nothing here crashes
the caller. The caches (robots.txt rules, per-host times) are bounded, so a run of days stays flat.
"""

from __future__ import annotations

import email.utils
import http.client
import random
import ssl
import time
import urllib.robotparser
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

from rasid import __version__

DEFAULT_USER_AGENT = f"Rasid/{__version__} (Arabic conflict-news monitor; +https://github.com/rasid)"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for more than 24 hours
ROBOTS_RETRY_TTL = 600.0  # an unreachable robots.txt (5xx) is asked again after 10 minutes
HOSTS_KEPT = 1024  # per-host state kept (least recently used dropped)
CHUNK = 64 * 1024


class FetchError(Exception):
    """One URL could not be fetched. `retryable`: a later round may succeed (timeout, 5xx, 429)."""

    def __init__(
        self, url: str, problem: str, *, retryable: bool, status: int | None = None, retry_after: float | None = None
    ):
        self.url = url
        self.problem = problem
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after  # seconds the server asked to wait (Retry-After)
        super().__init__(f"{url}: {problem}")


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0  # seconds for connecting, for each read and for a whole response
    max_bytes: int = 10 * 1024 * 1024
    per_host_delay: float = 1.0  # least seconds between two requests to one host
    retries: int = 2  # further attempts after a timeout, a connection error, 5xx or 429
    backoff: float = 1.0  # first wait before a retry; doubled each time, plus jitter
    max_wait: float = 60.0  # longest wait honoured (Retry-After, backoff); longer: given up this round
    max_redirects: int = 5


class _LRU(OrderedDict[str, object]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def put(self, key: str, value: object) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Fetcher:
    """GET with politeness. `sleep` and `clock` are injectable for tests."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.sleep = sleep
        self.clock = clock
        self._last: _LRU = _LRU(HOSTS_KEPT)  # host -> time of its last request
        self._not_before: _LRU = _LRU(HOSTS_KEPT)  # host -> no request before (a long Retry-After)
        self._robots: _LRU = _LRU(HOSTS_KEPT)  # host -> (parser or None = all disallowed, expires)
        self.requests = 0

    # -- robots.txt ---------------------------------------------------------------------------
    def allowed(self, url: str) -> bool:
        """Whether robots.txt of `url`'s host lets this user agent fetch it (RFC 9309)."""
        host = _host_key(url)
        cached = self._robots.get(host)
        now = self.clock()
        if not (isinstance(cached, tuple) and cached[1] > now):
            cached = self._load_robots(host, now)
            self._robots.put(host, cached)
        parser = cached[0]
        if parser is None:
            return False
        if parser is True:
            return True
        assert isinstance(parser, urllib.robotparser.RobotFileParser)
        return parser.can_fetch(self.settings.user_agent, url)

    def _load_robots(self, host: str, now: float) -> tuple[object, float]:
        try:
            response = self._get_following(host + "/robots.txt", {}, ROBOTS_MAX_BYTES, retries=0)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return True, now + ROBOTS_TTL  # no robots.txt: everything allowed
            if exc.status is None and "too large" in exc.problem:
                return True, now + ROBOTS_TTL
            return None, now + ROBOTS_RETRY_TTL  # unreachable: nothing allowed, asked again later
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser, now + ROBOTS_TTL

    # -- requests -----------------------------------------------------------------------------
    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` (conditionally when `etag`/`last_modified` are given): a 2xx or 304 response,
        else `FetchError`. Retries timeouts, connection errors, 429 and 5xx with backoff."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get_following(url, headers, self.settings.max_bytes, retries=self.settings.retries)

    def _get_following(self, url: str, headers: dict[str, str], max_bytes: int, *, retries: int) -> Response:
        seen: list[str] = []
        current = url
        for _ in range(self.settings.max_redirects + 1):
            if current in seen:
                raise FetchError(url, f"redirect loop ({' -> '.join([*seen, current])}); the page is broken", retryable=False)
            seen.append(current)
            response = self._with_retries(current, headers, max_bytes, retries)
            if response.status not in REDIRECTS:
                return response
            location = response.headers.get("location")
            if not location:
                raise FetchError(current, f"redirect {response.status} without a Location", retryable=False)
            current = urljoin(current, location)
        raise FetchError(url, f"more than {self.settings.max_redirects} redirects; not followed", retryable=False)

    def _with_retries(self, url: str, headers: dict[str, str], max_bytes: int, retries: int) -> Response:
        attempt = 0
        while True:
            try:
                return self._once(url, headers, max_bytes)
            except FetchError as exc:
                if not exc.retryable or attempt >= retries:
                    raise
                wait = self._backoff(attempt, exc.retry_after)
                if wait is None:
                    raise
                attempt += 1
                self.sleep(wait)

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry number `attempt` + 1; None: longer than `max_wait`, give up."""
        s = self.settings
        wait = s.backoff * (2**attempt) + random.uniform(0, s.backoff)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return None if wait > s.max_wait else wait

    def _pace(self, url: str) -> None:
        host = _host_key(url)
        now = self.clock()
        not_before = self._not_before.get(host)
        if isinstance(not_before, float) and not_before > now:
            raise FetchError(url, f"the server asked for no requests for {not_before - now:.0f} s more",
                             retryable=True, retry_after=not_before - now)
        last = self._last.get(host)
        if isinstance(last, float):
            gap = last + self.settings.per_host_delay - now
            if gap > 0:
                self.sleep(gap)
        self._last.put(host, self.clock())

    def _once(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "only http:// and https:// URLs are fetched", retryable=False)
        self._pace(url)
        self.requests += 1
        timeout = self.settings.timeout
        conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(_ascii_host(parts.hostname), parts.port, timeout=timeout)
        path = request_target(url)
        started = self.clock()
        try:
            conn.request("GET", path, headers={
                "User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip", "Connection": "close", **headers,
            })
            raw = conn.getresponse()
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            status = raw.status
            if status in REDIRECTS or status == 304:
                return Response(url, status, response_headers)
            if status >= 400:
                error = FetchError(url, _status_problem(status), retryable=status in RETRY_STATUS, status=status)
                if status in (429, 503):
                    wait = retry_after_seconds(response_headers.get("retry-after"))
                    error.retry_after = wait
                    if wait is not None and wait > self.settings.max_wait:
                        self._not_before.put(_host_key(url), self.clock() + wait)
                raise error
            body = self._read_body(url, raw, response_headers, max_bytes, started)
            return Response(url, status, response_headers, body)
        except TimeoutError:
            raise FetchError(url, f"no answer within {timeout:g} s (--timeout)", retryable=True) from None
        except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError) as exc:
            raise FetchError(url, f"connection failed ({type(exc).__name__}: {exc})", retryable=True) from None
        except ValueError as exc:  # http.client.InvalidURL, a host IDNA cannot encode
            raise FetchError(url, f"not a usable URL ({exc})", retryable=False) from None
        finally:
            conn.close()

    def _read_body(
        self, url: str, raw: http.client.HTTPResponse, headers: dict[str, str], max_bytes: int, started: float
    ) -> bytes:
        too_large = f"larger than {max_bytes:,} bytes (--max-bytes); refused"
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise FetchError(url, too_large, retryable=False)
        gzipped = headers.get("content-encoding", "").lower() in ("gzip", "x-gzip")
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
        parts: list[bytes] = []
        size = 0
        while True:
            if self.clock() - started > self.settings.timeout * 3:
                raise FetchError(url, f"the response took over {self.settings.timeout * 3:g} s; given up", retryable=True)
            chunk = raw.read(CHUNK)
            if not chunk:
                break
            if inflate is not None:
                try:
                    # Never more than the cap out of one chunk: a small gzip bomb stays small.
                    chunk = inflate.decompress(chunk, max_bytes + 1 - size)
                except zlib.error as exc:
                    raise FetchError(url, f"broken gzip body ({exc})", retryable=True) from None
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, too_large, retryable=False)
            parts.append(chunk)
        return b"".join(parts)


_SAFE = "/%:@!$&'()*+,;=-._~?"  # what may stay as it is in a path and query (RFC 3986)


def request_target(url: str) -> str:
    """The path and query of `url` as sent: non-ASCII (an Arabic slug) percent-encoded as UTF-8,
    what is already encoded left as it is."""
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return quote(target, safe=_SAFE)


def _ascii_host(host: str) -> str:
    try:
        host.encode("ascii")
        return host
    except UnicodeEncodeError:
        return host.encode("idna").decode("ascii")


def _status_problem(status: int) -> str:
    if status == 404 or status == 410:
        return f"HTTP {status}: not found; remove it from the sources if it stays so"
    if status in (401, 403):
        return f"HTTP {status}: access refused by the server"
    if status == 429:
        return "HTTP 429: too many requests; raise --rate-per-host"
    if status >= 500:
        return f"HTTP {status}: server error; tried again next round"
    return f"HTTP {status}"
