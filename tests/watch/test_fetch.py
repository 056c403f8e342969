"""The polite HTTP client against a real local server: every failure is a FetchError, never a crash or a hang."""

from __future__ import annotations

import contextlib
import time
from http.server import BaseHTTPRequestHandler

import pytest

from rasid.watch.fetch import Fetcher, FetchError, FetchSettings, retry_after_seconds
from tests.watch.conftest import FixtureServer, Route


def fetcher(**kw: float) -> tuple[Fetcher, list[float]]:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(min(seconds, 0.05))

    settings = FetchSettings(timeout=kw.pop("timeout", 2.0), per_host_delay=kw.pop("delay", 0.0), backoff=0.01,
                             **{k: int(v) for k, v in kw.items()})  # type: ignore[arg-type]
    return Fetcher(settings, sleep=sleep), waits


def test_conditional_get_sends_validators_and_handles_304(server: FixtureServer) -> None:
    server.add("/feed", Route(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Mon, 03 Aug 2015 10:00:00 GMT"}))
    f, _ = fetcher()
    first = f.get(server.base + "/feed")
    assert first.status == 200 and first.etag == '"v1"' and first.body == b"<rss/>"
    second = f.get(server.base + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""
    asked = server.requests("/feed")[-1].headers
    assert asked["if-none-match"] == '"v1"' and asked["if-modified-since"] == "Mon, 03 Aug 2015 10:00:00 GMT"


def test_timeout_is_retried_then_given_up_quickly(server: FixtureServer) -> None:
    server.add("/slow", Route(200, b"late", delay=1.5))
    f, _ = fetcher(timeout=0.3, retries=2)
    started = time.monotonic()
    with pytest.raises(FetchError, match="no answer within") as caught:
        f.get(server.base + "/slow")
    assert caught.value.retryable
    assert len(server.requests("/slow")) == 3  # one try and two retries
    assert time.monotonic() - started < 5


def test_slow_but_in_time_is_read(server: FixtureServer) -> None:
    server.add("/late", Route(200, b"ok", delay=0.3))
    f, _ = fetcher(timeout=2.0)
    assert f.get(server.base + "/late").body == b"ok"


def test_server_error_retried_with_backoff_and_recovers(server: FixtureServer) -> None:
    server.add("/flaky", Route(500, b"oops"))
    f, waits = fetcher(retries=2)
    with pytest.raises(FetchError, match="HTTP 500") as caught:
        f.get(server.base + "/flaky")
    assert caught.value.retryable and caught.value.status == 500
    assert len(server.requests("/flaky")) == 3 and len(waits) == 2 and waits[1] > waits[0] * 1.0 - 0.02
    server.add("/flaky", b"fine now")
    assert f.get(server.base + "/flaky").body == b"fine now"


def test_404_is_not_retried(server: FixtureServer) -> None:
    f, _ = fetcher(retries=3)
    with pytest.raises(FetchError, match="not found") as caught:
        f.get(server.base + "/missing")
    assert not caught.value.retryable and len(server.requests("/missing")) == 1


def test_retry_after_is_honoured_and_a_long_one_gives_up(server: FixtureServer) -> None:
    server.add("/busy", Route(429, b"", {"Retry-After": "1"}))
    f, waits = fetcher(retries=1)
    with pytest.raises(FetchError, match="429"):
        f.get(server.base + "/busy")
    assert waits and waits[0] >= 1.0
    server.add("/closed", Route(503, b"", {"Retry-After": "3600"}))
    g, waits = fetcher(retries=3)
    with pytest.raises(FetchError):
        g.get(server.base + "/closed")
    assert len(server.requests("/closed")) == 1 and not waits  # not hammered
    with pytest.raises(FetchError, match="asked for no requests"):
        g.get(server.base + "/other")  # the host asked to be left alone
    assert not server.requests("/other") and not waits  # not even waited for within the round
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 60) == pytest.approx(60)


def test_a_50_mb_page_is_refused_fast_with_or_without_length(server: FixtureServer) -> None:
    big = 50 * 1024 * 1024
    server.add("/big", Route(200, b"x" * 10, {"Content-Length": str(big)}, handler=_claims_length(big)))
    server.add("/stream", Route(handler=_streams_forever))
    f, _ = fetcher()
    f.settings.max_bytes = 1024 * 1024
    started = time.monotonic()
    for path in ("/big", "/stream"):
        with pytest.raises(FetchError, match="larger than") as caught:
            f.get(server.base + path)
        assert not caught.value.retryable
    assert time.monotonic() - started < 3


def _claims_length(size: int):  # type: ignore[no-untyped-def]
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(size))
        h.end_headers()
        with contextlib.suppress(OSError):
            h.wfile.write(b"x" * 65536)

    return handle


def _streams_forever(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"y" * 65536
    try:
        for _ in range(50 * 16):  # 50 MB, unless the client hangs up first
            h.wfile.write(chunk)
    except OSError:
        pass
    h.close_connection = True


def test_redirect_loop_and_too_many_redirects(server: FixtureServer) -> None:
    server.add("/a", Route(302, b"", {"Location": "/b"}))
    server.add("/b", Route(301, b"", {"Location": "/a"}))
    for i in range(10):
        server.add(f"/r{i}", Route(302, b"", {"Location": f"/r{i + 1}"}))
    server.add("/moved", Route(301, b"", {"Location": "/final"}))
    server.add("/final", b"here")
    f, _ = fetcher()
    with pytest.raises(FetchError, match="redirect loop"):
        f.get(server.base + "/a")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        f.get(server.base + "/r0")
    done = f.get(server.base + "/moved")
    assert done.body == b"here" and done.url == server.base + "/final"


def test_robots_txt_rules(server: FixtureServer) -> None:
    server.add("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
    f, _ = fetcher()
    assert f.allowed(server.base + "/news/1") and not f.allowed(server.base + "/private/2")
    assert len(server.requests("/robots.txt")) == 1  # cached per host
    server.add("/robots.txt", Route(500, b""))
    g, _ = fetcher()
    assert not g.allowed(server.base + "/news/1")  # unreachable robots.txt: nothing allowed (RFC 9309)
    server.add("/robots.txt", Route(404, b""))
    h, _ = fetcher()
    assert h.allowed(server.base + "/anything")  # no robots.txt: everything allowed


def test_pace_per_host_and_only_http(server: FixtureServer) -> None:
    server.add("/p", b"ok")
    f, waits = fetcher(delay=0.5)
    f.get(server.base + "/p")
    f.get(server.base + "/p")
    assert waits and 0.3 < waits[0] <= 0.5
    for url in ("file:///etc/passwd", "ftp://example.org/x"):
        with pytest.raises(FetchError, match="only http"):
            f.get(url)
